/**
 * HyperLogLog, in Redis's exact representation, and its commands: PFADD,
 * PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST.
 *
 * A HyperLogLog is a string value (the string type's byte buffer), so GET,
 * SET, DUMP, RDB and AOF see the bytes Redis would hold:
 *
 * - a 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), three unused
 *   bytes and the cached cardinality, 8 bytes little-endian, whose most
 *   significant bit marks the cache invalid;
 * - dense: 16384 registers of 6 bits, least significant bits first;
 * - sparse: run-length opcodes, ZERO (00xxxxxx: 1-64 empty registers),
 *   XZERO (01xxxxxx yyyyyyyy: 1-16384 empty registers) and VAL (1vvvvvxx:
 *   1-4 registers holding 1-32), promoted to dense when a register would
 *   exceed 32 or the value `hll-sparse-max-bytes`.
 *
 * An element's register and value come from MurmurHash64A with seed
 * 0xadc83b19: the low 14 bits pick the register, the position of the first
 * set bit among the next 50 (plus one) is the value. The cardinality is
 * Otmar Ertl's improved estimator over the register histogram, as Redis 7.0
 * computes it.
 *
 * Values being modified are first made private to their entry (Redis's
 * dbUnshareStringValue), then edited in place.
 *
 * @module
 */

import { defineCommand, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { beforeWrite } from "../persistence/snapshot.ts";
import { Entry } from "../store/database.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import {
  cString,
  growString,
  setStringValue,
  storeString,
  STRING_OWNED,
  STRING_RAW,
} from "./string.ts";
import { type StringValue, valueBytes } from "../store/string_value.ts";

/** Bits of the hash that select the register (Redis's HLL_P). */
const HLL_P = 14;
/** Bits of the hash in which the first set bit is looked for (HLL_Q). */
const HLL_Q = 64 - HLL_P;
/** Number of registers. */
export const HLL_REGISTERS: number = 1 << HLL_P;
/** Size of the header. */
export const HLL_HEADER_SIZE = 16;
/** Size of a dense HyperLogLog, header included. */
export const HLL_DENSE_SIZE: number = HLL_HEADER_SIZE + HLL_REGISTERS * 6 / 8;
/** The dense encoding byte. */
export const HLL_DENSE = 0;
/** The sparse encoding byte. */
export const HLL_SPARSE = 1;

/** Largest register value a VAL opcode holds. */
const VAL_MAX_VALUE = 32;
/** Most registers one VAL opcode covers. */
const VAL_MAX_LEN = 4;
/** Most registers one ZERO opcode covers. */
const ZERO_MAX_LEN = 64;
/** Most registers one XZERO opcode covers. */
const XZERO_MAX_LEN = 16384;

/** 0.5 / ln(2), the estimator's constant for an infinite register count. */
const ALPHA_INF = 0.721347520444481703680;

/** Byte 15 holds the cached cardinality's top byte and the invalid flag. */
const CARD_TOP = HLL_HEADER_SIZE - 1;
const CACHE_INVALID = 0x80;

// --- MurmurHash64A, on 32-bit halves -------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;
/** The seed Redis hashes HyperLogLog elements with. */
const SEED = 0xadc83b19;

/** Result of {@linkcode mulM} and {@linkcode murmur}: high and low halves. */
let outHi = 0;
let outLo = 0;

/** (hi:lo) * m mod 2^64 into outHi:outLo. */
function mulM(hi: number, lo: number): void {
  const l0 = lo & 0xffff;
  const l1 = lo >>> 16;
  const p00 = l0 * M_LO_0;
  const mid = l0 * M_LO_1 + l1 * M_LO_0 + (p00 >>> 16);
  outLo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  const carry = Math.floor(mid / 65536) + l1 * M_LO_1;
  outHi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/** MurmurHash64A of `data` with `seed` (below 2^32) into outHi:outLo. */
function murmur(data: Uint8Array, seed: number): void {
  const len = data.length;
  mulM(Math.floor(len / 4294967296), len >>> 0);
  let hHi = outHi;
  let hLo = (outLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
      (data[i + 3] << 24);
    const kHi = data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) |
      (data[i + 7] << 24);
    mulM(kHi, kLo);
    // k ^= k >> 47 only changes the low half.
    mulM(outHi, outLo ^ (outHi >>> 15));
    mulM(hHi ^ outHi, hLo ^ outLo);
    hHi = outHi;
    hLo = outLo;
  }
  const rest = len & 7;
  if (rest !== 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = data[blocks + j];
      if (j >= 4) hHi ^= b << ((j - 4) * 8);
      else hLo ^= b << (j * 8);
    }
    mulM(hHi, hLo);
    hHi = outHi;
    hLo = outLo;
  }
  mulM(hHi, hLo ^ (hHi >>> 15));
  outLo = (outLo ^ (outHi >>> 15)) >>> 0;
}

/**
 * MurmurHash64A (Austin Appleby's 64-bit hash for 64-bit platforms, reading
 * 8-byte blocks little-endian) of `data`; Redis's seed by default.
 */
export function murmurHash64A(data: Uint8Array, seed = SEED): bigint {
  murmur(data, seed >>> 0);
  return (BigInt(outHi) << 32n) | BigInt(outLo);
}

/** Register picked by the last {@linkcode patternLength}. */
let patternIndex = 0;

/**
 * Redis's hllPatLen: hashes `element`, leaves its register in patternIndex
 * and returns the register value it stands for (1 to HLL_Q + 1).
 */
function patternLength(element: Uint8Array): number {
  murmur(element, SEED);
  patternIndex = outLo & (HLL_REGISTERS - 1);
  const low = ((outLo >>> HLL_P) | (outHi << (32 - HLL_P))) >>> 0;
  if (low !== 0) return 32 - Math.clz32(low & -low);
  // Bit HLL_Q is set so that the count stops there.
  const high = (outHi >>> HLL_P) | (1 << (HLL_Q - 32));
  return 64 - Math.clz32(high & -high);
}

/** The register (0 to 16383) and value (1 to 51) `element` maps to. */
export function hashElement(
  element: Uint8Array,
): { index: number; count: number } {
  const count = patternLength(element);
  return { index: patternIndex, count };
}

// --- Dense registers ------------------------------------------------------

/** Register `index` of the dense HyperLogLog `hll`. */
export function denseGet(hll: Uint8Array, index: number): number {
  const bit = index * 6;
  const byte = HLL_HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  if (shift <= 2) return (hll[byte] >> shift) & 63;
  return ((hll[byte] >> shift) | (hll[byte + 1] << (8 - shift))) & 63;
}

/** Sets register `index` of the dense HyperLogLog `hll` to `value`. */
function denseWrite(hll: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const byte = HLL_HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  hll[byte] = (hll[byte] & ~(63 << shift)) | (value << shift);
  if (shift > 2) {
    const rest = 8 - shift;
    hll[byte + 1] = (hll[byte + 1] & ~(63 >> rest)) | (value >> rest);
  }
}

/**
 * Raises register `index` of a dense HyperLogLog to `count` (Redis's
 * hllDenseSet); returns 1 when it changed, else 0.
 */
function denseSet(hll: Uint8Array, index: number, count: number): number {
  if (denseGet(hll, index) >= count) return 0;
  denseWrite(hll, index, count);
  return 1;
}

/** Adds the dense registers' values to `histogram` (value → count). */
function denseHistogram(hll: Uint8Array, histogram: Int32Array): void {
  // Four registers in every three bytes.
  for (let p = HLL_HEADER_SIZE; p < HLL_DENSE_SIZE; p += 3) {
    const b0 = hll[p];
    const b1 = hll[p + 1];
    const b2 = hll[p + 2];
    histogram[b0 & 63]++;
    histogram[(b0 >> 6) | ((b1 & 15) << 2)]++;
    histogram[(b1 >> 4) | ((b2 & 3) << 4)]++;
    histogram[b2 >> 2]++;
  }
}

/** max[i] = max(max[i], register i) over a dense HyperLogLog. */
function denseMerge(max: Uint8Array, hll: Uint8Array): void {
  let i = 0;
  for (let p = HLL_HEADER_SIZE; p < HLL_DENSE_SIZE; p += 3) {
    const b0 = hll[p];
    const b1 = hll[p + 1];
    const b2 = hll[p + 2];
    const r0 = b0 & 63;
    const r1 = (b0 >> 6) | ((b1 & 15) << 2);
    const r2 = (b1 >> 4) | ((b2 & 3) << 4);
    const r3 = b2 >> 2;
    if (r0 > max[i]) max[i] = r0;
    if (r1 > max[i + 1]) max[i + 1] = r1;
    if (r2 > max[i + 2]) max[i + 2] = r2;
    if (r3 > max[i + 3]) max[i + 3] = r3;
    i += 4;
  }
}

// --- Sparse opcodes -------------------------------------------------------

/**
 * The byte Redis would find just past a sparse value's end: its sds
 * terminator, normally 0, but one sparse update of a value ending in half
 * an XZERO opcode writes its last byte there (see sparseSet).
 */
const pastEnd = new WeakMap<Uint8Array, number>();

/** Byte `i` of `v`, reading past the end as Redis reads the terminator. */
function byteAt(v: Uint8Array, i: number): number {
  return i < v.length ? v[i] : pastEnd.get(v) ?? 0;
}

/** A VAL opcode: `len` registers (1-4) set to `value` (1-32). */
function valOpcode(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

/** Writes a ZERO or XZERO opcode for `len` registers at seq[n]; returns the next n. */
function putZeros(seq: Uint8Array, n: number, len: number): number {
  if (len > ZERO_MAX_LEN) {
    seq[n] = 0x40 | ((len - 1) >> 8);
    seq[n + 1] = (len - 1) & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

/**
 * Walks the sparse opcodes of `v`, calling `run(index, len, value)` for each
 * VAL run (`index` its first register). Returns the number of registers the
 * opcodes cover; stops early, returning -1, when a VAL run would pass the
 * last register or, with `checkZeros`, any run would.
 */
function walkSparse(
  v: Uint8Array,
  run: ((index: number, len: number, value: number) => void) | null,
  checkZeros: boolean,
): number {
  let index = 0;
  let p = HLL_HEADER_SIZE;
  const end = v.length;
  while (p < end) {
    const b = v[p];
    if ((b & 0xc0) === 0) {
      index += (b & 63) + 1;
      p++;
    } else if ((b & 0xc0) === 0x40) {
      index += (((b & 63) << 8) | byteAt(v, p + 1)) + 1;
      p += 2;
    } else {
      const len = (b & 3) + 1;
      if (index + len > HLL_REGISTERS) return -1;
      if (run !== null) run(index, len, ((b >> 2) & 31) + 1);
      index += len;
      p++;
      continue;
    }
    if (checkZeros && index > HLL_REGISTERS) return -1;
  }
  return index;
}

/** Adds a sparse value's registers to `histogram`; false when it is corrupt. */
function sparseHistogram(v: Uint8Array, histogram: Int32Array): boolean {
  // Redis's hllSparseRegHisto: no early stop, the total decides.
  let index = 0;
  let p = HLL_HEADER_SIZE;
  const end = v.length;
  while (p < end) {
    const b = v[p];
    let len: number;
    if ((b & 0xc0) === 0) {
      len = (b & 63) + 1;
      histogram[0] += len;
      p++;
    } else if ((b & 0xc0) === 0x40) {
      len = (((b & 63) << 8) | byteAt(v, p + 1)) + 1;
      histogram[0] += len;
      p += 2;
    } else {
      len = (b & 3) + 1;
      histogram[((b >> 2) & 31) + 1] += len;
      p++;
    }
    index += len;
  }
  return index === HLL_REGISTERS;
}

/**
 * The dense form of sparse value `v` (Redis's hllSparseToDense): the header
 * is kept (cached cardinality included) with the encoding changed. Null
 * when the opcodes do not cover exactly the 16384 registers.
 */
export function sparseToDense(v: Uint8Array): Uint8Array | null {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(v.subarray(0, HLL_HEADER_SIZE));
  dense[4] = HLL_DENSE;
  const total = walkSparse(v, (index, len, value) => {
    for (let i = index; i < index + len; i++) denseWrite(dense, i, value);
  }, true);
  return total === HLL_REGISTERS ? dense : null;
}

/** Opcodes the general case of sparseSet writes (at most 5 bytes). */
const SEQUENCE = new Uint8Array(5);

/** Replaces the sparse entry's value by its first `length` bytes. */
function truncate(entry: Entry, length: number): Uint8Array {
  const value = (entry.value as Uint8Array).subarray(0, length);
  entry.value = value;
  return value;
}

/**
 * Turns the entry's sparse value dense and raises register `index` to
 * `count`; returns 1, or -1 when the sparse value is corrupt.
 */
function promote(entry: Entry, index: number, count: number): number {
  const dense = sparseToDense(entry.value as Uint8Array);
  if (dense === null) return -1;
  // Its own exact-size buffer: still owned by the entry.
  entry.value = dense;
  denseSet(dense, index, count);
  return 1;
}

/**
 * Raises register `index` of the entry's sparse value to `count` (Redis's
 * hllSparseSet), promoting it to dense when a value over 32 or the size
 * limit `maxBytes` asks for it. Returns 1 when the register changed, 0 when
 * it already held as much, -1 when the value is corrupt. The entry's value
 * must be its own (see {@linkcode unshare}).
 */
function sparseSet(
  entry: Entry,
  index: number,
  count: number,
  maxBytes: number,
): number {
  if (count > VAL_MAX_VALUE) return promote(entry, index, count);
  let v = entry.value as Uint8Array;
  let end = v.length;
  // Step 1: the opcode that covers the register.
  let p = HLL_HEADER_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const b = v[p];
    let oplen = 1;
    if ((b & 0xc0) === 0) span = (b & 63) + 1;
    else if (b & 0x80) span = (b & 3) + 1;
    else {
      span = (((b & 63) << 8) | byteAt(v, p + 1)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = v[p];
  const isXzero = (op & 0xc0) === 0x40;
  const isZero = (op & 0xc0) === 0;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  // Step 2: the cheap cases rewrite one opcode in place.
  let inPlace = false;
  if (!isZero && !isXzero) {
    const old = ((op >> 2) & 31) + 1;
    if (old >= count) return 0;
    inPlace = span === 1;
  } else inPlace = isZero && span === 1;
  if (inPlace) v[p] = valOpcode(count, 1);
  else {
    // Step 3: split the opcode into up to three.
    const seq = SEQUENCE;
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) n = putZeros(seq, n, index - first);
      seq[n++] = valOpcode(count, 1);
      if (index !== last) n = putZeros(seq, n, last - index);
    } else {
      const value = ((op >> 2) & 31) + 1;
      if (index !== first) seq[n++] = valOpcode(value, index - first);
      seq[n++] = valOpcode(count, 1);
      if (index !== last) seq[n++] = valOpcode(value, last - index);
    }
    const delta = n - (isXzero ? 2 : 1);
    if (delta > 0 && end + delta > maxBytes) {
      return promote(entry, index, count);
    }
    const length = end + delta;
    if (delta > 0) v = growString(entry, length);
    if (delta !== 0 && next >= 0) v.copyWithin(next + delta, next, end);
    if (delta < 0) v = truncate(entry, length);
    pastEnd.delete(v);
    for (let i = 0; i < n; i++) {
      // A value that ended in half an XZERO: Redis writes the last byte of
      // the new opcodes over the terminator, where later reads find it.
      if (p + i < length) v[p + i] = seq[i];
      else pastEnd.set(v, seq[i]);
    }
    end = length;
  }
  // Step 4: merge adjacent VAL opcodes of equal value, from the previous one.
  p = prev >= 0 ? prev : HLL_HEADER_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const b = v[p];
    if ((b & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((b & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && v[p + 1] & 0x80) {
      const b1 = v[p + 1];
      const value = ((b >> 2) & 31) + 1;
      const len = (b & 3) + (b1 & 3) + 2;
      if (value === ((b1 >> 2) & 31) + 1 && len <= VAL_MAX_LEN) {
        v[p + 1] = valOpcode(value, len);
        v.copyWithin(p, p + 1, end);
        end--;
        v = truncate(entry, end);
        continue;
      }
    }
    p++;
  }
  v[CARD_TOP] |= CACHE_INVALID;
  return 1;
}

// --- Values ---------------------------------------------------------------

/**
 * A new, empty HyperLogLog as Redis creates it: sparse, one XZERO for all
 * the registers, a valid cached cardinality of 0.
 */
export function createHll(): Uint8Array {
  const count = Math.ceil(HLL_REGISTERS / XZERO_MAX_LEN);
  const v = new Uint8Array(HLL_HEADER_SIZE + count * 2);
  v.set([72, 89, 76, 76, HLL_SPARSE]);
  let rest = HLL_REGISTERS;
  for (let p = HLL_HEADER_SIZE; rest > 0; p += 2) {
    const len = Math.min(XZERO_MAX_LEN, rest);
    putZeros(v, p, len);
    rest -= len;
  }
  return v;
}

/** Whether `v` passes Redis's isHLLObjectOrReply checks. */
export function isHll(v: Uint8Array): boolean {
  return v.length >= HLL_HEADER_SIZE && v[0] === 72 && v[1] === 89 &&
    v[2] === 76 && v[3] === 76 && v[4] <= HLL_SPARSE &&
    (v[4] !== HLL_DENSE || v.length === HLL_DENSE_SIZE);
}

/** The HyperLogLog of a string entry; WRONGTYPE errors otherwise. */
function hllValue(entry: Entry): Uint8Array {
  if (entry.type !== "string") throw new CommandError(Errors.wrongType);
  const value = entry.value as StringValue;
  const v = valueBytes(value);
  if (!isHll(v)) throw new CommandError(Errors.hllWrongType);
  // A HyperLogLog is edited in place (its cached cardinality too): held as
  // bytes from now on.
  if (typeof value === "string") entry.value = v;
  return v;
}

/**
 * Makes the entry's value its own buffer, edited in place from then on
 * (Redis's dbUnshareStringValue: the value also becomes "raw").
 */
function unshare(entry: Entry): Uint8Array {
  const v = entry.value as StringValue;
  if (entry.flags & STRING_OWNED) return v as Uint8Array;
  const copy = typeof v === "string" ? valueBytes(v) : v.slice();
  setStringValue(entry, copy, STRING_RAW | STRING_OWNED);
  return copy;
}

/** Stores a new empty HyperLogLog at `key`. */
function storeHll(ctx: CommandContext, key: string): Entry {
  return storeString(ctx, key, createHll(), {
    flags: STRING_RAW | STRING_OWNED,
  });
}

/**
 * Adds `element` to the entry's HyperLogLog (Redis's hllAdd): 1 when a
 * register changed, 0 when none did, -1 when the value is corrupt.
 */
export function addElement(
  entry: Entry,
  element: Uint8Array,
  maxBytes: number,
): number {
  const count = patternLength(element);
  const v = entry.value as Uint8Array;
  if (v[4] === HLL_DENSE) return denseSet(v, patternIndex, count);
  return sparseSet(entry, patternIndex, count, maxBytes);
}

/**
 * max[i] = max(max[i], register i) over HyperLogLog `v` (Redis's hllMerge);
 * false when a sparse value is corrupt.
 */
function mergeInto(max: Uint8Array, v: Uint8Array): boolean {
  if (v[4] === HLL_DENSE) {
    denseMerge(max, v);
    return true;
  }
  return walkSparse(v, (index, len, value) => {
    for (let i = index; i < index + len; i++) {
      if (value > max[i]) max[i] = value;
    }
  }, true) === HLL_REGISTERS;
}

// --- The estimator --------------------------------------------------------

/** Ertl's sigma function. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's tau function. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (previous !== z);
  return z / 3;
}

/**
 * The cardinality Redis 7.0 estimates from a register histogram
 * (`histogram[v]` registers hold v), as the unsigned 64-bit integer it
 * computes: out-of-range estimates become 2^63, as llroundl's overflow
 * does on x86-64.
 */
export function estimateCardinality(histogram: Int32Array): number | bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  const estimate = Math.round(ALPHA_INF * m * m / z);
  if (!(estimate < 2 ** 63)) return 1n << 63n;
  return Number.isSafeInteger(estimate) ? estimate : BigInt(estimate);
}

/** Scratch histogram (64 slots, as Redis sizes it). */
const HISTOGRAM = new Int32Array(64);

/**
 * The estimated cardinality of HyperLogLog `v`, or null when its sparse
 * opcodes are corrupt (Redis's hllCount).
 */
export function countHll(v: Uint8Array): number | bigint | null {
  const histogram = HISTOGRAM;
  histogram.fill(0);
  if (v[4] === HLL_DENSE) denseHistogram(v, histogram);
  else if (!sparseHistogram(v, histogram)) return null;
  return estimateCardinality(histogram);
}

/** The estimated cardinality of raw registers (one byte each). */
function countRegisters(registers: Uint8Array): number | bigint {
  const histogram = HISTOGRAM;
  histogram.fill(0);
  for (let i = 0; i < registers.length; i++) histogram[registers[i]]++;
  return estimateCardinality(histogram);
}

/** The cached cardinality in the header (valid or not). */
function cachedCardinality(v: Uint8Array): number | bigint {
  const lo = (v[8] | (v[9] << 8) | (v[10] << 16) | (v[11] << 24)) >>> 0;
  const hi = (v[12] | (v[13] << 8) | (v[14] << 16) | (v[15] << 24)) >>> 0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes `card` (below 2^64) as the cached cardinality. */
function cacheCardinality(v: Uint8Array, card: number | bigint): void {
  let lo: number;
  let hi: number;
  if (typeof card === "number") {
    lo = card % 4294967296;
    hi = Math.floor(card / 4294967296);
  } else {
    lo = Number(card & 0xffffffffn);
    hi = Number(card >> 32n);
  }
  for (let i = 0; i < 4; i++) {
    v[8 + i] = lo >>> (i * 8);
    v[12 + i] = hi >>> (i * 8);
  }
}

/** A cardinality as Redis replies it: the uint64 read as a signed long long. */
function signed(card: number | bigint): number | bigint {
  return typeof card === "number" ? card : BigInt.asIntN(64, card);
}

// --- Commands -------------------------------------------------------------

function pfadd(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  let entry = ctx.db.get(key, ctx.now);
  let updated = 0;
  if (entry === undefined) {
    entry = storeHll(ctx, key);
    updated++;
  } else {
    hllValue(entry);
    unshare(entry);
  }
  const maxBytes = ctx.server.config.number("hll-sparse-max-bytes");
  for (let i = 2; i < args.length; i++) {
    const result = addElement(entry, args[i], maxBytes);
    if (result === 1) updated++;
    else if (result < 0) throw new CommandError(Errors.hllCorrupt);
  }
  if (updated > 0) {
    (entry.value as Uint8Array)[CARD_TOP] |= CACHE_INVALID;
    ctx.keyChanged(key, "$", "pfadd", updated);
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

function pfcount(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 2) {
    // The union of several: the registers' maximums, counted.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let i = 1; i < args.length; i++) {
      const entry = ctx.readKey(bytesToString(args[i]));
      if (entry === undefined) continue;
      if (!mergeInto(max, hllValue(entry))) {
        throw new CommandError(Errors.hllCorrupt);
      }
    }
    ctx.reply.integer(signed(countRegisters(max)));
    return;
  }
  // Redis 7.0 looks the one key up as a read (keyspace hit or miss).
  const key = bytesToString(args[1]);
  const entry = ctx.readKey(key);
  if (entry === undefined) {
    ctx.reply.integer(0);
    return;
  }
  hllValue(entry);
  let v = unshare(entry);
  if (!(v[CARD_TOP] & CACHE_INVALID)) {
    ctx.reply.integer(signed(cachedCardinality(v)));
    return;
  }
  const card = countHll(v);
  if (card === null) throw new CommandError(Errors.hllCorrupt);
  // A read-only command that changes the value: save the key first into
  // any snapshot in progress, as for writes.
  const server = ctx.server;
  if (server.snapshots.size > 0) {
    beforeWrite(server.snapshots, ctx.db, [key]);
    v = entry.value as Uint8Array;
  }
  cacheCardinality(v, card);
  // Redis signals the change (WATCH) and counts it as dirty, so it is
  // propagated, but sends no keyspace event.
  server.watches.keyChanged(ctx.db, key);
  server.dirty++;
  ctx.reply.integer(signed(card));
}

function pfmerge(ctx: CommandContext, args: Uint8Array[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  for (let i = 1; i < args.length; i++) {
    const entry = ctx.readKey(bytesToString(args[i]));
    if (entry === undefined) continue;
    const v = hllValue(entry);
    if (v[4] === HLL_DENSE) dense = true;
    if (!mergeInto(max, v)) throw new CommandError(Errors.hllCorrupt);
  }
  const key = bytesToString(args[1]);
  let entry = ctx.db.get(key, ctx.now);
  if (entry === undefined) entry = storeHll(ctx, key);
  else unshare(entry);
  if (dense && !toDense(entry)) throw new CommandError(Errors.hllCorrupt);
  const maxBytes = ctx.server.config.number("hll-sparse-max-bytes");
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (max[i] === 0) continue;
    const v = entry.value as Uint8Array;
    if (v[4] === HLL_DENSE) denseSet(v, i, max[i]);
    else sparseSet(entry, i, max[i], maxBytes);
  }
  (entry.value as Uint8Array)[CARD_TOP] |= CACHE_INVALID;
  // Redis reports a merge as a "pfadd" event: a mass addition.
  ctx.keyChanged(key, "$", "pfadd");
  ctx.reply.ok();
}

/**
 * Converts the entry's (own) value to dense if it is sparse. Returns false
 * when the sparse value is corrupt.
 */
function toDense(entry: Entry): boolean {
  const v = entry.value as Uint8Array;
  if (v[4] === HLL_DENSE) return true;
  const dense = sparseToDense(v);
  if (dense === null) return false;
  entry.value = dense;
  return true;
}

/** PFDEBUG DECODE's text: "Z:8436 v:1,1 z:3 ..." for the sparse opcodes. */
export function decodeSparse(v: Uint8Array): string {
  const parts: string[] = [];
  let p = HLL_HEADER_SIZE;
  while (p < v.length) {
    const b = v[p];
    if ((b & 0xc0) === 0) {
      parts.push(`z:${(b & 63) + 1}`);
      p++;
    } else if ((b & 0xc0) === 0x40) {
      parts.push(`Z:${(((b & 63) << 8) | byteAt(v, p + 1)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((b >> 2) & 31) + 1},${(b & 3) + 1}`);
      p++;
    }
  }
  return parts.join(" ");
}

function pfdebug(ctx: CommandContext, args: Uint8Array[]): void {
  const subcommand = cString(args[1]);
  const key = bytesToString(args[2]);
  const entry = ctx.db.get(key, ctx.now);
  if (entry === undefined) throw new CommandError(Errors.hllNoKey);
  hllValue(entry);
  const v = unshare(entry);
  const sparse = v[4] === HLL_SPARSE;
  if (equalsIgnoreCase(subcommand, "getreg")) {
    if (sparse) {
      if (!toDense(entry)) throw new CommandError(Errors.hllCorrupt);
      // The encoding changed: propagate the command.
      ctx.server.dirty++;
    }
    const dense = entry.value as Uint8Array;
    const reply = ctx.reply;
    reply.array(HLL_REGISTERS);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      reply.integer(denseGet(dense, i));
    }
  } else if (equalsIgnoreCase(subcommand, "decode")) {
    if (!sparse) throw new CommandError(Errors.hllNotSparse);
    ctx.reply.bulkString(decodeSparse(v));
  } else if (equalsIgnoreCase(subcommand, "encoding")) {
    ctx.reply.simple(sparse ? "sparse" : "dense");
  } else if (equalsIgnoreCase(subcommand, "todense")) {
    if (sparse) {
      if (!toDense(entry)) throw new CommandError(Errors.hllCorrupt);
      ctx.server.dirty++;
    }
    ctx.reply.integer(sparse ? 1 : 0);
  } else {
    throw new CommandError(
      Errors.hllUnknownSubcommand(bytesToString(subcommand)),
    );
  }
}

/** Elements PFSELFTEST adds to its sparse HyperLogLog. */
const SPARSE_ELEMENTS = 10_000;
/** Elements PFSELFTEST adds to its dense HyperLogLog. */
const SELFTEST_ELEMENTS = 100_000;

/**
 * PFSELFTEST's checks, on values outside the keyspace: every register of
 * the dense form stores and reads back every value; and sparse and dense
 * HyperLogLogs fed the same elements estimate the same cardinality, within
 * the expected error. Returns the failure, or null.
 */
export function selfTest(): string | null {
  // Registers: several rounds of pseudo-random values over all of them.
  const registers = new Uint8Array(HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  let seed = 1;
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      expected[i] = (seed >>> 16) & 63;
      denseWrite(registers, i, expected[i]);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (denseGet(registers, i) !== expected[i]) {
        return `Register error at index ${i}`;
      }
    }
  }
  // Estimates: a sparse and a dense HyperLogLog fed the same elements. With
  // no size limit the sparse one stays sparse (until a register needs more
  // than 32, which is unlikely here) up to SPARSE_ELEMENTS.
  const sparse = new Entry("string", createHll());
  const dense = new Entry("string", sparseToDense(createHll()));
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const element = new Uint8Array(8);
  const view = new DataView(element.buffer);
  view.setUint32(4, 0x5eed, true);
  let checkpoint = 1;
  for (let n = 1; n <= SELFTEST_ELEMENTS; n++) {
    view.setUint32(0, n, true);
    if (n <= SPARSE_ELEMENTS) addElement(sparse, element, Infinity);
    addElement(dense, element, Infinity);
    if (n !== checkpoint) continue;
    checkpoint *= 10;
    const denseCount = Number(countHll(dense.value as Uint8Array));
    if (n <= SPARSE_ELEMENTS) {
      const sparseCount = Number(countHll(sparse.value as Uint8Array));
      if (sparseCount !== denseCount) {
        return `Sparse and dense estimates differ at ${n} elements: ${sparseCount} vs ${denseCount}`;
      }
    }
    const allowed = n < 100 ? 1 : n * relativeError * 5;
    if (Math.abs(denseCount - n) > allowed) {
      return `Estimate of ${n} elements is ${denseCount}, beyond the expected error`;
    }
  }
  return null;
}

function pfselftest(ctx: CommandContext): void {
  const failure = selfTest();
  if (failure !== null) throw new CommandError(Errors.hllTestFailed(failure));
  ctx.reply.ok();
}

/** HyperLogLog commands. */
export const HYPERLOGLOG_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "pfadd",
    arity: -2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["hyperloglog"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Adds the specified elements to the specified HyperLogLog.",
    complexity: "O(1) to add every element.",
    handler: pfadd,
  }),
  defineCommand({
    name: "pfcount",
    arity: -2,
    // may_replicate: it may rewrite the cached cardinality (held by CLIENT PAUSE WRITE).
    flags: ["readonly", "may_replicate"],
    keySpecs: [
      keyRange(["RW", "access"], 1, {
        lastKey: -1,
        notes:
          "RW because it may change the internal representation of the key, and propagate to replicas",
      }),
    ],
    categories: ["hyperloglog"],
    group: "hyperloglog",
    since: "2.8.9",
    summary:
      "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
    complexity:
      "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
    handler: pfcount,
  }),
  defineCommand({
    name: "pfmerge",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "access", "insert"], 1),
      keyRange(["RO", "access"], 2, { lastKey: -1 }),
    ],
    categories: ["hyperloglog"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Merge N different HyperLogLogs into a single one.",
    complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
    handler: pfmerge,
  }),
  defineCommand({
    name: "pfdebug",
    arity: 3,
    flags: ["write", "denyoom", "admin"],
    keySpecs: [keyRange(["RW", "access"], 2)],
    categories: ["hyperloglog"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "Internal commands for debugging HyperLogLog values",
    complexity: "N/A",
    handler: pfdebug,
    docFlags: ["syscmd"],
  }),
  defineCommand({
    name: "pfselftest",
    arity: 1,
    flags: ["admin"],
    categories: ["hyperloglog"],
    group: "hyperloglog",
    since: "2.8.9",
    summary: "An internal command for testing HyperLogLog values",
    complexity: "N/A",
    handler: pfselftest,
    docFlags: ["syscmd"],
  }),
];
