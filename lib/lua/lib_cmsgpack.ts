/**
 * The `cmsgpack` library Redis bundles (lua-cmsgpack 0.4.0): MessagePack
 * packing and unpacking of Lua values, written from its documented
 * behaviour and checked against Redis 7.0. Packed data is a Lua byte string.
 *
 * @module
 */

import {
  argError,
  checkInteger,
  checkString,
  LuaError,
  LuaTable,
  type LuaValue,
  type NativeFunction,
  nativeFunction,
} from "./value.ts";
import { CJSON_NULL } from "./lib_cjson.ts";

/** Tables nested deeper than this are packed as nil, as lua-cmsgpack does. */
export const CMSGPACK_MAX_NESTING = 16;

const scratch = new DataView(new ArrayBuffer(8));

function bytes(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) {
    out += String.fromCharCode(scratch.getUint8(i));
  }
  return out;
}

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

// ---------------------------------------------------------------- pack

function packInteger(n: number, out: string[]): void {
  const c = String.fromCharCode;
  if (n >= 0) {
    if (n <= 127) out.push(c(n));
    else if (n <= 0xff) out.push(c(0xcc, n));
    else if (n <= 0xffff) out.push(c(0xcd, n >>> 8, n & 0xff));
    else if (n <= 0xffffffff) {
      scratch.setUint32(0, n);
      out.push(c(0xce) + bytes(4));
    } else {
      scratch.setBigUint64(0, BigInt(n));
      out.push(c(0xcf) + bytes(8));
    }
  } else {
    if (n >= -32) out.push(c(n & 0xff));
    else if (n >= -128) out.push(c(0xd0, n & 0xff));
    else if (n >= -32768) out.push(c(0xd1, (n >> 8) & 0xff, n & 0xff));
    else if (n >= -2147483648) {
      scratch.setInt32(0, n);
      out.push(c(0xd2) + bytes(4));
    } else {
      scratch.setBigInt64(0, BigInt(n));
      out.push(c(0xd3) + bytes(8));
    }
  }
}

function packNumber(n: number, out: string[]): void {
  // Integers representable as int64 take the integer encodings.
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) {
    packInteger(n, out);
    return;
  }
  if (n !== n) {
    // C's 0/0 is the NaN with the sign bit set; JavaScript cannot tell.
    out.push("\xcb\xff\xf8\0\0\0\0\0\0");
    return;
  }
  if (Math.fround(n) === n) {
    scratch.setFloat32(0, n);
    out.push("\xca" + bytes(4));
  } else {
    scratch.setFloat64(0, n);
    out.push("\xcb" + bytes(8));
  }
}

function packLength(
  length: number,
  fix: number,
  fixMax: number,
  op8: number,
  op16: number,
  op32: number,
  out: string[],
): void {
  const c = String.fromCharCode;
  if (length <= fixMax) out.push(c(fix | length));
  else if (op8 !== 0 && length <= 0xff) out.push(c(op8, length));
  else if (length <= 0xffff) out.push(c(op16, length >>> 8, length & 0xff));
  else {
    scratch.setUint32(0, length);
    out.push(c(op32) + bytes(4));
  }
}

/** The length n when the table's keys are exactly 1..n, else -1. */
function arrayLength(table: LuaTable): number {
  const array = table.array;
  let count = 0;
  let max = 0;
  for (let i = 0; i < array.length; i++) {
    if (array[i] !== undefined) {
      count++;
      max = i + 1;
    }
  }
  for (const [key, value] of table.hash) {
    if (value === undefined) continue;
    if (typeof key !== "number" || !Number.isInteger(key) || key < 1) {
      return -1;
    }
    count++;
    if (key > max) max = key;
  }
  return count === max ? max : -1;
}

function packValue(value: LuaValue, level: number, out: string[]): void {
  switch (typeof value) {
    case "number":
      packNumber(value, out);
      return;
    case "string":
      packLength(value.length, 0xa0, 31, 0xd9, 0xda, 0xdb, out);
      out.push(value);
      return;
    case "boolean":
      out.push(value ? "\xc3" : "\xc2");
      return;
  }
  if (
    !(value instanceof LuaTable) || value === CJSON_NULL ||
    level >= CMSGPACK_MAX_NESTING
  ) {
    // nil, functions, threads, userdata (cjson.null) and too deep tables.
    out.push("\xc0");
    return;
  }
  const length = arrayLength(value);
  if (length >= 0) {
    packLength(length, 0x90, 15, 0, 0xdc, 0xdd, out);
    for (let i = 1; i <= length; i++) packValue(value.get(i), level + 1, out);
    return;
  }
  let count = 0;
  for (const item of value.hash.values()) if (item !== undefined) count++;
  for (const item of value.array) if (item !== undefined) count++;
  packLength(count, 0x80, 15, 0, 0xde, 0xdf, out);
  for (
    let entry = value.next(undefined);
    entry !== undefined;
    entry = value.next(entry[0])
  ) {
    packValue(entry[0], level + 1, out);
    packValue(entry[1], level + 1, out);
  }
}

/** Packs each value and concatenates the encodings. */
export function cmsgpackPack(values: LuaValue[]): string {
  const out: string[] = [];
  for (const value of values) packValue(value, 0, out);
  return out.join("");
}

// ---------------------------------------------------------------- unpack

class Reader {
  text: string;
  pos: number;

  constructor(text: string, pos: number) {
    this.text = text;
    this.pos = pos;
  }

  need(count: number): void {
    if (this.pos + count > this.text.length) fail("Missing bytes in input.");
  }

  byte(): number {
    this.need(1);
    return this.text.charCodeAt(this.pos++);
  }

  load(count: number): void {
    this.need(count);
    const text = this.text;
    for (let i = 0; i < count; i++) {
      scratch.setUint8(i, text.charCodeAt(this.pos + i));
    }
    this.pos += count;
  }

  uint16(): number {
    this.load(2);
    return scratch.getUint16(0);
  }

  uint32(): number {
    this.load(4);
    return scratch.getUint32(0);
  }

  string(length: number): string {
    this.need(length);
    const value = this.text.slice(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  array(length: number): LuaTable {
    const table = new LuaTable();
    for (let i = 1; i <= length; i++) table.set(i, this.value());
    return table;
  }

  map(length: number): LuaTable {
    const table = new LuaTable();
    for (let i = 0; i < length; i++) {
      const key = this.value();
      const value = this.value();
      if (key === undefined) throw new LuaError("table index is nil");
      if (key !== key) throw new LuaError("table index is NaN");
      table.set(key, value);
    }
    return table;
  }

  value(): LuaValue {
    const type = this.byte();
    if (type <= 0x7f) return type;
    if (type >= 0xe0) return type - 256;
    if (type >= 0xa0 && type <= 0xbf) return this.string(type & 0x1f);
    if (type >= 0x90 && type <= 0x9f) return this.array(type & 0x0f);
    if (type >= 0x80 && type <= 0x8f) return this.map(type & 0x0f);
    switch (type) {
      case 0xc0:
        return undefined;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return this.byte();
      case 0xcd:
        return this.uint16();
      case 0xce:
        return this.uint32();
      case 0xcf:
      case 0xd3:
        // lua-cmsgpack reads both 64-bit integers as signed.
        this.load(8);
        return Number(scratch.getBigInt64(0));
      case 0xd0:
        this.load(1);
        return scratch.getInt8(0);
      case 0xd1:
        this.load(2);
        return scratch.getInt16(0);
      case 0xd2:
        this.load(4);
        return scratch.getInt32(0);
      case 0xca:
        this.load(4);
        return scratch.getFloat32(0);
      case 0xcb:
        this.load(8);
        return scratch.getFloat64(0);
      case 0xd9:
        return this.string(this.byte());
      case 0xda:
        return this.string(this.uint16());
      case 0xdb:
        return this.string(this.uint32());
      case 0xdc:
        return this.array(this.uint16());
      case 0xdd:
        return this.array(this.uint32());
      case 0xde:
        return this.map(this.uint16());
      case 0xdf:
        return this.map(this.uint32());
    }
    // bin, ext and the never-used 0xc1 are not supported.
    fail("Bad data format in input.");
  }
}

/**
 * Unpacks up to `limit` values from `offset` (limit 0 at offset 0: all); returns the offset
 * after the last value (-1 when the input is used up) and the values.
 */
function unpackFrom(
  text: string,
  limit: number,
  offset: number,
): [number, LuaValue[]] {
  if (offset < 0 || limit < 0) {
    fail(
      `Invalid request to unpack with offset of ${offset} and limit of ${text.length}.`,
    );
  }
  if (offset > text.length) {
    fail(`Start offset ${offset} greater than input length ${text.length}.`);
  }
  const reader = new Reader(text, offset);
  const values: LuaValue[] = [];
  // Only limit 0 from offset 0 means "everything"; limit 0 elsewhere, none.
  const all = limit === 0 && offset === 0;
  while (reader.pos < text.length && (all || values.length < limit)) {
    values.push(reader.value());
  }
  return [reader.pos >= text.length ? -1 : reader.pos, values];
}

/** Unpacks every value in `text`. */
export function cmsgpackUnpack(text: string): LuaValue[] {
  return unpackFrom(text, 0, 0)[1];
}

/**
 * The `cmsgpack` table: pack, unpack, unpack_one, unpack_limit, `_NAME`,
 * `_VERSION`, `_COPYRIGHT` and `_DESCRIPTION`.
 */
export function cmsgpackLibrary(): LuaTable {
  const functions: Record<string, NativeFunction> = {
    pack(_L, args) {
      if (args.length === 0) {
        throw argError(-1, "pack", "MessagePack pack needs input.");
      }
      return [cmsgpackPack(args)];
    },
    unpack(_L, args) {
      return unpackFrom(checkString(args, 0, "unpack"), 0, 0)[1];
    },
    unpack_one(_L, args) {
      const text = checkString(args, 0, "unpack_one");
      const offset = args[1] === undefined
        ? 0
        : checkInteger(args, 1, "unpack_one");
      const [next, values] = unpackFrom(text, 1, offset);
      return [next, ...values];
    },
    unpack_limit(_L, args) {
      const text = checkString(args, 0, "unpack_limit");
      const limit = checkInteger(args, 1, "unpack_limit");
      const offset = args[2] === undefined
        ? 0
        : checkInteger(args, 2, "unpack_limit");
      const [next, values] = unpackFrom(text, limit, offset);
      // Limit 0 from offset 0 decodes everything, like unpack: no offset.
      return limit === 0 && offset === 0 ? values : [next, ...values];
    },
  };
  const table = new LuaTable();
  for (const [name, native] of Object.entries(functions)) {
    table.set(name, nativeFunction(name, native));
  }
  table.set("_NAME", "cmsgpack");
  table.set("_VERSION", "lua-cmsgpack 0.4.0");
  table.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
  table.set("_DESCRIPTION", "MessagePack C implementation for Lua");
  return table;
}
