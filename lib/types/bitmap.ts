/**
 * Bitmaps: bit-level commands on string values. Commands: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO, after Redis 7.0's
 * bitops.c.
 *
 * A bitmap is a string value, the same one byte buffer GET, APPEND, DUMP
 * and persistence see: bit 0 is the most significant bit of the first
 * byte. Writers grow the value with zero bytes in place (the string type's
 * growString), which also makes it "raw" as Redis's dbUnshareStringValue
 * does. BITCOUNT and BITPOS walk 32-bit words; BITFIELD computes in exact
 * 64-bit arithmetic (bigint), including the wrap-arounds of Redis's C code.
 *
 * @module
 */

import {
  parseInt64Argument,
  parseIntegerArgument,
} from "../commands/arguments.ts";
import { defineCommand, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec, KeyReference } from "../commands/spec.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import { cString, growString, readString, storeString } from "./string.ts";
import type { StringValue } from "../store/string_value.ts";

const EMPTY = new Uint8Array(0);

/** Set bits of every byte value. */
const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1];

/**
 * A 32-bit word's set bits, left as four byte counts (SWAR popcount
 * without its final sum), so that several words can be summed before one
 * multiply, as Redis's redisPopcount does.
 */
function byteCounts(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (v + (v >>> 4)) & 0x0f0f0f0f;
}

/**
 * Number of set bits in `bytes[start, end)`, 32-bit words four at a time
 * (Redis's redisPopcount). Words are read as Int32Array elements, which V8
 * keeps as small integers (a Uint32Array's upper half would not be).
 */
export function countBits(
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  let count = 0;
  let i = start;
  const base = bytes.byteOffset;
  while (i < end && (base + i) & 3) count += BITS_IN_BYTE[bytes[i++]];
  const words = Math.floor((end - i) / 4);
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, base + i, words);
    let w = 0;
    for (; w + 4 <= words; w += 4) {
      // Four words' byte counts (at most 32 each) fit in a byte.
      const sum = byteCounts(view[w]) + byteCounts(view[w + 1]) +
        byteCounts(view[w + 2]) + byteCounts(view[w + 3]);
      count += Math.imul(sum, 0x01010101) >>> 24;
    }
    for (; w < words; w++) {
      count += Math.imul(byteCounts(view[w]), 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < end) count += BITS_IN_BYTE[bytes[i++]];
  return count;
}

/** Position (0 = most significant) of the first `bit` in a byte known to hold one. */
function bitInByte(byte: number, bit: number): number {
  return Math.clz32(bit ? byte : ~byte & 0xff) - 24;
}

/**
 * Position of the first `bit` (0 or 1) in `bytes[start, start + count)`,
 * relative to `start`, skipping whole 32-bit words that cannot hold it.
 * Without one: -1 when looking for a 1, `count * 8` when looking for a 0
 * (the string counts as zero-padded on the right), as Redis's redisBitpos.
 */
export function findBit(
  bytes: Uint8Array,
  start: number,
  count: number,
  bit: number,
): number {
  const skip = bit ? 0 : 0xff;
  const stop = start + count;
  const base = bytes.byteOffset;
  let i = start;
  while (i < stop && (base + i) & 3) {
    if (bytes[i] !== skip) return (i - start) * 8 + bitInByte(bytes[i], bit);
    i++;
  }
  const words = Math.floor((stop - i) / 4);
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, base + i, words);
    let w = 0;
    if (bit) {
      while (
        w + 4 <= words &&
        (view[w] | view[w + 1] | view[w + 2] | view[w + 3]) === 0
      ) w += 4;
      while (w < words && view[w] === 0) w++;
    } else {
      while (
        w + 4 <= words &&
        (view[w] & view[w + 1] & view[w + 2] & view[w + 3]) === -1
      ) w += 4;
      while (w < words && view[w] === -1) w++;
    }
    i += w * 4;
  }
  for (; i < stop; i++) {
    if (bytes[i] !== skip) return (i - start) * 8 + bitInByte(bytes[i], bit);
  }
  return bit ? -1 : count * 8;
}

/** redisBitpos on a single byte: 0 to 7, or -1 (no 1) / 8 (no 0). */
function findBitInByte(byte: number, bit: number): number {
  if (byte === (bit ? 0 : 0xff)) return bit ? -1 : 8;
  return bitInByte(byte, bit);
}

/**
 * The unsigned integer of `bits` bits (1 to 64) at bit `offset` of
 * `bytes`, most significant bit first; bits beyond the end (or of a
 * missing value) read as 0.
 */
export function getBitfield(
  bytes: Uint8Array | null,
  offset: number,
  bits: number,
): bigint {
  let byte = Math.floor(offset / 8);
  let shift = 7 - offset % 8;
  const length = bytes === null ? 0 : bytes.length;
  let hi = 0;
  let lo = 0;
  for (let j = 0; j < bits; j++) {
    const b = byte < length ? (bytes![byte] >> shift) & 1 : 0;
    hi = ((hi << 1) | (lo >>> 31)) >>> 0;
    lo = ((lo << 1) | b) >>> 0;
    if (shift === 0) {
      shift = 7;
      byte++;
    } else shift--;
  }
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Writes the low `bits` bits of `value` (two's complement for negative
 * values) at bit `offset` of `bytes`, which must be long enough.
 */
export function setBitfield(
  bytes: Uint8Array,
  offset: number,
  bits: number,
  value: bigint,
): void {
  const v = BigInt.asUintN(64, value);
  const hi = Number(v >> 32n);
  const lo = Number(v & 0xffffffffn);
  let byte = Math.floor(offset / 8);
  let shift = 7 - offset % 8;
  for (let k = bits - 1; k >= 0; k--) {
    const b = k >= 32 ? (hi >>> (k - 32)) & 1 : (lo >>> k) & 1;
    bytes[byte] = (bytes[byte] & ~(1 << shift)) | (b << shift);
    if (shift === 0) {
      shift = 7;
      byte++;
    } else shift--;
  }
}

/** BITFIELD OVERFLOW modes. */
const WRAP = 0;
const SAT = 1;
const FAIL = 2;

/**
 * Redis's checkUnsignedBitfieldOverflow: whether `value + incr` overflows
 * (1), underflows (-1) or fits (0) an unsigned field of `bits` bits, and
 * the value to store instead (wrapped or saturated) in `overflowLimit`.
 * `value` is a uint64, `incr` an int64; the C code's 64-bit wrap-arounds
 * are reproduced.
 */
function unsignedOverflow(
  value: bigint,
  incr: bigint,
  bits: number,
  mode: number,
): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = BigInt.asIntN(64, max - value);
  const minIncr = BigInt.asIntN(64, -value);
  let result = 0;
  if (value > max || (incr > 0n && incr > maxIncr)) result = 1;
  else if (incr < 0n && incr < minIncr) result = -1;
  if (result !== 0) {
    if (mode === WRAP) overflowLimit = BigInt.asUintN(bits, value + incr);
    else if (mode === SAT) overflowLimit = result > 0 ? max : 0n;
  }
  return result;
}

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Redis's checkSignedBitfieldOverflow, as {@linkcode unsignedOverflow} for
 * a signed field; `value` and `incr` are int64. Like the C code, a SET
 * value so negative that max - value wraps around counts as an overflow.
 */
function signedOverflow(
  value: bigint,
  incr: bigint,
  bits: number,
  mode: number,
): number {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = BigInt.asIntN(64, max - value);
  const minIncr = BigInt.asIntN(64, min - value);
  let result = 0;
  if (
    value > max || (bits !== 64 && incr > maxIncr) ||
    (value >= 0n && incr > 0n && incr > maxIncr)
  ) result = 1;
  else if (
    value < min || (bits !== 64 && incr < minIncr) ||
    (value < 0n && incr < 0n && incr < minIncr)
  ) result = -1;
  if (result !== 0) {
    if (mode === WRAP) overflowLimit = BigInt.asIntN(bits, value + incr);
    else if (mode === SAT) overflowLimit = result > 0 ? max : min;
  }
  return result;
}

/** The value the last overflow check says to store (its *limit). */
let overflowLimit = 0n;

const OFFSET_OPTIONS = { message: Errors.bitOffset };

/**
 * Parses a bit offset (Redis's getBitOffsetFromArgument): a non-negative
 * integer whose byte is below proto-max-bulk-len, except while loading
 * (Redis's mustObeyClient). With `bits` (BITFIELD), "#N" means N * bits,
 * multiplied in 64 bits with wrap-around as in Redis.
 */
function parseBitOffset(
  ctx: CommandContext,
  arg: Uint8Array,
  bits = 0,
): number {
  let offset: number;
  if (bits > 0 && arg.length > 0 && arg[0] === 35) {
    const index = parseInt64Argument(arg.subarray(1), OFFSET_OPTIONS);
    offset = Number(BigInt.asIntN(64, index * BigInt(bits)));
  } else offset = parseIntegerArgument(arg, OFFSET_OPTIONS);
  const server = ctx.server;
  if (
    offset < 0 ||
    (!server.loading &&
      Math.floor(offset / 8) >= server.config.number("proto-max-bulk-len"))
  ) throw new CommandError(Errors.bitOffset);
  return offset;
}

/** Parses BITCOUNT's and BITPOS's BYTE|BIT: true for BIT. */
function parseIndexUnit(arg: Uint8Array): boolean {
  const unit = cString(arg);
  if (equalsIgnoreCase(unit, "bit")) return true;
  if (equalsIgnoreCase(unit, "byte")) return false;
  throw new CommandError(Errors.syntax);
}

/**
 * The string value at `key` ready for writing bit `maxBit`: created or
 * grown with zero bytes as needed (Redis's lookupStringForBitCommand, a
 * write lookup: no keyspace hit or miss); throws WRONGTYPE.
 */
function writableBitmap(
  ctx: CommandContext,
  key: string,
  maxBit: number,
): { value: Uint8Array; grown: boolean } {
  const length = Math.floor(maxBit / 8) + 1;
  let entry = ctx.db.get(key, ctx.now);
  let oldLength = 0;
  if (entry === undefined) entry = storeString(ctx, key, EMPTY);
  else if (entry.type !== "string") throw new CommandError(Errors.wrongType);
  else oldLength = (entry.value as StringValue).length;
  const value = growString(entry, length);
  return { value, grown: value.length !== oldLength };
}

const BIT_VALUE_OPTIONS = { message: Errors.bitValue };

function setbit(ctx: CommandContext, args: Uint8Array[]): void {
  const offset = parseBitOffset(ctx, args[2]);
  const on = parseIntegerArgument(args[3], BIT_VALUE_OPTIONS);
  if (on !== 0 && on !== 1) throw new CommandError(Errors.bitValue);
  const key = bytesToString(args[1]);
  const { value, grown } = writableBitmap(ctx, key, offset);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - offset % 8);
  const old = value[byte] & mask;
  if (grown || (old !== 0) !== (on === 1)) {
    value[byte] = on ? value[byte] | mask : value[byte] & ~mask;
    ctx.keyChanged(key, "$", "setbit");
  }
  ctx.reply.integer(old ? 1 : 0);
}

function getbit(ctx: CommandContext, args: Uint8Array[]): void {
  const offset = parseBitOffset(ctx, args[2]);
  const value = readString(ctx, bytesToString(args[1]));
  const byte = Math.floor(offset / 8);
  const set = value !== null && byte < value.length &&
    (value[byte] & (1 << (7 - offset % 8))) !== 0;
  ctx.reply.integer(set ? 1 : 0);
}

/**
 * A BITCOUNT/BITPOS range: inclusive byte indexes and the masks of the
 * bits outside a BIT range in its first and last bytes.
 */
interface ByteRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

/**
 * Clamps a start/end pair (bytes, or bits with `isBit`) to a value of
 * `length` bytes as BITCOUNT and BITPOS do, then turns a bit range into
 * bytes and edge masks.
 */
function clampRange(
  start: bigint,
  end: bigint,
  length: number,
  isBit: boolean,
): ByteRange {
  const total = BigInt(isBit ? length * 8 : length);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  const range = {
    start: Number(start),
    end: Number(end),
    firstMask: 0,
    lastMask: 0,
  };
  if (isBit && start <= end) {
    range.firstMask = ~((1 << (8 - range.start % 8)) - 1) & 0xff;
    range.lastMask = (1 << (7 - range.end % 8)) - 1;
    range.start = Math.floor(range.start / 8);
    range.end = Math.floor(range.end / 8);
  }
  return range;
}

function bitcount(ctx: CommandContext, args: Uint8Array[]): void {
  // Redis 7.0 looks the key up before it reads the range.
  const value = readString(ctx, bytesToString(args[1]));
  if (value === null) {
    ctx.reply.integer(0);
    return;
  }
  let range: ByteRange;
  if (args.length === 4 || args.length === 5) {
    const start = parseInt64Argument(args[2]);
    const end = parseInt64Argument(args[3]);
    if (start < 0n && end < 0n && start > end) {
      ctx.reply.integer(0);
      return;
    }
    const isBit = args.length === 5 && parseIndexUnit(args[4]);
    range = clampRange(start, end, value.length, isBit);
  } else if (args.length === 2) {
    range = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
  } else throw new CommandError(Errors.syntax);
  const { start, end, firstMask, lastMask } = range;
  if (start > end) {
    ctx.reply.integer(0);
    return;
  }
  let count = countBits(value, start, end + 1);
  count -= BITS_IN_BYTE[value[start] & firstMask];
  count -= BITS_IN_BYTE[value[end] & lastMask];
  ctx.reply.integer(count);
}

function bitpos(ctx: CommandContext, args: Uint8Array[]): void {
  const bit = parseIntegerArgument(args[2]);
  if (bit !== 0 && bit !== 1) throw new CommandError(Errors.bitArgument);
  // A missing key is an infinite run of zeros, whatever the range.
  const value = readString(ctx, bytesToString(args[1]));
  if (value === null) {
    ctx.reply.integer(bit ? -1 : 0);
    return;
  }
  const n = args.length;
  let range: ByteRange;
  let endGiven = false;
  if (n >= 4 && n <= 6) {
    const start = parseInt64Argument(args[3]);
    const isBit = n === 6 && parseIndexUnit(args[5]);
    let end: bigint;
    if (n >= 5) {
      end = parseInt64Argument(args[4]);
      endGiven = true;
    } else {
      end = isBit ? BigInt(value.length) * 8n + 7n : BigInt(value.length - 1);
    }
    range = clampRange(start, end, value.length, isBit);
  } else if (n === 3) {
    range = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
  } else throw new CommandError(Errors.syntax);
  let { start } = range;
  const { end, firstMask, lastMask } = range;
  // An empty range holds neither a 0 nor a 1.
  if (start > end) {
    ctx.reply.integer(-1);
    return;
  }
  let bytes = end - start + 1;
  let pos: number;
  search: {
    if (firstMask) {
      let byte = bit ? value[start] & ~firstMask : value[start] | firstMask;
      if (lastMask && bytes === 1) {
        byte = bit ? byte & ~lastMask : byte | lastMask;
      }
      pos = findBitInByte(byte & 0xff, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    // A last byte with bits outside the range is searched on its own.
    const whole = bytes - (lastMask ? 1 : 0);
    if (whole > 0) {
      pos = findBit(value, start, whole, bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break search;
      start += whole;
      bytes -= whole;
    }
    const byte = bit ? value[end] & ~lastMask : value[end] | lastMask;
    pos = findBitInByte(byte & 0xff, bit);
  }
  // With an explicit end, the right of the range is not zero padding.
  if (endGiven && bit === 0 && pos === bytes * 8) {
    ctx.reply.integer(-1);
    return;
  }
  ctx.reply.integer(pos === -1 ? -1 : pos + start * 8);
}

const AND = 0;
const OR = 1;
const XOR = 2;
const NOT = 3;

/** Parses BITOP's operation (compared as a C string, like Redis). */
function parseBitop(arg: Uint8Array): number {
  const name = cString(arg);
  if (equalsIgnoreCase(name, "and")) return AND;
  if (equalsIgnoreCase(name, "or")) return OR;
  if (equalsIgnoreCase(name, "xor")) return XOR;
  if (equalsIgnoreCase(name, "not")) return NOT;
  throw new CommandError(Errors.syntax);
}

/**
 * Combines `source` into `result` (AND, OR or XOR), a 32-bit word at a
 * time where both are aligned; bytes beyond the source count as zeros.
 */
function combine(result: Uint8Array, source: Uint8Array, op: number): void {
  const length = source.length;
  let i = 0;
  if ((source.byteOffset & 3) === 0 && (result.byteOffset & 3) === 0) {
    const words = length >>> 2;
    const r = new Int32Array(result.buffer, result.byteOffset, words);
    const s = new Int32Array(source.buffer, source.byteOffset, words);
    switch (op) {
      case AND:
        for (let w = 0; w < words; w++) r[w] &= s[w];
        break;
      case OR:
        for (let w = 0; w < words; w++) r[w] |= s[w];
        break;
      default:
        for (let w = 0; w < words; w++) r[w] ^= s[w];
    }
    i = words * 4;
  }
  switch (op) {
    case AND:
      for (; i < length; i++) result[i] &= source[i];
      result.fill(0, length);
      break;
    case OR:
      for (; i < length; i++) result[i] |= source[i];
      break;
    default:
      for (; i < length; i++) result[i] ^= source[i];
  }
}

function bitop(ctx: CommandContext, args: Uint8Array[]): void {
  const op = parseBitop(args[1]);
  if (op === NOT && args.length !== 4) {
    throw new CommandError(Errors.bitopNotOneKey);
  }
  const sources: Uint8Array[] = [];
  let maxLength = 0;
  for (let i = 3; i < args.length; i++) {
    // Missing keys are empty strings.
    const value = readString(ctx, bytesToString(args[i])) ?? EMPTY;
    sources.push(value);
    if (value.length > maxLength) maxLength = value.length;
  }
  const dest = bytesToString(args[2]);
  if (maxLength > 0) {
    // A new entry and buffer: the sources (the old value of dest among
    // them) stay as they were while the result is computed.
    const result = growString(storeString(ctx, dest, EMPTY), maxLength);
    const first = sources[0];
    if (op === NOT) {
      for (let i = 0; i < maxLength; i++) result[i] = ~first[i];
    } else {
      result.set(first);
      for (let k = 1; k < sources.length; k++) {
        combine(result, sources[k], op);
      }
    }
    ctx.keyChanged(dest, "$", "set");
  } else if (ctx.db.delete(dest)) ctx.keyChanged(dest, "g", "del");
  ctx.reply.integer(maxLength);
}

const GET = 0;
const SET = 1;
const INCRBY = 2;

/** One BITFIELD subcommand, parsed. */
interface BitfieldOp {
  readonly opcode: number;
  readonly offset: number;
  readonly bits: number;
  readonly signed: boolean;
  /** SET's value or INCRBY's increment (int64). */
  readonly value: bigint;
  readonly overflow: number;
}

/**
 * Parses a BITFIELD type ("i1".."i64", "u1".."u63"), the width read as a
 * C string as Redis does.
 */
function parseBitfieldType(arg: Uint8Array): { signed: boolean; bits: number } {
  const sign = arg.length === 0 ? 0 : arg[0];
  if (sign !== 105 && sign !== 117) {
    throw new CommandError(Errors.bitfieldType);
  }
  const signed = sign === 105;
  const bits = parseIntegerArgument(cString(arg.subarray(1)), {
    min: 1,
    max: signed ? 64 : 63,
    message: Errors.bitfieldType,
  });
  return { signed, bits };
}

/**
 * BITFIELD and BITFIELD_RO (`readOnly`: GET only), as Redis's
 * bitfieldGeneric: every subcommand is parsed before any runs; only GETs
 * look the key up for reading, otherwise it is created or grown up to the
 * farthest bit written. Changes count one dirty each and publish one
 * "setbit" event.
 */
function bitfieldGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  readOnly: boolean,
): void {
  const ops: BitfieldOp[] = [];
  let overflow = WRAP;
  let writes = false;
  let highestBit = 0;
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const name = cString(args[j]);
    let opcode: number;
    if (equalsIgnoreCase(name, "get") && remaining >= 2) opcode = GET;
    else if (equalsIgnoreCase(name, "set") && remaining >= 3) opcode = SET;
    else if (equalsIgnoreCase(name, "incrby") && remaining >= 3) {
      opcode = INCRBY;
    } else if (equalsIgnoreCase(name, "overflow") && remaining >= 1) {
      const mode = cString(args[++j]);
      if (equalsIgnoreCase(mode, "wrap")) overflow = WRAP;
      else if (equalsIgnoreCase(mode, "sat")) overflow = SAT;
      else if (equalsIgnoreCase(mode, "fail")) overflow = FAIL;
      else throw new CommandError(Errors.bitfieldOverflowType);
      continue;
    } else throw new CommandError(Errors.syntax);
    const { signed, bits } = parseBitfieldType(args[j + 1]);
    const offset = parseBitOffset(ctx, args[j + 2], bits);
    let value = 0n;
    if (opcode !== GET) {
      writes = true;
      highestBit = Math.max(highestBit, offset + bits - 1);
      value = parseInt64Argument(args[j + 3]);
    }
    ops.push({ opcode, offset, bits, signed, value, overflow });
    j += opcode === GET ? 2 : 3;
  }
  const key = bytesToString(args[1]);
  let bytes: Uint8Array | null;
  let grown = false;
  if (!writes) bytes = readString(ctx, key);
  else {
    if (readOnly) throw new CommandError(Errors.bitfieldReadOnly);
    const writable = writableBitmap(ctx, key, highestBit);
    bytes = writable.value;
    grown = writable.grown;
  }
  const reply = ctx.reply;
  reply.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    const raw = getBitfield(bytes, op.offset, op.bits);
    if (op.opcode === GET) {
      reply.integer(op.signed ? BigInt.asIntN(op.bits, raw) : raw);
      continue;
    }
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    let stored: bigint;
    let overflowed: number;
    if (op.opcode === INCRBY) {
      overflowed = op.signed
        ? signedOverflow(old, op.value, op.bits, op.overflow)
        : unsignedOverflow(old, op.value, op.bits, op.overflow);
      stored = overflowed ? overflowLimit : old + op.value;
    } else {
      // SET checks its value as a (u)int64 against the field's range.
      const value = op.signed ? op.value : BigInt.asUintN(64, op.value);
      overflowed = op.signed
        ? signedOverflow(value, 0n, op.bits, op.overflow)
        : unsignedOverflow(value, 0n, op.bits, op.overflow);
      stored = overflowed ? overflowLimit : value;
    }
    if (overflowed && op.overflow === FAIL) {
      reply.nullBulk();
      continue;
    }
    reply.integer(op.opcode === INCRBY ? stored : old);
    setBitfield(bytes!, op.offset, op.bits, stored);
    if (grown || old !== stored) changes++;
  }
  if (changes > 0) ctx.keyChanged(key, "$", "setbit", changes);
}

function bitfield(ctx: CommandContext, args: Uint8Array[]): void {
  bitfieldGeneric(ctx, args, false);
}

function bitfieldRo(ctx: CommandContext, args: Uint8Array[]): void {
  bitfieldGeneric(ctx, args, true);
}

const INDEX_UNIT_HISTORY: readonly (readonly [string, string])[] = [
  ["7.0.0", "Added the `BYTE|BIT` option."],
];

/**
 * BITFIELD's key as Redis's bitfieldGetKeys gives it: read only (RO
 * access) when every operation is a GET, otherwise read and written.
 */
function bitfieldKeys(args: readonly Uint8Array[]): KeyReference[] {
  for (let i = 2; i < args.length; i++) {
    const more = args.length - i - 1;
    if (equalsIgnoreCase(args[i], "get") && more >= 2) i += 2;
    else if (equalsIgnoreCase(args[i], "overflow") && more >= 1) i += 1;
    else return [{ index: 1, flags: ["RW", "access", "update"] }];
  }
  return [{ index: 1, flags: ["RO", "access"] }];
}

/** Bitmap commands. */
export const BITMAP_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "setbit",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["bitmap"],
    group: "bitmap",
    since: "2.2.0",
    summary:
      "Sets or clears the bit at offset in the string value stored at key",
    complexity: "O(1)",
    handler: setbit,
  }),
  defineCommand({
    name: "getbit",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["bitmap"],
    group: "bitmap",
    since: "2.2.0",
    summary:
      "Returns the bit value at offset in the string value stored at key",
    complexity: "O(1)",
    handler: getbit,
  }),
  defineCommand({
    name: "bitcount",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["bitmap"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Count set bits in a string",
    complexity: "O(N)",
    handler: bitcount,
    history: INDEX_UNIT_HISTORY,
  }),
  defineCommand({
    name: "bitpos",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["bitmap"],
    group: "bitmap",
    since: "2.8.7",
    summary: "Find first bit set or clear in a string",
    complexity: "O(N)",
    handler: bitpos,
    history: INDEX_UNIT_HISTORY,
  }),
  defineCommand({
    name: "bitop",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["OW", "update"], 2),
      keyRange(["RO", "access"], 3, { lastKey: -1 }),
    ],
    categories: ["bitmap"],
    group: "bitmap",
    since: "2.6.0",
    summary: "Perform bitwise operations between strings",
    complexity: "O(N)",
    handler: bitop,
  }),
  defineCommand({
    name: "bitfield",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "access", "update", "variable_flags"], 1, {
        notes: "This command allows both access and modification of the key",
      }),
    ],
    categories: ["bitmap"],
    group: "bitmap",
    since: "3.2.0",
    summary: "Perform arbitrary bitfield integer operations on strings",
    complexity: "O(1) for each subcommand specified",
    handler: bitfield,
    getKeys: bitfieldKeys,
  }),
  defineCommand({
    name: "bitfield_ro",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["bitmap"],
    group: "bitmap",
    since: "6.0.0",
    summary:
      "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    complexity: "O(1) for each subcommand specified",
    handler: bitfieldRo,
  }),
];
