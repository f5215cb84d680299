/**
 * The `cjson` library Redis bundles (lua-cjson 2.1.0): JSON encoding and
 * decoding of Lua values, written from its documented behaviour and checked
 * against Redis 7.0.
 *
 * JSON text is a Lua byte string: bytes >= 128 pass through both ways, and
 * `\u` escapes decode to UTF-8.
 *
 * @module
 */

import {
  argError,
  checkNumber,
  checkString,
  formatG,
  LuaError,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
  type NativeFunction,
  nativeFunction,
  typeName,
} from "./value.ts";

/**
 * `cjson.null`: the sentinel JSON `null` decodes to and encodes from. Real
 * lua-cjson uses a NULL light userdata; LuaValue has no userdata, so this is
 * a frozen, read-only, empty LuaTable instance that the engine should report
 * as `userdata` (type() → "userdata", tostring → "userdata: (nil)").
 */
export const CJSON_NULL: LuaTable = (() => {
  const table = new LuaTable();
  table.readonly = true;
  return Object.freeze(table) as LuaTable;
})();

/** Whether a value is the {@linkcode CJSON_NULL} sentinel. */
export function isCjsonNull(value: LuaValue): boolean {
  return value === CJSON_NULL;
}

interface Config {
  encodeSparseConvert: boolean;
  encodeSparseRatio: number;
  encodeSparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  encodeInvalidNumbers: false | true | "null";
  decodeInvalidNumbers: boolean;
  encodeKeepBuffer: boolean;
  encodePrecision: number;
}

function defaultConfig(): Config {
  return {
    encodeSparseConvert: false,
    encodeSparseRatio: 2,
    encodeSparseSafe: 10,
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    encodeInvalidNumbers: false,
    decodeInvalidNumbers: true,
    encodeKeepBuffer: true,
    encodePrecision: 14,
  };
}

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

// ---------------------------------------------------------------- options

function checkArgCount(args: LuaValue[], max: number, fname: string): void {
  if (args.length > max) {
    throw argError(max, fname, "found too many arguments");
  }
}

/** An integer option: absent/nil leaves it; else must be in [min, max]. */
function integerOption(
  args: LuaValue[],
  index: number,
  fname: string,
  min: number,
  max: number,
  current: number,
): number {
  if (args[index] === undefined) return current;
  const value = Math.trunc(checkNumber(args, index, fname));
  if (!(value >= min && value <= max)) {
    // lua-cjson reports these against argument #1 whatever the position.
    throw argError(0, fname, `expected integer between ${min} and ${max}`);
  }
  return value;
}

const ENUM_NAMES = ["off", "on", "null"];

/** An off/on(/null) option: boolean or one of the names. */
function enumOption(
  args: LuaValue[],
  index: number,
  fname: string,
  allowNull: boolean,
): number | undefined {
  const value = args[index];
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  const name = checkString(args, index, fname);
  const found = ENUM_NAMES.indexOf(name);
  if (found < 0 || (found === 2 && !allowNull)) {
    throw argError(index, fname, `invalid option '${name}'`);
  }
  return found;
}

// ---------------------------------------------------------------- encode

const ESCAPES: string[] = (() => {
  const table: string[] = [];
  for (let c = 0; c < 256; c++) {
    if (c < 0x20 || c === 0x7f) {
      table[c] = "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  table[0x22] = '\\"';
  table[0x5c] = "\\\\";
  table[0x2f] = "\\/";
  table[0x08] = "\\b";
  table[0x0c] = "\\f";
  table[0x0a] = "\\n";
  table[0x0d] = "\\r";
  table[0x09] = "\\t";
  return table;
})();

// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\x00-\x1f"\\/\x7f]/;

function encodeString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return '"' + text + '"';
  const parts: string[] = ['"'];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const escape = ESCAPES[text.charCodeAt(i)];
    if (escape !== undefined) {
      if (i > start) parts.push(text.slice(start, i));
      parts.push(escape);
      start = i + 1;
    }
  }
  if (start < text.length) parts.push(text.slice(start));
  parts.push('"');
  return parts.join("");
}

function encodeNumber(config: Config, value: number): string {
  if (!Number.isFinite(value)) {
    if (config.encodeInvalidNumbers === false) {
      fail("Cannot serialise number: must not be NaN or Inf");
    }
    if (config.encodeInvalidNumbers === "null") return "null";
    if (value !== value) return "nan";
    return value > 0 ? "inf" : "-inf";
  }
  if (
    Number.isInteger(value) && Math.abs(value) < 1e14 &&
    config.encodePrecision === 14
  ) {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  return formatG(value, config.encodePrecision);
}

/**
 * The array length of a table when every key is a positive integer and the
 * table is not excessively sparse; -1 when it is to be an object.
 */
function arrayLength(config: Config, table: LuaTable): number {
  let max = 0;
  let items = 0;
  const array = table.array;
  for (let i = 0; i < array.length; i++) {
    if (array[i] !== undefined) {
      items++;
      max = i + 1;
    }
  }
  for (const [key, value] of table.hash) {
    if (value === undefined) continue;
    if (
      typeof key === "number" && Number.isInteger(key) && key >= 1 &&
      key <= 2147483647
    ) {
      if (key > max) max = key;
      items++;
    } else {
      return -1;
    }
  }
  if (
    config.encodeSparseRatio > 0 && max > items * config.encodeSparseRatio &&
    max > config.encodeSparseSafe
  ) {
    if (!config.encodeSparseConvert) {
      fail("Cannot serialise table: excessively sparse array");
    }
    return -1;
  }
  return max;
}

function encodeValue(
  config: Config,
  value: LuaValue,
  depth: number,
  out: string[],
): void {
  switch (typeof value) {
    case "string":
      out.push(encodeString(value));
      return;
    case "number":
      out.push(encodeNumber(config, value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "undefined":
      out.push("null");
      return;
  }
  if (value === CJSON_NULL) {
    out.push("null");
    return;
  }
  if (!(value instanceof LuaTable)) {
    fail(`Cannot serialise ${typeName(value)}: type not supported`);
  }
  depth++;
  if (depth > config.encodeMaxDepth) {
    fail(`Cannot serialise, excessive nesting (${depth})`);
  }
  const length = arrayLength(config, value);
  if (length > 0) {
    out.push("[");
    for (let i = 1; i <= length; i++) {
      if (i > 1) out.push(",");
      encodeValue(config, value.get(i), depth, out);
    }
    out.push("]");
    return;
  }
  out.push("{");
  let first = true;
  for (
    let entry = value.next(undefined);
    entry !== undefined;
    entry = value.next(entry[0])
  ) {
    const [key, item] = entry;
    if (!first) out.push(",");
    first = false;
    if (typeof key === "string") {
      out.push(encodeString(key));
    } else if (typeof key === "number") {
      out.push('"' + encodeNumber(config, key) + '"');
    } else {
      fail(
        `Cannot serialise ${
          key === CJSON_NULL ? "userdata" : typeName(key)
        }: table key must be a number or string`,
      );
    }
    out.push(":");
    encodeValue(config, item, depth, out);
  }
  out.push("}");
}

// ---------------------------------------------------------------- decode

const T_END = "T_END";

class Parser {
  text: string;
  pos = 0;
  depth = 0;
  backslashAt = -1;
  nulAt = -1;
  config: Config;

  constructor(config: Config, text: string) {
    this.config = config;
    this.text = text;
  }

  error(expected: string, found: string, at: number): never {
    fail(`Expected ${expected} but found ${found} at character ${at + 1}`);
  }

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** The name lua-cjson gives the token at `pos` (for error messages). */
  tokenName(): string {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return "T_OBJ_BEGIN";
      case 0x7d:
        return "T_OBJ_END";
      case 0x5b:
        return "T_ARR_BEGIN";
      case 0x5d:
        return "T_ARR_END";
      case 0x3a:
        return "T_COLON";
      case 0x2c:
        return "T_COMMA";
      case 0x22:
        return "T_STRING";
      case 0:
        return T_END;
    }
    if (this.pos >= this.text.length) return T_END;
    const saved = this.pos;
    try {
      const value = this.parseScalar();
      if (value === undefined) return "invalid token";
      if (typeof value === "boolean") return "T_BOOLEAN";
      if (value === CJSON_NULL) return "T_NULL";
      return "T_NUMBER";
    } catch {
      return "invalid token";
    } finally {
      this.pos = saved;
    }
  }

  /** Reports the token at `pos` as unexpected. */
  unexpected(expected: string): never {
    const at = this.pos;
    const c = this.text.charCodeAt(at);
    if (c === 0x22) {
      // A malformed string reports its own error.
      this.parseString(expected);
      this.pos = at;
    } else if (
      (c === 0x2d || c === 0x2b || (c >= 0x30 && c <= 0x39)) &&
      (this.numberLength(at) === 0 ||
        (!this.config.decodeInvalidNumbers && this.isInvalidNumber(at)))
    ) {
      this.error(expected, "invalid number", at);
    }
    this.error(expected, this.tokenName(), at);
  }

  /** strtod's accepted prefix length at `start` (0 when none). */
  numberLength(start: number): number {
    const text = this.text;
    let i = start;
    const c0 = text.charCodeAt(i);
    if (c0 === 0x2b || c0 === 0x2d) i++;
    const first = text.charCodeAt(i) | 0x20;
    if (first === 0x69 || first === 0x6e) return this.specialLength(start, i);
    return this.numericLength(start, i);
  }

  /** strtod's prefix length for inf/infinity/nan/nan(...) after a sign. */
  specialLength(start: number, i: number): number {
    const text = this.text;
    const rest = text.slice(i, i + 8).toLowerCase();
    if (rest.startsWith("infinity")) return i + 8 - start;
    if (rest.startsWith("inf")) return i + 3 - start;
    if (rest.startsWith("nan")) {
      let j = i + 3;
      if (text.charCodeAt(j) === 0x28) {
        let k = j + 1;
        while (/[0-9A-Za-z_]/.test(text[k] ?? "")) k++;
        if (text.charCodeAt(k) === 0x29) j = k + 1;
      }
      return j - start;
    }
    return 0;
  }

  /** strtod's prefix length for a decimal or hexadecimal number. */
  numericLength(start: number, i: number): number {
    const text = this.text;
    if (
      text.charCodeAt(i) === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78
    ) {
      let j = i + 2;
      let digits = 0;
      while (isHex(text.charCodeAt(j))) {
        j++;
        digits++;
      }
      if (text.charCodeAt(j) === 0x2e) {
        j++;
        while (isHex(text.charCodeAt(j))) {
          j++;
          digits++;
        }
      }
      if (digits === 0) return i + 1 - start; // just the "0"
      if ((text.charCodeAt(j) | 0x20) === 0x70) {
        let k = j + 1;
        const s = text.charCodeAt(k);
        if (s === 0x2b || s === 0x2d) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (isDigit(text.charCodeAt(k))) k++;
          j = k;
        }
      }
      return j - start;
    }
    let digits = 0;
    while (isDigit(text.charCodeAt(i))) {
      i++;
      digits++;
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      while (isDigit(text.charCodeAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits === 0) return 0;
    if ((text.charCodeAt(i) | 0x20) === 0x65) {
      let k = i + 1;
      const s = text.charCodeAt(k);
      if (s === 0x2b || s === 0x2d) k++;
      if (isDigit(text.charCodeAt(k))) {
        while (isDigit(text.charCodeAt(k))) k++;
        i = k;
      }
    }
    return i - start;
  }

  parseNumberAt(start: number, length: number): number {
    let token = this.text.slice(start, start + length);
    const plain = Number(token);
    if (plain === plain && token.charCodeAt(0) !== 0x2b) return plain;
    let sign = 1;
    if (token[0] === "+" || token[0] === "-") {
      if (token[0] === "-") sign = -1;
      token = token.slice(1);
    }
    const lower = token.toLowerCase();
    if (lower.startsWith("inf")) return sign * Infinity;
    if (lower.startsWith("nan")) return NaN;
    if (lower.startsWith("0x")) return sign * parseHexFloat(lower.slice(2));
    if (token.endsWith(".")) token = token.slice(0, -1);
    if (token.startsWith(".")) token = "0" + token;
    return sign * Number(token.replace(/\.(?=[eE]|$)/, ""));
  }

  /** Whether lua-cjson treats the text at `pos` as an invalid number. */
  isInvalidNumber(at: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 0x30) {
      const c2 = text.charCodeAt(at + 1);
      return (c2 | 0x20) === 0x78 || isDigit(c2);
    }
    if (c <= 0x39) return false;
    const three = text.slice(at, at + 3).toLowerCase();
    return three === "inf" || three === "nan";
  }

  /** A number, true/false/null at `pos`, or undefined for an invalid token. */
  parseScalar(): LuaValue {
    const text = this.text;
    const at = this.pos;
    const c = text.charCodeAt(at);
    if (c === 0x2d || c === 0x2b || (c >= 0x30 && c <= 0x39)) {
      if (!this.config.decodeInvalidNumbers && this.isInvalidNumber(at)) {
        return undefined;
      }
      const length = this.numberLength(at);
      if (length === 0) return undefined;
      this.pos = at + length;
      return this.parseNumberAt(at, length);
    }
    if (c === 0x74 && text.startsWith("true", at)) {
      this.pos = at + 4;
      return true;
    }
    if (c === 0x66 && text.startsWith("false", at)) {
      this.pos = at + 5;
      return false;
    }
    if (c === 0x6e && text.startsWith("null", at)) {
      this.pos = at + 4;
      return CJSON_NULL;
    }
    if (this.config.decodeInvalidNumbers && this.isInvalidNumber(at)) {
      const length = this.numberLength(at);
      if (length === 0) return undefined;
      this.pos = at + length;
      return this.parseNumberAt(at, length);
    }
    return undefined;
  }

  /** Next position >= `from` of a backslash (cached), or the text length. */
  nextBackslash(from: number): number {
    if (this.backslashAt < from) {
      const found = this.text.indexOf("\\", from);
      this.backslashAt = found < 0 ? this.text.length : found;
    }
    return this.backslashAt;
  }

  /** Next position >= `from` of a NUL byte (cached), or the text length. */
  nextNul(from: number): number {
    if (this.nulAt < from) {
      const found = this.text.indexOf("\0", from);
      this.nulAt = found < 0 ? this.text.length : found;
    }
    return this.nulAt;
  }

  parseString(expected = "value"): string {
    const text = this.text;
    let pos = this.pos + 1;
    // Fast path: no escape before the closing quote.
    const quote = text.indexOf('"', pos);
    if (
      quote >= 0 && this.nextBackslash(pos) > quote && this.nextNul(pos) > quote
    ) {
      this.pos = quote + 1;
      return text.slice(pos, quote);
    }
    let start = pos;
    let parts: string[] | undefined;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c !== c || c === 0) {
        this.pos = pos;
        this.error(expected, "unexpected end of string", pos);
      }
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      parts ??= [];
      if (pos > start) parts.push(text.slice(start, pos));
      const escape = text.charCodeAt(pos + 1);
      let decoded: string;
      let length = 2;
      switch (escape) {
        case 0x22:
          decoded = '"';
          break;
        case 0x5c:
          decoded = "\\";
          break;
        case 0x2f:
          decoded = "/";
          break;
        case 0x62:
          decoded = "\b";
          break;
        case 0x66:
          decoded = "\f";
          break;
        case 0x6e:
          decoded = "\n";
          break;
        case 0x72:
          decoded = "\r";
          break;
        case 0x74:
          decoded = "\t";
          break;
        case 0x75: {
          const unit = hex4(text, pos + 2);
          let codepoint = unit;
          length = 6;
          if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff)) codepoint = -1;
          else if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = text.charCodeAt(pos + 6) === 0x5c &&
                text.charCodeAt(pos + 7) === 0x75
              ? hex4(text, pos + 8)
              : -1;
            if (low >= 0xdc00 && low <= 0xdfff) {
              codepoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
              length = 12;
            } else codepoint = -1;
          }
          if (codepoint < 0) {
            this.pos = pos;
            this.error(expected, "invalid unicode escape code", pos);
          }
          decoded = utf8(codepoint);
          break;
        }
        default:
          this.pos = pos;
          this.error(expected, "invalid escape code", pos);
      }
      parts.push(decoded);
      pos += length;
      start = pos;
    }
    this.pos = pos + 1;
    if (parts === undefined) return text.slice(start, pos);
    if (pos > start) parts.push(text.slice(start, pos));
    return parts.join("");
  }

  enter(at: number): void {
    this.depth++;
    if (this.depth > this.config.decodeMaxDepth) {
      fail(
        `Found too many nested data structures (${this.depth}) at character ${
          at + 1
        }`,
      );
    }
  }

  parseValue(): LuaValue {
    this.skipSpace();
    const text = this.text;
    const at = this.pos;
    const c = text.charCodeAt(at);
    if (c === 0x22) return this.parseString();
    if (c === 0x7b) return this.parseObject(at);
    if (c === 0x5b) return this.parseArray(at);
    const value = this.parseScalar();
    if (value === undefined) this.unexpected("value");
    return value;
  }

  parseArray(at: number): LuaTable {
    this.enter(at);
    this.pos++;
    const table = new LuaTable();
    const array = table.array;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return table;
    }
    for (;;) {
      // Values are never nil (null is the sentinel), so push straight on.
      array.push(this.parseValue());
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        break;
      }
      this.unexpected("comma or array end");
    }
    this.depth--;
    return table;
  }

  parseObject(at: number): LuaTable {
    this.enter(at);
    this.pos++;
    const table = new LuaTable();
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return table;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x22) {
        this.unexpected("object key string");
      }
      const key = this.parseString("object key string");
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.unexpected("colon");
      this.pos++;
      const value = this.parseValue();
      // String keys always live in the hash part; a repeated key overwrites.
      table.hash.set(key, value);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        break;
      }
      this.unexpected("comma or object end");
    }
    this.depth--;
    return table;
  }

  parseDocument(): LuaValue {
    const value = this.parseValue();
    this.skipSpace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) !== 0) {
      this.unexpected("the end");
    }
    return value;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x57;
  return -1;
}

function hex4(text: string, at: number): number {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const digit = hexDigit(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function parseHexFloat(body: string): number {
  const [mantissa, exponent] = body.split("p");
  const [whole, fraction = ""] = mantissa.split(".");
  let value = whole === "" ? 0 : parseInt(whole, 16);
  for (let i = 0; i < fraction.length; i++) {
    value += parseInt(fraction[i], 16) / 16 ** (i + 1);
  }
  return exponent === undefined ? value : value * 2 ** Number(exponent);
}

function utf8(codepoint: number): string {
  if (codepoint < 0x80) return String.fromCharCode(codepoint);
  if (codepoint < 0x800) {
    return String.fromCharCode(
      0xc0 | (codepoint >> 6),
      0x80 | (codepoint & 0x3f),
    );
  }
  if (codepoint < 0x10000) {
    return String.fromCharCode(
      0xe0 | (codepoint >> 12),
      0x80 | ((codepoint >> 6) & 0x3f),
      0x80 | (codepoint & 0x3f),
    );
  }
  return String.fromCharCode(
    0xf0 | (codepoint >> 18),
    0x80 | ((codepoint >> 12) & 0x3f),
    0x80 | ((codepoint >> 6) & 0x3f),
    0x80 | (codepoint & 0x3f),
  );
}

// ---------------------------------------------------------------- library

/** Encodes a Lua value as JSON text with the default configuration. */
export function cjsonEncode(value: LuaValue): string {
  const out: string[] = [];
  encodeValue(defaultConfig(), value, 0, out);
  return out.join("");
}

/** Decodes JSON text with the default configuration. */
export function cjsonDecode(text: string): LuaValue {
  return new Parser(defaultConfig(), text).parseDocument();
}

function buildLibrary(): LuaTable {
  const config = defaultConfig();
  const functions: Record<string, NativeFunction> = {
    encode(_L: LuaRuntime, args) {
      if (args.length !== 1) throw argError(0, "encode", "expected 1 argument");
      const out: string[] = [];
      encodeValue(config, args[0], 0, out);
      return [out.join("")];
    },
    decode(_L: LuaRuntime, args) {
      if (args.length !== 1) throw argError(0, "decode", "expected 1 argument");
      const text = checkString(args, 0, "decode");
      if (
        text.length >= 2 &&
        (text.charCodeAt(0) === 0 || text.charCodeAt(1) === 0)
      ) {
        fail("JSON parser does not support UTF-16 or UTF-32");
      }
      return [new Parser(config, text).parseDocument()];
    },
    encode_sparse_array(_L, args) {
      const fname = "encode_sparse_array";
      checkArgCount(args, 3, fname);
      const convert = enumOption(args, 0, fname, false);
      if (convert !== undefined) config.encodeSparseConvert = convert === 1;
      config.encodeSparseRatio = integerOption(
        args,
        1,
        fname,
        0,
        2147483647,
        config.encodeSparseRatio,
      );
      config.encodeSparseSafe = integerOption(
        args,
        2,
        fname,
        0,
        2147483647,
        config.encodeSparseSafe,
      );
      return [
        config.encodeSparseConvert,
        config.encodeSparseRatio,
        config.encodeSparseSafe,
      ];
    },
    encode_max_depth(_L, args) {
      checkArgCount(args, 1, "encode_max_depth");
      config.encodeMaxDepth = integerOption(
        args,
        0,
        "encode_max_depth",
        1,
        2147483647,
        config.encodeMaxDepth,
      );
      return [config.encodeMaxDepth];
    },
    decode_max_depth(_L, args) {
      checkArgCount(args, 1, "decode_max_depth");
      config.decodeMaxDepth = integerOption(
        args,
        0,
        "decode_max_depth",
        1,
        2147483647,
        config.decodeMaxDepth,
      );
      return [config.decodeMaxDepth];
    },
    encode_number_precision(_L, args) {
      checkArgCount(args, 1, "encode_number_precision");
      config.encodePrecision = integerOption(
        args,
        0,
        "encode_number_precision",
        1,
        14,
        config.encodePrecision,
      );
      return [config.encodePrecision];
    },
    encode_keep_buffer(_L, args) {
      checkArgCount(args, 1, "encode_keep_buffer");
      const value = enumOption(args, 0, "encode_keep_buffer", false);
      if (value !== undefined) config.encodeKeepBuffer = value === 1;
      return [config.encodeKeepBuffer];
    },
    encode_invalid_numbers(_L, args) {
      checkArgCount(args, 1, "encode_invalid_numbers");
      const value = enumOption(args, 0, "encode_invalid_numbers", true);
      if (value !== undefined) {
        config.encodeInvalidNumbers = value === 2 ? "null" : value === 1;
      }
      const current = config.encodeInvalidNumbers;
      return [current === "null" ? "null" : current];
    },
    decode_invalid_numbers(_L, args) {
      checkArgCount(args, 1, "decode_invalid_numbers");
      const value = enumOption(args, 0, "decode_invalid_numbers", false);
      if (value !== undefined) config.decodeInvalidNumbers = value === 1;
      return [config.decodeInvalidNumbers];
    },
    new() {
      return [buildLibrary()];
    },
  };
  const table = new LuaTable();
  for (const [name, native] of Object.entries(functions)) {
    table.set(name, nativeFunction(name, native));
  }
  table.set("null", CJSON_NULL);
  table.set("_NAME", "cjson");
  table.set("_VERSION", "2.1.0");
  return table;
}

/**
 * The `cjson` table: encode, decode, the configuration functions, `new`
 * (an independent instance with its own configuration), `null`
 * ({@linkcode CJSON_NULL}), `_NAME` and `_VERSION`.
 */
export function cjsonLibrary(): LuaTable {
  return buildLibrary();
}
