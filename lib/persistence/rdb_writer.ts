/**
 * Writing RDB files in version 10, the format Redis 7.0 writes and loads.
 * Values are written in the plain (non-compact) encodings every Redis 7.0
 * loads; Redis converts them to its compact encodings as it loads them.
 *
 * @module
 */

import type { PlainValue } from "../store/value_types.ts";
import { stringToBytes } from "../util/bytes.ts";
import { Crc64 } from "./crc64.ts";
import { lzfCompress } from "./lzf.ts";
import { RdbOpcode, RdbType } from "./rdb_reader.ts";
import { writeStream } from "./rdb_stream_writer.ts";

/** The RDB version this server writes (Redis 7.0's). */
export const RDB_VERSION = 10;

const CHUNK_SIZE = 1 << 20;
const encoder = new TextEncoder();

/**
 * Serialises RDB data into chunks. `onChunk` receives full chunks as they
 * fill, so a large dataset is never held in memory twice.
 */
export class RdbWriter {
  #buf = new Uint8Array(CHUNK_SIZE);
  #pos = 0;
  readonly #crc = new Crc64();
  readonly #checksum: boolean;
  readonly #compress: boolean;
  /** Bytes produced so far. */
  written = 0;

  /** Creates a writer; `compress` enables LZF, `checksum` the trailing CRC-64. */
  constructor(
    readonly onChunk: (chunk: Uint8Array) => void,
    options: { compress: boolean; checksum: boolean },
  ) {
    this.#compress = options.compress;
    this.#checksum = options.checksum;
  }

  #flushChunk(): void {
    if (this.#pos === 0) return;
    const chunk = this.#buf.slice(0, this.#pos);
    if (this.#checksum) this.#crc.update(chunk);
    this.written += chunk.length;
    this.#pos = 0;
    this.onChunk(chunk);
  }

  /** Appends raw bytes. */
  raw(bytes: Uint8Array): void {
    if (bytes.length > CHUNK_SIZE / 2) {
      this.#flushChunk();
      if (this.#checksum) this.#crc.update(bytes);
      this.written += bytes.length;
      this.onChunk(bytes.slice());
      return;
    }
    if (this.#pos + bytes.length > CHUNK_SIZE) this.#flushChunk();
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** Appends one byte. */
  byte(b: number): void {
    if (this.#pos + 1 > CHUNK_SIZE) this.#flushChunk();
    this.#buf[this.#pos++] = b;
  }

  /** Appends an RDB length. */
  length(n: number | bigint): void {
    if (typeof n === "number" && n <= 0xffffffff) {
      if (n < 64) this.byte(n);
      else if (n < 16384) {
        this.byte(0x40 | (n >>> 8));
        this.byte(n & 0xff);
      } else {
        this.byte(0x80);
        this.byte(n >>> 24);
        this.byte((n >>> 16) & 0xff);
        this.byte((n >>> 8) & 0xff);
        this.byte(n & 0xff);
      }
      return;
    }
    const b = new Uint8Array(9);
    b[0] = 0x81;
    new DataView(b.buffer).setBigUint64(1, BigInt(n), false);
    this.raw(b);
  }

  /** Appends Redis's integer encoding of `value` (a 32-bit integer). */
  #integer(value: number): void {
    if (value >= -128 && value <= 127) {
      this.byte(0xc0);
      this.byte(value & 0xff);
    } else if (value >= -32768 && value <= 32767) {
      this.byte(0xc1);
      this.byte(value & 0xff);
      this.byte((value >> 8) & 0xff);
    } else {
      this.byte(0xc2);
      this.byte(value & 0xff);
      this.byte((value >> 8) & 0xff);
      this.byte((value >> 16) & 0xff);
      this.byte((value >>> 24) & 0xff);
    }
  }

  /**
   * Appends a key held as a binary string, without first copying it into a
   * byte array (one allocation per key made saving 1M keys slow).
   */
  binaryString(text: string): void {
    const n = text.length;
    if ((this.#compress && n > 20) || n > CHUNK_SIZE / 2) {
      this.string(stringToBytes(text));
      return;
    }
    if (n <= 11 && n > 0) {
      const asInt = integerValue((i) => text.charCodeAt(i), n);
      if (asInt !== null) {
        this.#integer(asInt);
        return;
      }
    }
    this.length(n);
    if (this.#pos + n > CHUNK_SIZE) this.#flushChunk();
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < n; i++) buf[pos++] = text.charCodeAt(i);
    this.#pos = pos;
  }

  /** Appends a string, integer-encoded or LZF-compressed when that is smaller. */
  string(value: Uint8Array): void {
    const n = value.length;
    if (n <= 11 && n > 0) {
      const asInt = integerValue((i) => value[i], n);
      if (asInt !== null) {
        this.#integer(asInt);
        return;
      }
    }
    if (this.#compress && n > 20) {
      const compressed = lzfCompress(value);
      if (compressed !== null) {
        this.byte(0xc3);
        this.length(compressed.length);
        this.length(n);
        this.raw(compressed);
        return;
      }
    }
    this.length(n);
    this.raw(value);
  }

  /** Appends a little-endian binary double. */
  float64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.raw(b);
  }

  /** Appends a little-endian signed 64-bit integer. */
  int64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
    this.raw(b);
  }

  /** Writes the "REDIS0010" header. */
  header(): void {
    this.raw(encoder.encode(`REDIS${String(RDB_VERSION).padStart(4, "0")}`));
  }

  /** Writes an AUX field. */
  aux(name: string, value: string): void {
    this.byte(RdbOpcode.aux);
    this.string(encoder.encode(name));
    this.string(encoder.encode(value));
  }

  /** Writes SELECTDB and RESIZEDB for a database. */
  selectDb(index: number, size: number, expires: number): void {
    this.byte(RdbOpcode.selectDb);
    this.length(index);
    this.byte(RdbOpcode.resizeDb);
    this.length(size);
    this.length(expires);
  }

  /**
   * Writes one key (a binary string) with its value and expiry (ms, 0 for
   * none).
   */
  keyValue(key: string, value: PlainValue, expireAt: number): void {
    if (expireAt !== 0) {
      this.byte(RdbOpcode.expireTimeMs);
      this.int64(expireAt);
    }
    this.byte(rdbTypeOf(value));
    this.binaryString(key);
    this.value(value);
  }

  /**
   * Writes a string key without expiry whose value is a binary string, as
   * {@linkcode keyValue} would write it from the value's bytes.
   */
  stringKeyValue(key: string, value: string): void {
    this.byte(RdbType.string);
    this.binaryString(key);
    this.binaryString(value);
  }

  /** Writes a value's body (without type byte), as in DUMP payloads. */
  value(value: PlainValue): void {
    switch (value.type) {
      case "string":
        this.string(value.value);
        return;
      case "list":
        this.length(value.items.length);
        for (const item of value.items) this.string(item);
        return;
      case "set":
        this.length(value.members.length);
        for (const member of value.members) this.string(member);
        return;
      case "hash":
        this.length(value.pairs.length);
        for (const [field, v] of value.pairs) {
          this.string(field);
          this.string(v);
        }
        return;
      case "zset":
        this.length(value.entries.length);
        // Redis writes sorted sets from the highest score down, so that
        // loading inserts at the head of its skiplist.
        for (let i = value.entries.length - 1; i >= 0; i--) {
          this.string(value.entries[i][0]);
          this.float64(value.entries[i][1]);
        }
        return;
      case "stream":
        writeStream(this, value.stream);
        return;
    }
  }

  /** Writes EOF and the checksum, and flushes the last chunk. */
  finish(): void {
    this.byte(RdbOpcode.eof);
    this.#appendChecksum();
  }

  /**
   * Ends a DUMP payload: the RDB version (2 bytes, little-endian), then the
   * CRC-64 of everything written.
   */
  finishDumpPayload(): void {
    this.byte(RDB_VERSION & 0xff);
    this.byte(RDB_VERSION >> 8);
    this.#appendChecksum();
  }

  #appendChecksum(): void {
    this.#flushChunk();
    const checksum = this.#checksum
      ? this.#crc.digestBytes()
      : new Uint8Array(8);
    this.written += 8;
    this.onChunk(checksum);
  }
}

/** The RDB type byte used for a plain value. */
export function rdbTypeOf(value: PlainValue): number {
  switch (value.type) {
    case "string":
      return RdbType.string;
    case "list":
      return RdbType.list;
    case "set":
      return RdbType.set;
    case "hash":
      return RdbType.hash;
    case "zset":
      return RdbType.zset2;
    case "stream":
      return RdbType.streamListpacks2;
  }
}

/**
 * The value of a canonical decimal integer (no sign on zero, no leading
 * zeros) of `n` characters that fits 32 bits, else null. `at(i)` gives the
 * i-th byte.
 */
function integerValue(at: (i: number) => number, n: number): number | null {
  let i = 0;
  const negative = at(0) === 45;
  if (negative) i = 1;
  if (i >= n) return null;
  if (at(i) === 48 && (n > i + 1 || negative)) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = at(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  const value = negative ? -v : v;
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}
