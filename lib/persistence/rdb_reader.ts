/**
 * Reading Redis RDB files (versions 1 to 12): every encoding Redis 7.0 to
 * 7.4 writes, decoded into plain values. The checksum is verified before
 * anything is returned, so a corrupt file never loads partially.
 *
 * @module
 */

import type { PlainValue } from "../store/value_types.ts";
import { Crc64 } from "./crc64.ts";
import {
  EncodingError,
  parseIntset,
  parseListpack,
  parseZiplist,
  parseZipmap,
} from "./compact.ts";
import { lzfDecompress, LzfError } from "./lzf.ts";
import { readStream } from "./rdb_stream.ts";

/** Newest RDB format version this reader understands. */
export const MAX_RDB_VERSION = 12;

/** RDB opcodes and type bytes. */
export const RdbOpcode = {
  slotInfo: 0xf4,
  function2: 0xf5,
  functionPreGa: 0xf6,
  moduleAux: 0xf7,
  idle: 0xf8,
  freq: 0xf9,
  aux: 0xfa,
  resizeDb: 0xfb,
  expireTimeMs: 0xfc,
  expireTime: 0xfd,
  selectDb: 0xfe,
  eof: 0xff,
} as const;

/** RDB value type bytes. */
export const RdbType = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  modulePreGa: 6,
  module2: 7,
  hashZipmap: 9,
  listZiplist: 10,
  setIntset: 11,
  zsetZiplist: 12,
  hashZiplist: 13,
  listQuicklist: 14,
  streamListpacks: 15,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
  setListpack: 20,
  streamListpacks3: 21,
} as const;

const TYPE_NAMES: Record<number, string> = {
  6: "module",
  7: "module",
  22: "hash with field expiry (metadata)",
  23: "hash with field expiry (listpack)",
  24: "hash with field expiry (metadata)",
  25: "hash with field expiry (listpack)",
};

/** A malformed, truncated or unsupported RDB file. */
export class RdbError extends Error {
  /** Creates the error; the message says what is wrong and where. */
  constructor(message: string) {
    super(message);
    this.name = "RdbError";
  }
}

/** One key read from the file. */
export interface LoadedKey {
  /** Database index (SELECTDB). */
  readonly db: number;
  /** Key name as stored. */
  readonly key: Uint8Array;
  /** The decoded value. */
  readonly value: PlainValue;
  /** Absolute expiry in ms, 0 for none. */
  readonly expireAt: number;
  /** LRU idle seconds, when the file records them. */
  readonly idleSeconds?: number;
  /** LFU frequency, when the file records it. */
  readonly frequency?: number;
}

/** What the file says about itself besides its keys. */
export interface RdbSummary {
  /** RDB format version from the header. */
  readonly version: number;
  /** AUX fields (redis-ver, ctime, aof-base, ...), as text. */
  readonly aux: Map<string, string>;
  /** The code of each function library the file holds, in file order. */
  readonly functions: Uint8Array[];
}

/** Strings up to this size are copied into shared slabs of SLAB_SIZE bytes. */
const SLAB_PIECE_MAX = 512;
const SLAB_SIZE = 64 * 1024;

/** A cursor over RDB bytes with Redis's length and string encodings. */
export class RdbCursor {
  /** Offset of the next byte to read. */
  pos = 0;
  /** DataView over `data`, for fixed-size numbers. */
  readonly view: DataView;
  #slab = new Uint8Array(0);
  #slabUsed = 0;

  /** Creates a cursor over `data`. */
  constructor(readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  #need(n: number): void {
    if (this.pos + n > this.data.length) {
      throw new RdbError(
        `unexpected end of file at offset ${this.pos} (truncated RDB file)`,
      );
    }
  }

  /** Reads one byte. */
  byte(): number {
    this.#need(1);
    return this.data[this.pos++];
  }

  /** Reads `n` raw bytes (a copy). */
  bytes(n: number): Uint8Array {
    this.#need(n);
    const source = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    if (n > SLAB_PIECE_MAX) return source.slice();
    // Small strings share slabs: one ArrayBuffer per string is what made
    // loading slow. Nothing grows a value in place unless it owns its buffer.
    if (this.#slabUsed + n > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#slabUsed = 0;
    }
    const out = this.#slab.subarray(this.#slabUsed, this.#slabUsed + n);
    out.set(source);
    this.#slabUsed += n;
    return out;
  }

  /** Reads a little-endian unsigned 32-bit integer. */
  uint32le(): number {
    this.#need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a little-endian signed 64-bit integer as a number. */
  int64le(): number {
    this.#need(8);
    const v = Number(this.view.getBigInt64(this.pos, true));
    this.pos += 8;
    return v;
  }

  /** Reads a little-endian binary double. */
  float64le(): number {
    this.#need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * Reads a length. Returns [value, isEncoded]: when isEncoded is true the
   * value is a special string encoding (0-3) instead of a length.
   */
  lengthOrEncoding(): [number, boolean] {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return [first & 0x3f, false];
    if (kind === 1) return [((first & 0x3f) << 8) | this.byte(), false];
    if (kind === 3) return [first & 0x3f, true];
    if (first === 0x80) {
      this.#need(4);
      const v = this.view.getUint32(this.pos, false);
      this.pos += 4;
      return [v, false];
    }
    if (first === 0x81) {
      this.#need(8);
      const v = Number(this.view.getBigUint64(this.pos, false));
      this.pos += 8;
      return [v, false];
    }
    throw new RdbError(
      `bad length encoding 0x${first.toString(16)} at offset ${this.pos - 1}`,
    );
  }

  /** Reads a length that may exceed 2^53 (stream IDs and counters). */
  lengthBig(): bigint {
    const first = this.data[this.pos];
    if (first === 0x81) {
      this.pos++;
      this.#need(8);
      const v = this.view.getBigUint64(this.pos, false);
      this.pos += 8;
      return v;
    }
    return BigInt(this.length());
  }

  /** Reads a plain length. */
  length(): number {
    const [value, encoded] = this.lengthOrEncoding();
    if (encoded) {
      throw new RdbError(
        `unexpected string encoding at offset ${this.pos - 1}`,
      );
    }
    return value;
  }

  /** Reads a string (raw, integer-encoded or LZF-compressed). */
  string(): Uint8Array {
    const [value, encoded] = this.lengthOrEncoding();
    if (!encoded) return this.bytes(value);
    switch (value) {
      case 0: {
        this.#need(1);
        const v = this.view.getInt8(this.pos);
        this.pos += 1;
        return ascii.encode(String(v));
      }
      case 1: {
        this.#need(2);
        const v = this.view.getInt16(this.pos, true);
        this.pos += 2;
        return ascii.encode(String(v));
      }
      case 2: {
        this.#need(4);
        const v = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return ascii.encode(String(v));
      }
      case 3: {
        const compressedLength = this.length();
        const length = this.length();
        const compressed = this.bytes(compressedLength);
        try {
          return lzfDecompress(compressed, length);
        } catch (error) {
          if (error instanceof LzfError) {
            throw new RdbError(
              `invalid LZF string before offset ${this.pos}: ${error.message}`,
            );
          }
          throw error;
        }
      }
      default:
        throw new RdbError(
          `unknown string encoding ${value} at offset ${this.pos}`,
        );
    }
  }

  /** Reads a score stored as text (RDB_TYPE_ZSET). */
  textDouble(): number {
    const len = this.byte();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    const text = new TextDecoder().decode(this.bytes(len));
    const v = Number(text);
    if (Number.isNaN(v)) throw new RdbError(`bad score "${text}"`);
    return v;
  }
}

const decoder = new TextDecoder();
const ascii = new TextEncoder();

function pairs<T>(items: T[]): [T, T][] {
  if (items.length % 2 !== 0) {
    throw new RdbError("odd number of elements in a pair encoding");
  }
  const out: [T, T][] = [];
  for (let i = 0; i < items.length; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

function scoreFromText(bytes: Uint8Array): number {
  const text = decoder.decode(bytes);
  const v = text === "inf" || text === "+inf"
    ? Infinity
    : text === "-inf"
    ? -Infinity
    : Number(text);
  if (Number.isNaN(v)) throw new RdbError(`bad score "${text}"`);
  return v;
}

/** Reads one value of RDB type `type`. */
export function readValue(cursor: RdbCursor, type: number): PlainValue {
  switch (type) {
    case RdbType.string:
      return { type: "string", value: cursor.string() };
    case RdbType.list: {
      const n = cursor.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) items.push(cursor.string());
      return { type: "list", items };
    }
    case RdbType.set: {
      const n = cursor.length();
      const members: Uint8Array[] = [];
      for (let i = 0; i < n; i++) members.push(cursor.string());
      return { type: "set", members };
    }
    case RdbType.zset:
    case RdbType.zset2: {
      const n = cursor.length();
      const entries: [Uint8Array, number][] = [];
      for (let i = 0; i < n; i++) {
        const member = cursor.string();
        const score = type === RdbType.zset2
          ? cursor.float64le()
          : cursor.textDouble();
        if (Number.isNaN(score)) throw new RdbError("NaN score in sorted set");
        entries.push([member, score]);
      }
      return { type: "zset", entries };
    }
    case RdbType.hash: {
      const n = cursor.length();
      const fields: [Uint8Array, Uint8Array][] = [];
      for (let i = 0; i < n; i++) {
        fields.push([cursor.string(), cursor.string()]);
      }
      return { type: "hash", pairs: fields };
    }
    case RdbType.hashZipmap:
      return { type: "hash", pairs: parseZipmap(cursor.string()) };
    case RdbType.listZiplist:
      return { type: "list", items: parseZiplist(cursor.string()) };
    case RdbType.setIntset:
      return { type: "set", members: parseIntset(cursor.string()) };
    case RdbType.setListpack:
      return { type: "set", members: parseListpack(cursor.string()) };
    case RdbType.zsetZiplist:
    case RdbType.zsetListpack: {
      const blob = cursor.string();
      const items = type === RdbType.zsetZiplist
        ? parseZiplist(blob)
        : parseListpack(blob);
      return {
        type: "zset",
        entries: pairs(items).map(([m, s]) => [m, scoreFromText(s)]),
      };
    }
    case RdbType.hashZiplist:
      return { type: "hash", pairs: pairs(parseZiplist(cursor.string())) };
    case RdbType.hashListpack:
      return { type: "hash", pairs: pairs(parseListpack(cursor.string())) };
    case RdbType.listQuicklist: {
      const n = cursor.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) items.push(...parseZiplist(cursor.string()));
      return { type: "list", items };
    }
    case RdbType.listQuicklist2: {
      const n = cursor.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const container = cursor.length();
        const blob = cursor.string();
        if (container === 1) items.push(blob);
        else if (container === 2) items.push(...parseListpack(blob));
        else throw new RdbError(`bad quicklist node container ${container}`);
      }
      return { type: "list", items };
    }
    case RdbType.streamListpacks:
    case RdbType.streamListpacks2:
    case RdbType.streamListpacks3:
      return { type: "stream", stream: readStream(cursor, type) };
    default:
      throw new RdbError(
        `unsupported value type ${type}${
          TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : ""
        }`,
      );
  }
}

/**
 * Parses a whole RDB file, calling `onKey` for every key. The checksum is
 * verified first (when the file has one and `verifyChecksum` is set).
 */
export function readRdb(
  data: Uint8Array,
  onKey: (key: LoadedKey) => void,
  verifyChecksum = true,
): RdbSummary {
  if (data.length < 9 || decoder.decode(data.subarray(0, 5)) !== "REDIS") {
    throw new RdbError("wrong signature: not an RDB file");
  }
  const version = Number(decoder.decode(data.subarray(5, 9)));
  if (!Number.isInteger(version) || version < 1 || version > MAX_RDB_VERSION) {
    throw new RdbError(
      `can't handle RDB format version ${decoder.decode(data.subarray(5, 9))}`,
    );
  }
  const hasChecksum = version >= 5;
  if (hasChecksum && verifyChecksum) verifyRdbChecksum(data);
  const cursor = new RdbCursor(data);
  cursor.pos = 9;
  const aux = new Map<string, string>();
  const functions: Uint8Array[] = [];
  let db = 0;
  let expireAt = 0;
  let idleSeconds: number | undefined;
  let frequency: number | undefined;
  try {
    while (true) {
      const op = cursor.byte();
      switch (op) {
        case RdbOpcode.eof:
          if (hasChecksum && cursor.pos + 8 > data.length) {
            throw new RdbError(
              "unexpected end of file: checksum missing (truncated RDB file)",
            );
          }
          return { version, aux, functions };
        case RdbOpcode.selectDb:
          db = cursor.length();
          continue;
        case RdbOpcode.resizeDb:
          cursor.length();
          cursor.length();
          continue;
        case RdbOpcode.expireTime:
          expireAt = cursor.uint32le() * 1000;
          continue;
        case RdbOpcode.expireTimeMs:
          expireAt = cursor.int64le();
          continue;
        case RdbOpcode.idle:
          idleSeconds = cursor.length();
          continue;
        case RdbOpcode.freq:
          frequency = cursor.byte();
          continue;
        case RdbOpcode.aux: {
          const name = decoder.decode(cursor.string());
          aux.set(name, decoder.decode(cursor.string()));
          continue;
        }
        case RdbOpcode.slotInfo:
          cursor.length();
          cursor.length();
          cursor.length();
          continue;
        case RdbOpcode.moduleAux:
          throw new RdbError(
            "the file contains module data, which this server cannot load",
          );
        case RdbOpcode.function2:
          functions.push(cursor.string());
          continue;
        case RdbOpcode.functionPreGa:
          throw new RdbError(
            "the file contains functions in the format of Redis 7.0 release candidates, which this server cannot load",
          );
        default: {
          const key = cursor.string();
          const value = readValue(cursor, op);
          onKey({ db, key, value, expireAt, idleSeconds, frequency });
          expireAt = 0;
          idleSeconds = undefined;
          frequency = undefined;
        }
      }
    }
  } catch (error) {
    if (error instanceof EncodingError) {
      throw new RdbError(
        `corrupt value before offset ${cursor.pos}: ${error.message}`,
      );
    }
    throw error;
  }
}

/** Checks the trailing CRC-64 of an RDB image (a zero checksum means "not computed"). */
function verifyRdbChecksum(data: Uint8Array): void {
  if (data.length < 17) {
    throw new RdbError("file too short (truncated RDB file)");
  }
  const stored = data.subarray(data.length - 8);
  if (stored.every((b) => b === 0)) return;
  const crc = new Crc64();
  crc.update(data.subarray(0, data.length - 8));
  const computed = crc.digestBytes();
  if (!computed.every((b, i) => b === stored[i])) {
    const hex = (b: Uint8Array) =>
      Array.from(b).reverse().map((x) => x.toString(16).padStart(2, "0")).join(
        "",
      );
    throw new RdbError(
      `wrong RDB checksum: expected ${hex(stored)}, got ${
        hex(computed)
      } (corrupt or truncated file)`,
    );
  }
}
