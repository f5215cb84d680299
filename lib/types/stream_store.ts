/**
 * The in-memory stream: entries in nodes of up to stream-node-max-entries
 * entries (or stream-node-max-bytes of listpack), each node packing its
 * entries in one byte buffer like Redis's listpacks, indexed by a sorted
 * array of nodes, so appends are cheap and any ID is found by binary search
 * over the nodes, then within one. Deleted entries stay in their node as
 * tombstones until the node empties, as in Redis, which keeps trimming and
 * node boundaries identical. Consumer groups keep their pending entries
 * lists, per group and per consumer, as in Redis.
 *
 * @module
 */

import type { ReplyWriter } from "../resp/encoder.ts";
import { compareIds, MIN_ID, type StreamId } from "./stream_id.ts";
import { IdMap } from "./stream_idmap.ts";

/** Largest listpack Redis allows (STREAM_LISTPACK_MAX_SIZE). */
const LISTPACK_MAX_SIZE = 1 << 30;

/** Bytes a listpack element takes (encoding, data and back-length). */
function lpElementSize(bytes: Uint8Array): number {
  const asInt = lpInteger(bytes);
  return asInt === null ? lpStringSize(bytes.length) : lpIntSize(asInt);
}

function lpBacklen(length: number): number {
  if (length <= 127) return 1;
  if (length < 16383) return 2;
  if (length < 2097151) return 3;
  if (length < 268435455) return 4;
  return 5;
}

function lpStringSize(length: number): number {
  const head = length < 64 ? 1 : length < 4096 ? 2 : 5;
  return head + length + lpBacklen(head + length);
}

function lpIntSize(value: number): number {
  let size: number;
  if (value >= 0 && value <= 127) size = 1;
  else if (value >= -4096 && value <= 4095) size = 2;
  else if (value >= -32768 && value <= 32767) size = 3;
  else if (value >= -8388608 && value <= 8388607) size = 4;
  else if (value >= -2147483648 && value <= 2147483647) size = 5;
  else size = 9;
  return size + 1;
}

/**
 * The integer a listpack would store `bytes` as, if any (values beyond the
 * safe range only need to be known as large).
 */
function lpInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  const negative = bytes[0] === 0x2d;
  let i = negative ? 1 : 0;
  if (i === n || bytes[i] < 0x30 || bytes[i] > 0x39) return null;
  if (bytes[i] === 0x30 && n > i + 1) return null;
  if (negative && bytes[i] === 0x30) return null;
  let value = 0;
  for (; i < n; i++) {
    const c = bytes[i];
    if (c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  if (!Number.isSafeInteger(value)) return 9e15;
  return negative ? -value : value;
}

const DELETED = 1;
const SAME_FIELDS = 2;
const TWO_POW_53 = 9007199254740992n;

/**
 * A node: a run of consecutive entries (live or deleted) packed in one byte
 * buffer like a listpack. Each entry is a flags byte (deleted, same fields
 * as the first entry), its ID as varints (milliseconds relative to the
 * node's first entry, then the sequence), then, unless it has the first
 * entry's field names, the field count and names, then the values; every
 * string is a varint length and its bytes. `offsets` locates each entry.
 */
export class StreamNode {
  /** Entries stored, deleted ones included. */
  count = 0;
  /** Entries not deleted. */
  live = 0;
  /** Start of each entry in `data`. */
  offsets: Uint32Array;
  /** Encoded entries; grows as entries are appended. */
  data: Uint8Array;
  /** Bytes of `data` in use. */
  used = 0;
  /** Milliseconds of the first entry; others store theirs relative to it. */
  base = 0n;
  /** Field names of the first entry (the listpack's master fields). */
  masterFields: Uint8Array[] = [];
  /** Size Redis's listpack for this node would have, for node splitting. */
  lpBytes = 0;
  /** Read position of the varint decoder. */
  #pos = 0;

  /** Creates an empty node with room for `capacity` entries. */
  constructor(capacity = 4) {
    this.offsets = new Uint32Array(capacity);
    this.data = new Uint8Array(capacity * 24);
  }

  #readVarint(): bigint {
    const data = this.data;
    let pos = this.#pos;
    let value = 0;
    let scale = 1;
    let byte = data[pos++];
    let length = 1;
    while (byte >= 0x80) {
      value += (byte & 0x7f) * scale;
      scale *= 128;
      byte = data[pos++];
      length++;
    }
    if (length <= 7) {
      this.#pos = pos;
      return BigInt(value + byte * scale);
    }
    // Beyond 2^49: decode exactly with bigints.
    let big = 0n;
    let shift = 0n;
    pos = this.#pos;
    for (;;) {
      const b = data[pos++];
      big |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) break;
    }
    this.#pos = pos;
    return big;
  }

  #readLength(): number {
    const data = this.data;
    let value = 0;
    let scale = 1;
    let byte = data[this.#pos++];
    while (byte >= 0x80) {
      value += (byte & 0x7f) * scale;
      scale *= 128;
      byte = data[this.#pos++];
    }
    return value + byte * scale;
  }

  #writeVarint(value: bigint | number): void {
    const data = this.data;
    if (typeof value === "number" || value < TWO_POW_53) {
      let n = Number(value);
      while (n >= 0x80) {
        data[this.used++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
      }
      data[this.used++] = n;
      return;
    }
    let big = value;
    while (big >= 0x80n) {
      data[this.used++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    data[this.used++] = Number(big);
  }

  /** ID of entry `i`. */
  id(i: number): StreamId {
    this.#pos = this.offsets[i] + 1;
    const ms = this.base + this.#readVarint();
    return { ms, seq: this.#readVarint() };
  }

  /** Whether entry `i` is deleted. */
  isDeleted(i: number): boolean {
    return (this.data[this.offsets[i]] & DELETED) !== 0;
  }

  /** First entry ID (the listpack's master ID). */
  get firstId(): StreamId {
    return this.id(0);
  }

  /** Last entry ID, deleted or not. */
  get lastId(): StreamId {
    return this.id(this.count - 1);
  }

  /**
   * Replies with the fields and values of entry `i` as an array of bulk
   * strings, copied straight from the node (XRANGE and XREAD reply ten
   * entries' fields per call: {@linkcode fields} would make a view each).
   */
  replyFields(i: number, reply: ReplyWriter): void {
    const data = this.data;
    const flags = data[this.offsets[i]];
    this.#pos = this.offsets[i] + 1;
    this.#skipVarint();
    this.#skipVarint();
    if (flags & SAME_FIELDS) {
      const names = this.masterFields;
      reply.array(names.length * 2);
      for (let k = 0; k < names.length; k++) {
        reply.bulk(names[k]);
        const length = this.#readLength();
        reply.bulkRange(data, this.#pos, length);
        this.#pos += length;
      }
      return;
    }
    const n = this.#readLength();
    reply.array(n * 2);
    for (let k = 0; k < n * 2; k++) {
      const length = this.#readLength();
      reply.bulkRange(data, this.#pos, length);
      this.#pos += length;
    }
  }

  /** Steps over the varint at the read position. */
  #skipVarint(): void {
    const data = this.data;
    while (data[this.#pos++] >= 0x80);
  }

  /** Fields and values of entry `i`, alternating (views into the node). */
  fields(i: number): Uint8Array[] {
    const flags = this.data[this.offsets[i]];
    this.#pos = this.offsets[i] + 1;
    this.#skipVarint();
    this.#skipVarint();
    const out: Uint8Array[] = [];
    const string = () => {
      const length = this.#readLength();
      const start = this.#pos;
      this.#pos += length;
      return this.data.subarray(start, start + length);
    };
    if (flags & SAME_FIELDS) {
      for (const name of this.masterFields) out.push(name, string());
    } else {
      const n = this.#readLength();
      for (let k = 0; k < n; k++) out.push(string(), string());
    }
    return out;
  }

  /** Position of the first entry with ID >= `id` (count when none). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.id(mid), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `fields` has the same names as the node's master fields. */
  #sameFields(fields: readonly Uint8Array[]): boolean {
    const master = this.masterFields;
    if (fields.length !== master.length * 2) return false;
    for (let k = 0; k < master.length; k++) {
      const a = master[k];
      const b = fields[2 * k];
      if (a.length !== b.length) return false;
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
    }
    return true;
  }

  /** Appends an entry (IDs must increase). */
  append(id: StreamId, fields: readonly Uint8Array[]): void {
    if (this.count === 0) {
      this.base = id.ms;
      this.masterFields = [];
      for (let k = 0; k < fields.length; k += 2) {
        this.masterFields.push(fields[k].slice());
      }
    }
    const same = this.#sameFields(fields);
    this.#accountListpack(id, fields, same);
    // Worst case: flags, two 10-byte varints, a count and 5 bytes per length.
    let room = 21 + 5;
    for (let k = same ? 1 : 0; k < fields.length; k += same ? 2 : 1) {
      room += 5 + fields[k].length;
    }
    if (this.used + room > this.data.length) {
      const data = new Uint8Array(
        Math.max(this.data.length * 2, this.used + room),
      );
      data.set(this.data.subarray(0, this.used));
      this.data = data;
    }
    if (this.count === this.offsets.length) {
      const offsets = new Uint32Array(Math.max(4, this.count * 2));
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.offsets[this.count] = this.used;
    this.data[this.used++] = same ? SAME_FIELDS : 0;
    this.#writeVarint(id.ms - this.base);
    this.#writeVarint(id.seq);
    if (!same) this.#writeVarint(fields.length / 2);
    for (let k = same ? 1 : 0; k < fields.length; k += same ? 2 : 1) {
      const f = fields[k];
      this.#writeVarint(f.length);
      this.data.set(f, this.used);
      this.used += f.length;
    }
    this.count++;
    this.live++;
  }

  #accountListpack(
    id: StreamId,
    fields: readonly Uint8Array[],
    same: boolean,
  ): void {
    const n = fields.length / 2;
    if (this.count === 0) {
      // Header, terminator, and master entry: count, deleted, #fields, fields, 0.
      this.lpBytes = 7 + 2 + 2 + lpIntSize(n) + 2;
      for (let k = 0; k < fields.length; k += 2) {
        this.lpBytes += lpElementSize(fields[k]);
      }
    }
    const first = this.count === 0 ? id : this.firstId;
    const deltaSize = (d: bigint) =>
      d <= 9007199254740991n && d >= -9007199254740991n
        ? lpIntSize(Number(d))
        : 10;
    let size = 2 + deltaSize(id.ms - first.ms) + deltaSize(id.seq - first.seq);
    if (same) {
      for (let k = 1; k < fields.length; k += 2) {
        size += lpElementSize(fields[k]);
      }
      size += lpIntSize(n + 3);
    } else {
      size += lpIntSize(n);
      for (const f of fields) size += lpElementSize(f);
      size += lpIntSize(2 * n + 4);
    }
    this.lpBytes += size;
  }

  /** Drops spare capacity once the node will not grow any more. */
  seal(): void {
    this.offsets = this.offsets.slice(0, this.count);
    this.data = this.data.slice(0, this.used);
  }

  /** A copy with its own buffers (spare capacity dropped). */
  clone(): StreamNode {
    const copy = new StreamNode(0);
    copy.count = this.count;
    copy.live = this.live;
    copy.used = this.used;
    copy.base = this.base;
    copy.lpBytes = this.lpBytes;
    copy.masterFields = this.masterFields.map((f) => f.slice());
    copy.offsets = this.offsets.slice(0, this.count);
    copy.data = this.data.slice(0, this.used);
    return copy;
  }

  /** Marks entry `i` deleted; returns false if it already was. */
  markDeleted(i: number): boolean {
    const at = this.offsets[i];
    if (this.data[at] & DELETED) return false;
    this.data[at] |= DELETED;
    this.live--;
    return true;
  }
}

/** A pending entry: delivered to a consumer, not yet acknowledged. */
export interface Nack {
  /** Last delivery time, ms since the epoch. */
  deliveryTime: number;
  /** How many times the entry was delivered. */
  deliveryCount: number;
  /** The consumer that owns the entry. */
  consumer: Consumer;
}

/** A consumer of a group. */
export class Consumer {
  /** Pending entries owned by this consumer. */
  readonly pel = new IdMap<Nack>();

  /** Creates a consumer; `name` is a binary string. */
  constructor(readonly name: string, public seenTime: number) {}
}

/** A consumer group. */
export class ConsumerGroup {
  /** Pending entries of all consumers. */
  readonly pel = new IdMap<Nack>();
  /** Consumers by name. */
  readonly consumers = new Map<string, Consumer>();

  /** Creates a group; entriesRead is -1 when unknown. */
  constructor(
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in Redis's order (byte order of their names). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }
}

/** Where an entry lives: its node and position. */
export interface EntryRef {
  /** The node holding the entry. */
  readonly node: StreamNode;
  /** Position of the entry in the node. */
  readonly index: number;
}

/** A stream value. */
export class Stream {
  /** Nodes sorted by first ID. */
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  /** Highest ID ever added (or set by XSETID). */
  lastId: StreamId = MIN_ID;
  /** First live entry ID (0-0 when empty). */
  firstId: StreamId = MIN_ID;
  /** Highest ID of a deleted entry. */
  maxDeletedId: StreamId = MIN_ID;
  /** Entries ever added. */
  entriesAdded = 0n;
  /** Consumer groups by name. */
  readonly groups = new Map<string, ConsumerGroup>();
  /** Cached {@linkcode radixTreeNodes}; null after the node set changed. */
  #radixNodes: number | null = 1;

  /**
   * Node count of the radix tree Redis would index the stream's nodes with
   * (keys are 16-byte big-endian first IDs): one node per compressed run
   * and per branching point, plus the leaves. Computed when the set of
   * nodes has changed since the last call.
   */
  get radixTreeNodes(): number {
    this.#radixNodes ??= this.#countRadixNodes();
    return this.#radixNodes;
  }

  #countRadixNodes(): number {
    const keys = this.nodes.map((node) => {
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      const first = node.firstId;
      view.setBigUint64(0, first.ms);
      view.setBigUint64(8, first.seq);
      return bytes;
    });
    if (keys.length === 0) return 1;
    const count = (lo: number, hi: number, depth: number): number => {
      if (hi - lo === 1) return depth < 16 ? 2 : 1;
      let d = depth;
      while (keys[lo][d] === keys[hi - 1][d]) d++;
      let nodes = (d > depth ? 1 : 0) + 1;
      let i = lo;
      while (i < hi) {
        let j = i + 1;
        while (j < hi && keys[j][d] === keys[i][d]) j++;
        nodes += count(i, j, d + 1);
        i = j;
      }
      return nodes;
    };
    return count(0, keys.length, 0);
  }

  /**
   * A deep copy (COPY): same nodes, tombstones included, and the same
   * groups, consumers and pending entries.
   */
  clone(): Stream {
    const copy = new Stream();
    copy.nodes = this.nodes.map((node) => node.clone());
    copy.#radixNodes = this.#radixNodes;
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const group of this.groups.values()) {
      const g = new ConsumerGroup(group.name, group.lastId, group.entriesRead);
      for (const consumer of group.consumers.values()) {
        g.consumers.set(
          consumer.name,
          new Consumer(consumer.name, consumer.seenTime),
        );
      }
      for (const [id, nack] of group.pel.from()) {
        const owner = g.consumers.get(nack.consumer.name)!;
        const n: Nack = { ...nack, consumer: owner };
        g.pel.set(id, n);
        owner.pel.set(id, n);
      }
      copy.groups.set(g.name, g);
    }
    return copy;
  }

  /** Groups in Redis's order (byte order of their names). */
  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /**
   * Appends an entry whose ID is greater than the last one, opening a new
   * node when the last is full by Redis's rules (entry count including
   * tombstones, or listpack bytes).
   */
  append(
    id: StreamId,
    fields: readonly Uint8Array[],
    maxEntries: number,
    maxBytes: number,
  ): void {
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node !== undefined) {
      const limit = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE
        ? LISTPACK_MAX_SIZE
        : maxBytes;
      let size = 0;
      for (const f of fields) size += f.length;
      if (
        node.lpBytes + size >= limit ||
        (maxEntries > 0 && node.count >= maxEntries)
      ) {
        node.seal();
        node = undefined;
      }
    }
    if (node === undefined) {
      node = new StreamNode();
      this.nodes.push(node);
      this.#radixNodes = null;
    }
    node.append(id, fields);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /**
   * Adds a whole node after the last one (loading a stream node by node);
   * its live entries count toward the length.
   */
  appendNode(node: StreamNode): void {
    this.nodes.push(node);
    this.length += node.live;
    this.#radixNodes = null;
  }

  /** Index of the node that holds or would hold `id` (-1 before the first). */
  nodeIndexFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.nodes[mid].firstId, id) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The live entry with this ID, if any. */
  find(id: StreamId): EntryRef | null {
    const n = this.nodeIndexFor(id);
    if (n < 0) return null;
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    if (
      i < node.count && !node.isDeleted(i) && compareIds(node.id(i), id) === 0
    ) {
      return { node, index: i };
    }
    return null;
  }

  /** Live entries with start <= ID <= end, ascending. */
  *range(start: StreamId, end: StreamId): IterableIterator<EntryRef> {
    if (compareIds(start, end) > 0) return;
    let n = Math.max(0, this.nodeIndexFor(start));
    let i = n < this.nodes.length ? this.nodes[n].lowerBound(start) : 0;
    for (; n < this.nodes.length; n++, i = 0) {
      const node = this.nodes[n];
      for (; i < node.count; i++) {
        if (compareIds(node.id(i), end) > 0) return;
        if (!node.isDeleted(i)) yield { node, index: i };
      }
    }
  }

  /** Live entries with start <= ID <= end, descending. */
  *reverseRange(start: StreamId, end: StreamId): IterableIterator<EntryRef> {
    if (compareIds(start, end) > 0) return;
    let n = this.nodeIndexFor(end);
    if (n < 0) return;
    let i = this.nodes[n].lowerBound(end);
    if (i < this.nodes[n].count && compareIds(this.nodes[n].id(i), end) === 0) {
      i++;
    }
    for (; n >= 0; n--, i = n >= 0 ? this.nodes[n].count : 0) {
      const node = this.nodes[n];
      for (i--; i >= 0; i--) {
        if (compareIds(node.id(i), start) < 0) return;
        if (!node.isDeleted(i)) yield { node, index: i };
      }
    }
  }

  /** Deletes a live entry; returns whether it existed. */
  delete(id: StreamId): boolean {
    const n = this.nodeIndexFor(id);
    if (n < 0) return false;
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    if (i >= node.count || compareIds(node.id(i), id) !== 0) return false;
    if (!node.markDeleted(i)) return false;
    this.length--;
    if (node.live === 0) {
      this.nodes.splice(n, 1);
      this.#radixNodes = null;
    }
    return true;
  }

  /** The first (or last) live entry ID, or null when empty. */
  edgeId(first: boolean): StreamId | null {
    const iterator = first
      ? this.range(MIN_ID, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n })
      : this.reverseRange(MIN_ID, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n });
    const next = iterator.next();
    return next.done ? null : next.value.node.id(next.value.index);
  }

  /**
   * Trims from the oldest entries as Redis's streamTrim does: by MAXLEN
   * (`maxLen`) or MINID (`minId`); approximate trimming only drops whole
   * nodes; `limit` (0 = none) caps the entries removed. Returns the count
   * removed.
   */
  trim(
    maxLen: bigint | null,
    minId: StreamId | null,
    approx: boolean,
    limit: number,
  ): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (maxLen !== null && BigInt(this.length) <= maxLen) break;
      const node = this.nodes[0];
      const entries = node.live;
      if (limit > 0 && deleted + entries > limit) break;
      const removeNode = maxLen !== null
        ? BigInt(this.length - entries) >= maxLen
        : compareIds(node.lastId, minId!) < 0;
      if (removeNode) {
        this.nodes.shift();
        this.#radixNodes = null;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.count; i++) {
        const stop = maxLen !== null
          ? BigInt(this.length) <= maxLen
          : compareIds(node.id(i), minId!) >= 0;
        if (stop) break;
        if (node.markDeleted(i)) {
          this.length--;
          deleted++;
        }
      }
      break;
    }
    this.firstId = this.length === 0 ? MIN_ID : this.edgeId(true)!;
    return deleted;
  }
}
