/**
 * What DEBUG OBJECT, DEBUG HTSTATS and DEBUG HTSTATS-KEY report about
 * Redis's in-memory structures, computed from the values as this server
 * holds them: the encodings Redis would use (listpack, intset, quicklist
 * nodes) are rebuilt from the elements when a figure depends on them.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { lzfCompress } from "../persistence/lzf.ts";
import { RdbWriter } from "../persistence/rdb_writer.ts";
import { plainValueOf } from "../persistence/snapshot.ts";
import type { Entry } from "../store/database.ts";
import { type PlainValue, valueTypeOps } from "../store/value_types.ts";
import { bytesToString, stringToBytes } from "../util/bytes.ts";
import { formatDouble, parseInt64 } from "../util/numbers.ts";

/** Redis's default quicklist packed threshold (1 GB). */
export const DEFAULT_PACKED_THRESHOLD = 1 << 30;

/** Quicklist node size limits of list-max-listpack-size -1 ... -5. */
const NODE_SIZE_LIMITS = [4096, 8192, 16384, 32768, 65536];
/** The largest node a positive (count) fill may grow to. */
const SIZE_SAFETY_LIMIT = 8192;
/** What Redis adds to an element's length to estimate its listpack growth. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Nodes smaller than this are never compressed (list-compress-depth). */
const MIN_COMPRESS_BYTES = 48;
/** Compression must save at least this much to be kept. */
const MIN_COMPRESS_IMPROVE = 8;

const INT16 = 32768n;
const INT24 = 8388608n;
const INT32 = 2147483648n;

// ---------------------------------------------------------------------------
// Number formatting

/**
 * `x` with `digits` decimals, like printf("%.<digits>f"): unlike toFixed,
 * an exact tie rounds to the even digit.
 */
export function formatFixed(x: number, digits: number): string {
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + digits);
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, point + 1 + digits).replace(".", "");
    let n = BigInt(kept);
    if (n % 2n === 1n) n += 1n;
    const text = n.toString().padStart(digits + 1, "0");
    const whole = text.slice(0, text.length - digits);
    const fraction = text.slice(text.length - digits);
    const sign = x < 0 ? "-" : "";
    return digits > 0 ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
  }
  return x.toFixed(digits);
}

// ---------------------------------------------------------------------------
// Compact encodings

/** The integer a listpack would store `item` as, or null for a string. */
function listpackInteger(item: Uint8Array): bigint | null {
  return parseInt64(item);
}

/** Bytes of a listpack entry's back-length field for an entry of `size`. */
function backlenSize(size: number): number {
  if (size < 128) return 1;
  if (size < 16384) return 2;
  if (size < 2097152) return 3;
  if (size < 268435456) return 4;
  return 5;
}

/** Writes the encoding of `item` (without back-length); returns its size. */
function listpackEntry(item: Uint8Array, out: number[] | null): number {
  const v = listpackInteger(item);
  if (v !== null) {
    let tag: number;
    let bytes: number;
    if (v >= 0n && v <= 127n) {
      out?.push(Number(v));
      return 1;
    }
    if (v >= -4096n && v <= 4095n) {
      const u = Number(v) & 0x1fff;
      out?.push(0xc0 | (u >> 8), u & 0xff);
      return 2;
    }
    if (v >= -INT16 && v < INT16) [tag, bytes] = [0xf1, 2];
    else if (v >= -INT24 && v < INT24) [tag, bytes] = [0xf2, 3];
    else if (v >= -INT32 && v < INT32) [tag, bytes] = [0xf3, 4];
    else [tag, bytes] = [0xf4, 8];
    if (out !== null) {
      out.push(tag);
      let u = BigInt.asUintN(64, v);
      for (let i = 0; i < bytes; i++) {
        out.push(Number(u & 0xffn));
        u >>= 8n;
      }
    }
    return 1 + bytes;
  }
  const n = item.length;
  let header: number[];
  if (n < 64) header = [0x80 | n];
  else if (n < 4096) header = [0xe0 | (n >> 8), n & 0xff];
  else header = [0xf0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  if (out !== null) {
    out.push(...header);
    for (const b of item) out.push(b);
  }
  return header.length + n;
}

/** Appends a back-length field for an entry of `size` bytes. */
function pushBacklen(size: number, out: number[]): void {
  const n = backlenSize(size);
  const groups: number[] = [];
  let v = size;
  for (let i = 0; i < n; i++) {
    groups.unshift(v & 0x7f);
    v = Math.floor(v / 128);
  }
  for (let i = 1; i < n; i++) groups[i] |= 0x80;
  out.push(...groups);
}

/** Size of one element in a listpack, back-length included. */
function listpackElementSize(item: Uint8Array): number {
  const size = listpackEntry(item, null);
  return size + backlenSize(size);
}

/** A listpack holding `items`, as Redis builds one (integers compacted). */
function listpack(items: readonly Uint8Array[]): Uint8Array {
  const body: number[] = [];
  for (const item of items) {
    const size = listpackEntry(item, body);
    pushBacklen(size, body);
  }
  const total = 6 + body.length + 1;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint16(4, Math.min(items.length, 65535), true);
  out.set(body, 6);
  out[total - 1] = 0xff;
  return out;
}

/** An intset holding `members` (integers), as Redis lays it out. */
function intset(members: readonly Uint8Array[]): Uint8Array {
  const values = members.map((m) => BigInt(new TextDecoder().decode(m)));
  values.sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  let width = 2;
  for (const v of values) {
    if (v < -INT32 || v >= INT32) width = 8;
    else if ((v < -INT16 || v >= INT16) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + values.length * width);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, values.length, true);
  values.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) view.setInt16(at, Number(v), true);
    else if (width === 4) view.setInt32(at, Number(v), true);
    else view.setBigInt64(at, v, true);
  });
  return out;
}

/** One quicklist node as Redis would have built it. */
export interface QuicklistNode {
  /** The node's elements. */
  readonly items: Uint8Array[];
  /** Bytes of its listpack (the element itself for a plain node). */
  size: number;
  /** A plain node holds one element too large for a listpack. */
  readonly plain: boolean;
}

/**
 * The quicklist nodes of a list, as Redis 7.0 fills them when the elements
 * are pushed at the tail one after another: an element joins the last node
 * unless that would take the node past the list-max-listpack-size limit
 * (bytes for a negative fill, elements for a positive one), and an element
 * of at least `packedThreshold` bytes gets a plain node of its own. A list
 * built otherwise (LPUSH, LINSERT, LREM...) may be split differently in
 * Redis: node boundaries depend on the history, not only on the elements.
 */
export function quicklistNodes(
  items: readonly Uint8Array[],
  fill: number,
  packedThreshold: number,
): QuicklistNode[] {
  const nodes: QuicklistNode[] = [];
  let last: QuicklistNode | null = null;
  for (const item of items) {
    const sz = item.length;
    if (sz >= packedThreshold) {
      last = { items: [item], size: sz, plain: true };
      nodes.push(last);
      continue;
    }
    if (last === null || !allowInsert(last, fill, sz)) {
      last = { items: [], size: 7, plain: false };
      nodes.push(last);
    }
    last.items.push(item);
    last.size += listpackElementSize(item);
  }
  return nodes;
}

/**
 * Whether an element of `sz` bytes may join `node`: Redis estimates the
 * grown node at its size plus the element plus 8 bytes, and compares that
 * with the byte limit of a negative fill (the last one beyond -5), or for a
 * positive fill checks the element count (at least one) and an 8 KB
 * safety limit.
 */
function allowInsert(node: QuicklistNode, fill: number, sz: number): boolean {
  if (node.plain) return false;
  const grown = node.size + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const level = Math.min(-fill - 1, NODE_SIZE_LIMITS.length - 1);
    return grown <= NODE_SIZE_LIMITS[level];
  }
  if (grown > SIZE_SAFETY_LIMIT) return false;
  return node.items.length + 1 <= Math.max(fill, 1);
}

/** The quicklist fields DEBUG OBJECT adds for a list. */
function quicklistFields(
  nodes: readonly QuicklistNode[],
  config: Config,
): string {
  let count = 0;
  let size = 0;
  for (const node of nodes) {
    count += node.items.length;
    size += node.size;
  }
  const depth = config.number("list-compress-depth");
  return ` ql_nodes:${nodes.length} ql_avg_node:${
    formatFixed(count / nodes.length, 2)
  } ql_listpack_max:${config.number("list-max-listpack-size")} ql_compressed:${
    depth !== 0 ? 1 : 0
  } ql_uncompressed_size:${size}`;
}

// ---------------------------------------------------------------------------
// DEBUG OBJECT

/**
 * Bytes the value's RDB serialisation takes (its type byte excluded), as
 * Redis's rdbSavedObjectLen counts them. Redis saves small hashes, sets
 * and sorted sets as their listpack or intset blob and lists as quicklist
 * nodes, so those are rebuilt here; hash tables and skiplists are saved
 * element by element, as this server saves them. Streams are counted from
 * this server's own stream serialisation, whose node split may differ
 * from Redis's (which cuts nodes by stream-node-max-bytes as well).
 */
export function serializedLength(
  entry: Entry,
  config: Config,
  packedThreshold: number,
): number {
  let length = 0;
  const writer = new RdbWriter((chunk) => length += chunk.length, {
    compress: config.flag("rdbcompression"),
    checksum: false,
  });
  const plain = plainValueOf(entry);
  const encoding = valueTypeOps(entry.type).encoding(
    entry.value,
    config,
    entry.flags,
  );
  writeCompact(writer, plain, encoding, config, packedThreshold);
  // The 2-byte version and 8-byte checksum flush everything written.
  writer.finishDumpPayload();
  return length - 10;
}

function writeCompact(
  writer: RdbWriter,
  plain: PlainValue,
  encoding: string,
  config: Config,
  packedThreshold: number,
): void {
  if (plain.type === "list") {
    const nodes = quicklistNodes(
      plain.items,
      config.number("list-max-listpack-size"),
      packedThreshold,
    );
    const depth = config.number("list-compress-depth");
    writer.length(nodes.length);
    nodes.forEach((node, i) => {
      writer.length(node.plain ? 1 : 2);
      const blob = node.plain ? node.items[0] : listpack(node.items);
      const interior = depth > 0 && i >= depth && i < nodes.length - depth;
      const compressed = interior && blob.length >= MIN_COMPRESS_BYTES
        ? lzfCompress(blob, 0)
        : null;
      if (
        compressed !== null &&
        compressed.length + MIN_COMPRESS_IMPROVE < blob.length
      ) {
        writer.byte(0xc3);
        writer.length(compressed.length);
        writer.length(blob.length);
        writer.raw(compressed);
      } else writer.string(blob);
    });
    return;
  }
  if (plain.type === "set" && encoding === "intset") {
    writer.string(intset(plain.members));
    return;
  }
  if (plain.type === "hash" && encoding === "listpack") {
    writer.string(listpack(plain.pairs.flat()));
    return;
  }
  if (plain.type === "zset" && encoding === "listpack") {
    const items: Uint8Array[] = [];
    for (const [member, score] of plain.entries) {
      items.push(member, stringToBytes(formatDouble(score)));
    }
    writer.string(listpack(items));
    return;
  }
  writer.value(plain);
}

/** Options of {@linkcode debugObjectLine}. */
export interface DebugObjectOptions {
  /** The server's configuration. */
  readonly config: Config;
  /** The value's stand-in for a memory address. */
  readonly address: number;
  /** Whether Redis would share the value (a small integer): refcount INT_MAX. */
  readonly shared: boolean;
  /** The quicklist packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD). */
  readonly packedThreshold: number;
  /** The time now, ms since the epoch. */
  readonly now: number;
}

/**
 * The DEBUG OBJECT line of `entry`. The address is a stand-in (values have
 * no stable address here), unique per stored value. lru is the entry's
 * 24-bit access field (the LRU clock, or LFU data under an LFU policy, as
 * Redis packs it); lru_seconds_idle is computed from that field the way
 * Redis computes it, whatever the policy. For lists the quicklist fields
 * describe the nodes Redis would have built (see
 * {@linkcode quicklistNodes}).
 */
export function debugObjectLine(
  entry: Entry,
  options: DebugObjectOptions,
): string {
  const { config, now } = options;
  const encoding = valueTypeOps(entry.type).encoding(
    entry.value,
    config,
    entry.flags,
  );
  const lru = entry.clock;
  const idle = Math.floor(entry.idleMs(now) / 1000);
  let extra = "";
  if (entry.type === "list") {
    const items = (plainValueOf(entry) as { items: Uint8Array[] }).items;
    extra = quicklistFields(
      quicklistNodes(
        items,
        config.number("list-max-listpack-size"),
        options.packedThreshold,
      ),
      config,
    );
  }
  return `Value at:0x${options.address.toString(16)} refcount:${
    options.shared ? 2147483647 : 1
  } encoding:${encoding} serializedlength:${
    serializedLength(entry, config, options.packedThreshold)
  } lru:${lru} lru_seconds_idle:${idle}${extra}`;
}

// ---------------------------------------------------------------------------
// DEBUG HTSTATS

/** Chain lengths Redis tallies one by one; longer ones share the last slot. */
const STATS_VECTOR_LENGTH = 50;

/**
 * The table size Redis's dict has for `count` elements when it grew by
 * insertions: 4 slots at first, doubling past each power of two.
 */
function tableSize(count: number): number {
  let size = 4;
  while (size < count) size *= 2;
  return size;
}

/** FNV-1a over a binary string, to spread keys over simulated buckets. */
function bucketHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Redis's dict statistics text for a table holding `keys` (binary
 * strings). There are no chained buckets here: the table size is the one
 * Redis reaches by growing to the current count (deletions do not shrink a
 * Redis table at once, so after many of them Redis may report a larger
 * table), and keys are spread over the slots by an FNV-1a hash (Redis's
 * SipHash has a random seed, so its distribution differs from run to run
 * anyway).
 */
export function dictStatsText(keys: Iterable<string>, count: number): string {
  let text = "Hash table 0 stats (main hash table):\n";
  if (count === 0) {
    return text + "No stats available for empty dictionaries\n";
  }
  const size = tableSize(count);
  const chains = new Uint32Array(size);
  for (const key of keys) chains[bucketHash(key) & (size - 1)]++;
  const vector = new Array<number>(STATS_VECTOR_LENGTH).fill(0);
  let slots = 0;
  let maxChain = 0;
  let total = 0;
  for (const length of chains) {
    vector[Math.min(length, STATS_VECTOR_LENGTH - 1)]++;
    if (length === 0) continue;
    slots++;
    total += length;
    if (length > maxChain) maxChain = length;
  }
  text += ` table size: ${size}\n number of elements: ${count}\n` +
    ` different slots: ${slots}\n max chain length: ${maxChain}\n` +
    ` avg chain length (counted): ${formatFixed(total / slots, 2)}\n` +
    ` avg chain length (computed): ${formatFixed(count / slots, 2)}\n` +
    ` Chain length distribution:\n`;
  vector.forEach((n, length) => {
    if (n === 0) return;
    text += `   ${length}: ${n} (${formatFixed(n * 100 / size, 2)}%)\n`;
  });
  return text;
}

/**
 * The keys of the hash table inside a value, or null when Redis would not
 * hold it in one (only hashtable sets and hashes and skiplist sorted sets
 * have one).
 */
export function valueDictKeys(
  entry: Entry,
  config: Config,
): string[] | null {
  const encoding = valueTypeOps(entry.type).encoding(
    entry.value,
    config,
    entry.flags,
  );
  const plain = plainValueOf(entry);
  const names = (items: Uint8Array[]) => items.map(bytesToString);
  if (plain.type === "set" && encoding === "hashtable") {
    return names(plain.members);
  }
  if (plain.type === "hash" && encoding === "hashtable") {
    return names(plain.pairs.map(([field]) => field));
  }
  if (plain.type === "zset" && encoding === "skiplist") {
    return names(plain.entries.map(([member]) => member));
  }
  return null;
}
