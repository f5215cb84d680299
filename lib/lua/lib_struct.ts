/**
 * The `struct` library Redis bundles (Roberto Ierusalimschy's struct for
 * Lua 5.1): packing values into binary strings and back, written from its
 * documented behaviour and checked against Redis 7.0 on x86-64 (native
 * little-endian, `int` 4 bytes, `long` and `size_t` 8, maximum alignment 8).
 *
 * Format options: `<` `>` endianness, `![n]` alignment, `x` a zero byte,
 * `b/B` `h/H` `l/L` `T` `i/I[n]` integers, `f` `d` floats, `s` a
 * zero-terminated string, `c[n]` a fixed-size string (`c0`: the whole
 * string when packing, the previous number's size when unpacking).
 *
 * @module
 */

import {
  argError,
  checkNumber,
  checkString,
  libraryTable,
  LuaError,
  type LuaTable,
  type LuaValue,
  optInteger,
  stringToNumber,
} from "./value.ts";

const MAX_INT_SIZE = 32;
const MAX_ALIGN = 8;
const INT_MAX = 2147483647;
const TWO_64 = 1n << 64n;

interface State {
  little: boolean;
  align: number;
}

interface Option {
  opt: string;
  size: number;
}

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Reads the format's next option at `cursor.i`, advancing past it. */
function nextOption(fmt: string, cursor: { i: number }, state: State): Option {
  const opt = fmt[cursor.i++];
  const number = (fallback: number): number => {
    if (!isDigit(fmt[cursor.i])) return fallback;
    let value = 0;
    while (isDigit(fmt[cursor.i])) {
      const digit = fmt.charCodeAt(cursor.i++) - 48;
      if (value > INT_MAX / 10 || value * 10 > INT_MAX - digit) {
        fail("integral size overflow");
      }
      value = value * 10 + digit;
    }
    return value;
  };
  switch (opt) {
    case "b":
    case "B":
      return { opt, size: 1 };
    case "h":
    case "H":
      return { opt, size: 2 };
    case "l":
    case "L":
    case "T":
    case "d":
      return { opt, size: 8 };
    case "f":
      return { opt, size: 4 };
    case "x":
      return { opt, size: 1 };
    case "c":
      return { opt, size: number(1) };
    case "i":
    case "I": {
      const size = number(4);
      if (size > MAX_INT_SIZE) {
        fail(
          `integral size ${size} is larger than limit of ${MAX_INT_SIZE}`,
        );
      }
      return { opt, size };
    }
    case "<":
      state.little = true;
      return { opt, size: 0 };
    case ">":
      state.little = false;
      return { opt, size: 0 };
    case "!": {
      const align = number(MAX_ALIGN);
      if (align === 0 || (align & (align - 1)) !== 0) {
        fail(`alignment ${align} is not a power of 2`);
      }
      state.align = align;
      return { opt, size: 0 };
    }
    default:
      // "s", " " and invalid options take no fixed room.
      return { opt, size: 0 };
  }
}

/** Padding before an option at offset `length`. */
function padding(length: number, state: State, option: Option): number {
  let size = option.size;
  if (size === 0 || option.opt === "c") return 0;
  if (size > state.align) size = state.align;
  // As the C code computes it (exact for powers of 2).
  return (size - (length & (size - 1))) & (size - 1);
}

/** A double converted to a 64-bit unsigned pattern as struct.c on x86-64 does. */
function toUint64(n: number): bigint {
  if (n < 0) {
    if (n < -(2 ** 63)) return 1n << 63n;
    return BigInt.asUintN(64, BigInt(Math.trunc(n)));
  }
  if (!(n < 2 ** 64)) return 0n; // includes NaN
  return BigInt(Math.trunc(n));
}

function packInteger(value: bigint, size: number, little: boolean): string {
  const bytes: number[] = [];
  let v = value;
  for (let i = 0; i < size; i++) {
    bytes.push(Number(v & 0xffn));
    v >>= 8n;
  }
  if (!little) bytes.reverse();
  return String.fromCharCode(...bytes);
}

function unpackInteger(
  data: string,
  pos: number,
  size: number,
  little: boolean,
  signed: boolean,
): number {
  let value = 0n;
  for (let i = 0; i < size; i++) {
    const index = little ? pos + size - 1 - i : pos + i;
    value = ((value << 8n) | BigInt(data.charCodeAt(index))) % TWO_64;
  }
  if (signed) {
    value = size < 8
      ? BigInt.asIntN(size * 8, value)
      : BigInt.asIntN(64, value);
  }
  return Number(value);
}

const scratch = new DataView(new ArrayBuffer(8));

function packFloat(n: number, size: number, little: boolean): string {
  if (size === 4) scratch.setFloat32(0, n, little);
  else scratch.setFloat64(0, n, little);
  let out = "";
  for (let i = 0; i < size; i++) {
    out += String.fromCharCode(scratch.getUint8(i));
  }
  return out;
}

function unpackFloat(
  data: string,
  pos: number,
  size: number,
  little: boolean,
): number {
  for (let i = 0; i < size; i++) scratch.setUint8(i, data.charCodeAt(pos + i));
  return size === 4
    ? scratch.getFloat32(0, little)
    : scratch.getFloat64(0, little);
}

function invalidOption(fname: string, opt: string): LuaError {
  return argError(0, fname, `invalid format option '${opt}'`);
}

function numberArg(args: LuaValue[], index: number): number {
  if (index >= args.length) {
    throw argError(index, "pack", "number expected, got nil");
  }
  return checkNumber(args, index, "pack");
}

function stringArg(args: LuaValue[], index: number): string {
  if (index >= args.length) {
    throw argError(index, "pack", "string expected, got nil");
  }
  return checkString(args, index, "pack");
}

function pack(args: LuaValue[]): string {
  const fmt = checkString(args, 0, "pack");
  const state: State = { little: true, align: 1 };
  const cursor = { i: 0 };
  const out: string[] = [];
  let total = 0;
  let arg = 1;
  while (cursor.i < fmt.length) {
    const option = nextOption(fmt, cursor, state);
    const pad = padding(total, state, option);
    if (pad > 0) out.push("\0".repeat(pad));
    total += pad;
    let size = option.size;
    switch (option.opt) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I": {
        const n = numberArg(args, arg++);
        out.push(packInteger(toUint64(n), size, state.little));
        break;
      }
      case "x":
        out.push("\0");
        break;
      case "f":
      case "d":
        out.push(packFloat(numberArg(args, arg++), size, state.little));
        break;
      case "c":
      case "s": {
        const text = stringArg(args, arg);
        let length = text.length;
        if (size === 0) size = length;
        if (option.opt === "c" && length < size) {
          // struct.c names the argument after the string.
          throw argError(arg + 1, "pack", "string too short");
        }
        if (option.opt === "s") {
          out.push(text, "\0");
          length += 1;
          size = length;
        } else {
          out.push(text.slice(0, size));
        }
        arg++;
        break;
      }
      case "<":
      case ">":
      case "!":
      case " ":
        break;
      default:
        throw invalidOption("pack", option.opt);
    }
    total += size;
  }
  return out.join("");
}

function unpack(args: LuaValue[]): LuaValue[] {
  const fmt = checkString(args, 0, "unpack");
  const data = checkString(args, 1, "unpack");
  const start = optInteger(args, 2, "unpack", 1);
  if (start === 0) throw argError(2, "unpack", "offset must be 1 or greater");
  // size_t arithmetic in C: a negative start is a huge offset, kept
  // negative here, that no data is long enough for.
  let pos = start - 1;
  const state: State = { little: true, align: 1 };
  const cursor = { i: 0 };
  const results: LuaValue[] = [];
  const tooShort = () => argError(1, "unpack", "data string too short");
  while (cursor.i < fmt.length) {
    const option = nextOption(fmt, cursor, state);
    pos += padding(pos, state, option);
    let size = option.size;
    if (pos < 0 || pos + size > data.length) throw tooShort();
    switch (option.opt) {
      case "b":
      case "h":
      case "l":
      case "i":
      case "B":
      case "H":
      case "L":
      case "T":
      case "I": {
        const signed = option.opt >= "a";
        results.push(unpackInteger(data, pos, size, state.little, signed));
        break;
      }
      case "x":
        break;
      case "f":
      case "d":
        results.push(unpackFloat(data, pos, size, state.little));
        break;
      case "c": {
        if (size === 0) {
          const previous = results.length > 0
            ? results[results.length - 1]
            : undefined;
          const count = typeof previous === "number"
            ? previous
            : typeof previous === "string"
            ? stringToNumber(previous)
            : undefined;
          if (count === undefined) {
            fail("format 'c0' needs a previous size");
          }
          results.pop();
          size = count < 0 ? 2 ** 64 + Math.trunc(count) : Math.trunc(count);
          if (!(pos + size <= data.length)) throw tooShort();
        }
        results.push(data.slice(pos, pos + size));
        break;
      }
      case "s": {
        const end = data.indexOf("\0", pos);
        if (end < 0) fail("unfinished string in data");
        results.push(data.slice(pos, end));
        size = end - pos + 1;
        break;
      }
      case "<":
      case ">":
      case "!":
      case " ":
        break;
      default:
        throw invalidOption("unpack", option.opt);
    }
    pos += size;
  }
  results.push(pos + 1);
  return results;
}

function size(args: LuaValue[]): number {
  const fmt = checkString(args, 0, "size");
  const state: State = { little: true, align: 1 };
  const cursor = { i: 0 };
  let total = 0;
  while (cursor.i < fmt.length) {
    const option = nextOption(fmt, cursor, state);
    if (option.opt === "s" || (option.opt === "c" && option.size === 0)) {
      const name = option.opt === "s" ? "s" : "c0";
      throw argError(0, "size", `option '${name}' has no fixed size`);
    }
    total += padding(total, state, option) + option.size;
  }
  return total;
}

/** The `struct` table: pack, unpack and size. */
export function structLibrary(): LuaTable {
  return libraryTable({
    pack: (_L, args) => [pack(args)],
    unpack: (_L, args) => unpack(args),
    size: (_L, args) => [size(args)],
  });
}
