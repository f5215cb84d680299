/**
 * Lua 5.1's `string` library as Redis 7.0 ships it, over byte strings.
 *
 * @module
 */

import {
  argError,
  checkInteger,
  checkNumber,
  checkString,
  libraryTable,
  LuaError,
  LuaFunction,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
  nativeFunction,
  numberToString,
  optInteger,
  typeName,
} from "./value.ts";
import {
  type Capture,
  isPlainPattern,
  PatternMatcher,
  search,
} from "./lua_pattern.ts";

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

/** Lua 5.1's relative string position: negative counts from the end. */
function relativePosition(position: number, length: number): number {
  if (position < 0) position += length + 1;
  return position >= 0 ? position : 0;
}

function isTruthy(value: LuaValue): boolean {
  return value !== undefined && value !== false;
}

function repeat(text: string, count: number): string {
  if (count <= 0 || text.length === 0) return "";
  try {
    return text.repeat(count);
  } catch {
    fail("not enough memory");
  }
}

function sub(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const s = checkString(args, 0, "sub");
  const length = s.length;
  let start = relativePosition(checkInteger(args, 1, "sub"), length);
  let end = relativePosition(optInteger(args, 2, "sub", -1), length);
  if (start < 1) start = 1;
  if (end > length) end = length;
  return [start <= end ? s.slice(start - 1, end) : ""];
}

function byte(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const s = checkString(args, 0, "byte");
  const length = s.length;
  let first = relativePosition(optInteger(args, 1, "byte", 1), length);
  let last = relativePosition(optInteger(args, 2, "byte", first), length);
  if (first <= 0) first = 1;
  if (last > length) last = length;
  if (first > last) return [];
  if (last - first >= 1_000_000) fail("string slice too long");
  const result: LuaValue[] = [];
  for (let i = first; i <= last; i++) result.push(s.charCodeAt(i - 1));
  return result;
}

function char(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  let result = "";
  for (let i = 0; i < args.length; i++) {
    const c = checkInteger(args, i, "char");
    if (!(c >= 0 && c <= 255)) throw argError(i, "char", "invalid value");
    result += String.fromCharCode(c);
  }
  return [result];
}

function changeCase(s: string, upper: boolean): string {
  let result = "";
  const low = upper ? 97 : 65;
  const delta = upper ? -32 : 32;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= low && c < low + 26) {
      result += s.slice(from, i) + String.fromCharCode(c + delta);
      from = i + 1;
    }
  }
  return from === 0 ? s : result + s.slice(from);
}

function reverse(s: string): string {
  let result = "";
  for (let i = s.length - 1; i >= 0; i--) result += s[i];
  return result;
}

function find(args: LuaValue[], fname: string, isFind: boolean): LuaValue[] {
  const s = checkString(args, 0, fname);
  const pattern = checkString(args, 1, fname);
  let init = relativePosition(optInteger(args, 2, fname, 1), s.length) - 1;
  if (init < 0) init = 0;
  else if (init > s.length) init = s.length;
  if (isFind && (isTruthy(args[3]) || isPlainPattern(pattern))) {
    const index = s.indexOf(pattern, init);
    return index < 0 ? [undefined] : [index + 1, index + pattern.length];
  }
  const result = search(s, pattern, init);
  if (result === undefined) return [undefined];
  if (isFind) return [result.start + 1, result.end, ...result.captures];
  return result.captures.length === 0
    ? [s.slice(result.start, result.end)]
    : result.captures;
}

function gmatch(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const s = checkString(args, 0, "gmatch");
  const pattern = checkString(args, 1, "gmatch");
  const matcher = new PatternMatcher(s, pattern, false);
  let position = 0;
  const iterator = nativeFunction("gmatch_aux", () => {
    for (let start = position; start <= s.length; start++) {
      const end = matcher.matchAt(start);
      if (end !== -1) {
        position = end === start ? end + 1 : end;
        return matcher.captures(start, end, true);
      }
    }
    position = s.length + 1;
    return [];
  });
  return [iterator];
}

function captureText(value: Capture): string {
  return typeof value === "number" ? numberToString(value) : value;
}

function gsub(L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const src = checkString(args, 0, "gsub");
  const pattern = checkString(args, 1, "gsub");
  const replacement = args[2];
  const kind = typeof replacement;
  if (
    !(kind === "number" || kind === "string" ||
      replacement instanceof LuaFunction || replacement instanceof LuaTable)
  ) {
    throw argError(2, "gsub", "string/function/table expected");
  }
  const maxCount = optInteger(args, 3, "gsub", src.length + 1);
  const template = kind === "number"
    ? numberToString(replacement as number)
    : replacement as string;
  const matcher = new PatternMatcher(src, pattern, true);
  const parts: string[] = [];
  let s = 0;
  let count = 0;
  while (count < maxCount) {
    const e = matcher.matchAt(s);
    if (e !== -1) {
      count++;
      parts.push(replace(L, matcher, s, e, replacement, template));
    }
    if (e !== -1 && e > s) s = e;
    else if (s < src.length) parts.push(src[s++]);
    else break;
    if (matcher.anchored) break;
  }
  parts.push(src.slice(s));
  return [parts.join(""), count];
}

function replace(
  L: LuaRuntime,
  matcher: PatternMatcher,
  s: number,
  e: number,
  replacement: LuaValue,
  template: string,
): string {
  let value: LuaValue;
  if (replacement instanceof LuaFunction) {
    value = L.call(replacement, matcher.captures(s, e, true))[0];
  } else if (replacement instanceof LuaTable) {
    value = L.index(replacement, matcher.capture(0, s, e));
  } else {
    let result = "";
    for (let i = 0; i < template.length; i++) {
      const c = template[i];
      if (c !== "%") {
        result += c;
        continue;
      }
      i++;
      const d = i < template.length ? template[i] : "\0";
      if (d < "0" || d > "9") result += d;
      else if (d === "0") result += matcher.src.slice(s, e);
      else result += captureText(matcher.capture(d.charCodeAt(0) - 49, s, e));
    }
    return result;
  }
  if (!isTruthy(value)) return matcher.src.slice(s, e);
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToString(value);
  fail(`invalid replacement value (a ${typeName(value)})`);
}

// ---- string.format ----

interface Spec {
  flags: string;
  width: number;
  precision: number | undefined;
}

function pad(text: string, spec: Spec, zeroPadAllowed: boolean): string {
  if (text.length >= spec.width) return text;
  const missing = spec.width - text.length;
  if (spec.flags.includes("-")) return text + " ".repeat(missing);
  if (zeroPadAllowed && spec.flags.includes("0")) {
    const signLength = /^[+\- ]/.test(text) ? 1 : /^0[xX]/.test(text) ? 2 : 0;
    return text.slice(0, signLength) + "0".repeat(missing) +
      text.slice(signLength);
  }
  return " ".repeat(missing) + text;
}

const TWO63 = 2 ** 63;

/** C's `(long)x` on x86-64: out of range and NaN give LONG_MIN. */
function toLong(x: number): bigint {
  if (x >= -TWO63 && x < TWO63) return BigInt(Math.trunc(x));
  return -(1n << 63n);
}

/** gcc's `(unsigned long)x` on x86-64. */
function toUnsignedLong(x: number): bigint {
  if (x >= TWO63) {
    return x < 2 ** 64 ? BigInt(x) : 0n;
  }
  return BigInt.asUintN(64, toLong(x));
}

function formatInteger(value: bigint, conversion: string, spec: Spec): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const radix = conversion === "o"
    ? 8
    : conversion === "x" || conversion === "X"
    ? 16
    : 10;
  let digits = magnitude.toString(radix);
  if (conversion === "X") digits = digits.toUpperCase();
  if (spec.precision !== undefined) {
    if (spec.precision === 0 && magnitude === 0n) digits = "";
    digits = digits.padStart(spec.precision, "0");
  }
  let prefix = "";
  if (spec.flags.includes("#")) {
    if (conversion === "o" && !digits.startsWith("0")) digits = "0" + digits;
    if ((conversion === "x" || conversion === "X") && magnitude !== 0n) {
      prefix = conversion === "x" ? "0x" : "0X";
    }
  }
  if (conversion === "d" || conversion === "i") {
    if (negative) prefix = "-";
    else if (spec.flags.includes("+")) prefix = "+";
    else if (spec.flags.includes(" ")) prefix = " ";
  }
  return pad(prefix + digits, spec, spec.precision === undefined);
}

/** The exact decimal value of a finite double: |x| = digits * 10^-scale. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = high >>> 20;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** Divides by 10^k rounding half to even. */
function roundDivide(value: bigint, k: number): bigint {
  if (k <= 0) return value * 10n ** BigInt(-k);
  const divisor = 10n ** BigInt(k);
  const quotient = value / divisor;
  const twice = (value % divisor) * 2n;
  if (twice > divisor || (twice === divisor && (quotient & 1n) === 1n)) {
    return quotient + 1n;
  }
  return quotient;
}

function fixedDigits(x: number, precision: number): string {
  const { digits, scale } = exactDecimal(x);
  const n = roundDivide(digits, scale - precision).toString();
  if (precision === 0) return n;
  const padded = n.padStart(precision + 1, "0");
  return padded.slice(0, padded.length - precision) + "." +
    padded.slice(padded.length - precision);
}

/** `precision + 1` significant digits and the decimal exponent. */
function exponentialParts(
  x: number,
  precision: number,
): { digits: string; exponent: number } {
  if (x === 0) return { digits: "0".repeat(precision + 1), exponent: 0 };
  const { digits, scale } = exactDecimal(x);
  const length = digits.toString().length;
  let exponent = length - 1 - scale;
  let rounded = roundDivide(digits, length - precision - 1).toString();
  if (rounded.length > precision + 1) {
    rounded = rounded.slice(0, precision + 1);
    exponent++;
  }
  return { digits: rounded, exponent };
}

function exponentialText(
  digits: string,
  exponent: number,
  upper: boolean,
  alternate: boolean,
): string {
  let mantissa = digits[0];
  if (digits.length > 1 || alternate) mantissa += "." + digits.slice(1);
  const power = String(Math.abs(exponent)).padStart(2, "0");
  return `${mantissa}${upper ? "E" : "e"}${exponent < 0 ? "-" : "+"}${power}`;
}

function stripZeros(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/\.?0+$/, "");
}

function formatFloat(x: number, conversion: string, spec: Spec): string {
  const upper = conversion === "E" || conversion === "G";
  const alternate = spec.flags.includes("#");
  const negative = x < 0 || Object.is(x, -0) || x !== x;
  const sign = negative
    ? "-"
    : spec.flags.includes("+")
    ? "+"
    : spec.flags.includes(" ")
    ? " "
    : "";
  if (!Number.isFinite(x)) {
    const text = x !== x ? "nan" : "inf";
    return pad(sign + (upper ? text.toUpperCase() : text), spec, false);
  }
  const precision = spec.precision ?? 6;
  let body: string;
  if (conversion === "f") {
    body = fixedDigits(x, precision);
    if (alternate && precision === 0) body += ".";
  } else if (conversion === "e" || conversion === "E") {
    const parts = exponentialParts(x, precision);
    body = exponentialText(parts.digits, parts.exponent, upper, alternate);
  } else {
    const p = precision === 0 ? 1 : precision;
    const parts = exponentialParts(x, p - 1);
    if (parts.exponent < p && parts.exponent >= -4) {
      body = fixedDigits(x, p - 1 - parts.exponent);
      if (alternate) {
        if (!body.includes(".")) body += ".";
      } else {
        body = stripZeros(body);
      }
    } else {
      let digits = parts.digits;
      if (!alternate) digits = digits.replace(/0+$/, "") || "0";
      body = exponentialText(digits, parts.exponent, upper, alternate);
    }
  }
  return pad(sign + body, spec, true);
}

function quoted(s: string): string {
  let result = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    let escape: string | undefined;
    if (c === '"' || c === "\\" || c === "\n") escape = "\\" + c;
    else if (c === "\r") escape = "\\r";
    else if (c === "\0") escape = "\\000";
    if (escape !== undefined) {
      result += s.slice(from, i) + escape;
      from = i + 1;
    }
  }
  return result + s.slice(from) + '"';
}

function isDigitChar(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function format(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const template = checkString(args, 0, "format");
  const out: string[] = [];
  let argument = 0;
  let i = 0;
  while (i < template.length) {
    const c = template[i++];
    if (c !== "%") {
      out.push(c);
      continue;
    }
    if (template[i] === "%") {
      out.push("%");
      i++;
      continue;
    }
    if (++argument >= args.length) {
      throw argError(argument, "format", "no value");
    }
    // The specification: flags, at most two width digits, then an optional
    // precision of at most two digits.
    const flagsStart = i;
    while (i < template.length && "-+ #0".includes(template[i])) i++;
    const flags = template.slice(flagsStart, i);
    if (flags.length >= 6) fail("invalid format (repeated flags)");
    const widthStart = i;
    if (isDigitChar(template[i])) i++;
    if (isDigitChar(template[i])) i++;
    const width = i > widthStart ? Number(template.slice(widthStart, i)) : 0;
    let precision: number | undefined;
    if (template[i] === ".") {
      i++;
      const precisionStart = i;
      if (isDigitChar(template[i])) i++;
      if (isDigitChar(template[i])) i++;
      precision = Number(template.slice(precisionStart, i) || "0");
    }
    if (isDigitChar(template[i])) {
      fail("invalid format (width or precision too long)");
    }
    const spec: Spec = { flags, width, precision };
    const conversion = template[i++];
    switch (conversion) {
      case "c": {
        const code = Number(
          BigInt.asUintN(8, toLong(checkNumber(args, argument, "format"))),
        );
        // C builds the piece with sprintf and appends it up to its first NUL.
        const text = pad(String.fromCharCode(code), spec, false);
        const nul = text.indexOf("\0");
        out.push(nul < 0 ? text : text.slice(0, nul));
        break;
      }
      case "d":
      case "i":
        out.push(
          formatInteger(
            toLong(checkNumber(args, argument, "format")),
            conversion,
            spec,
          ),
        );
        break;
      case "o":
      case "u":
      case "x":
      case "X":
        out.push(
          formatInteger(
            toUnsignedLong(checkNumber(args, argument, "format")),
            conversion,
            spec,
          ),
        );
        break;
      case "e":
      case "E":
      case "f":
      case "g":
      case "G":
        out.push(
          formatFloat(checkNumber(args, argument, "format"), conversion, spec),
        );
        break;
      case "q":
        out.push(quoted(checkString(args, argument, "format")));
        break;
      case "s": {
        const s = checkString(args, argument, "format");
        if (precision === undefined && s.length >= 100) {
          out.push(s);
          break;
        }
        // sprintf stops at the first NUL byte.
        const nul = s.indexOf("\0");
        let text = nul < 0 ? s : s.slice(0, nul);
        if (precision !== undefined) text = text.slice(0, precision);
        out.push(pad(text, spec, false));
        break;
      }
      default:
        fail(
          `invalid option '%${conversion ?? ""}' to 'format'`,
        );
    }
  }
  return [out.join("")];
}

/** Builds Redis 7.0's `string` table (Lua 5.1's string library). */
export function stringLibrary(): LuaTable {
  const gmatchFunction = nativeFunction("gmatch", gmatch);
  const table = libraryTable({
    byte,
    char,
    dump(_L, args) {
      if (!(args[0] instanceof LuaFunction)) {
        const got = args.length === 0 ? "no value" : typeName(args[0]);
        throw argError(0, "dump", `function expected, got ${got}`);
      }
      fail("unable to dump given function");
    },
    find: (_L, args) => find(args, "find", true),
    format,
    gsub,
    len: (_L, args) => [checkString(args, 0, "len").length],
    lower: (_L, args) => [changeCase(checkString(args, 0, "lower"), false)],
    match: (_L, args) => find(args, "match", false),
    rep: (_L, args) => [
      repeat(checkString(args, 0, "rep"), checkInteger(args, 1, "rep")),
    ],
    reverse: (_L, args) => [reverse(checkString(args, 0, "reverse"))],
    sub,
    upper: (_L, args) => [changeCase(checkString(args, 0, "upper"), true)],
  });
  table.set("gmatch", gmatchFunction);
  table.set("gfind", gmatchFunction);
  return table;
}
