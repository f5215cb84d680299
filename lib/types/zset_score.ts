/**
 * Score parsing and formatting for sorted sets with the C library's rules
 * that Redis relies on: strtod for scores and ranges, "%.17g" for replies,
 * and the range syntax of ZRANGEBYSCORE and ZRANGEBYLEX.
 *
 * @module
 */

import {
  LEX_MAX,
  LEX_MIN,
  type LexRange,
  type ScoreRange,
} from "./skiplist.ts";

/** Result of {@linkcode strtod}: the value, where parsing stopped, ERANGE. */
export interface StrtodResult {
  /** The parsed number. */
  value: number;
  /** Index just past the parsed text; equals `start` when nothing parsed. */
  end: number;
  /** True where glibc's strtod sets errno to ERANGE (overflow, underflow). */
  erange: boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** mantissa * 2^exponent rounded to the nearest double (ties to even). */
function scaleBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  const bits = mantissa.toString(2).length;
  const top = exponent + bits - 1;
  if (top > 1023) return Infinity;
  let precision = 53;
  if (top < -1022) precision = 53 - (-1022 - top);
  if (precision <= 0) {
    // Below half the smallest subnormal, or rounding up to it.
    if (precision === 0 && mantissa > 1n << BigInt(bits - 1)) {
      return 2 ** -1074;
    }
    return 0;
  }
  const shift = bits - precision;
  if (shift > 0) {
    const big = BigInt(shift);
    const kept = mantissa >> big;
    const rest = mantissa - (kept << big);
    const half = 1n << (big - 1n);
    let rounded = kept;
    if (rest > half || (rest === half && (kept & 1n) === 1n)) rounded++;
    mantissa = rounded;
    exponent += shift;
  }
  return Number(mantissa) * 2 ** (exponent + 600) * 2 ** -600;
}

/**
 * C's strtod on a binary string from `start`: leading white space, a sign,
 * decimal or hexadecimal notation, "inf", "infinity", "nan" and "nan(...)".
 */
export function strtod(s: string, start = 0): StrtodResult {
  const n = s.length;
  let i = start;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === "+" || s[i] === "-") {
    negative = s[i] === "-";
    i++;
  }
  const sign = negative ? -1 : 1;
  const word = s.slice(i, i + 8).toLowerCase();
  if (word.startsWith("inf")) {
    const end = i + (word === "infinity" ? 8 : 3);
    return { value: sign * Infinity, end, erange: false };
  }
  if (word.startsWith("nan")) {
    let end = i + 3;
    if (s[end] === "(") {
      let j = end + 1;
      while (j < n && /[0-9A-Za-z_]/.test(s[j])) j++;
      if (s[j] === ")") end = j + 1;
    }
    return { value: NaN, end, erange: false };
  }
  if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X")) {
    return hexStrtod(s, i, sign);
  }
  let j = i;
  let digits = 0;
  let nonZero = false;
  while (j < n && isDigit(s.charCodeAt(j))) {
    if (s[j] !== "0") nonZero = true;
    j++;
    digits++;
  }
  if (s[j] === ".") {
    j++;
    while (j < n && isDigit(s.charCodeAt(j))) {
      if (s[j] !== "0") nonZero = true;
      j++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, erange: false };
  if (s[j] === "e" || s[j] === "E") {
    let k = j + 1;
    if (s[k] === "+" || s[k] === "-") k++;
    if (k < n && isDigit(s.charCodeAt(k))) {
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  let text = s.slice(i, j);
  if (text.startsWith(".")) text = "0" + text;
  const magnitude = Number(text.replace(/\.(?=[eE]|$)/, ""));
  // glibc reports ERANGE for overflow and for results that underflow to
  // zero or to a subnormal.
  const erange = magnitude === Infinity || (magnitude === 0 && nonZero) ||
    (magnitude !== 0 && magnitude < 2.2250738585072014e-308);
  return { value: sign * magnitude, end: j, erange };
}

function hexStrtod(s: string, i: number, sign: number): StrtodResult {
  let j = i + 2;
  let mantissa = 0n;
  let exponent = 0;
  let digits = 0;
  let nonZero = false;
  while (hexValue(s.charCodeAt(j)) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(j)));
    j++;
    digits++;
  }
  if (s[j] === ".") {
    j++;
    while (hexValue(s.charCodeAt(j)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(j)));
      exponent -= 4;
      j++;
      digits++;
    }
  }
  // "0x" without digits parses as the "0" alone.
  if (digits === 0) return { value: sign * 0, end: i + 1, erange: false };
  if (mantissa !== 0n) nonZero = true;
  if (s[j] === "p" || s[j] === "P") {
    let k = j + 1;
    let expSign = 1;
    if (s[k] === "+" || s[k] === "-") {
      expSign = s[k] === "-" ? -1 : 1;
      k++;
    }
    if (isDigit(s.charCodeAt(k))) {
      let e = 0;
      while (isDigit(s.charCodeAt(k))) {
        e = Math.min(e * 10 + s.charCodeAt(k) - 48, 1e6);
        k++;
      }
      exponent += expSign * e;
      j = k;
    }
  }
  const magnitude = scaleBinary(mantissa, exponent);
  const erange = magnitude === Infinity || (magnitude === 0 && nonZero);
  return { value: sign * magnitude, end: j, erange };
}

/** Parses one bound of a score range: "(" for exclusive, as zslParseRange. */
function parseScoreBound(text: string): { value: number; ex: boolean } | null {
  const ex = text.startsWith("(");
  const start = ex ? 1 : 0;
  const r = strtod(text, start);
  // Redis checks only for the terminating NUL, so text after one is ignored.
  const stop = text.indexOf("\0", start);
  const end = stop < 0 ? text.length : stop;
  if (r.end !== end || Number.isNaN(r.value)) return null;
  return { value: r.value, ex };
}

/** Parses ZRANGEBYSCORE-style min and max; null when either is invalid. */
export function parseScoreRange(
  min: string,
  max: string,
): ScoreRange | null {
  const lo = parseScoreBound(min);
  const hi = parseScoreBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

function parseLexBound(
  text: string,
): { value: LexRange["min"]; ex: boolean } | null {
  const single = text.length === 1 || text.charCodeAt(1) === 0;
  switch (text[0]) {
    case "+":
      return single ? { value: LEX_MAX, ex: true } : null;
    case "-":
      return single ? { value: LEX_MIN, ex: true } : null;
    case "(":
      return { value: text.slice(1), ex: true };
    case "[":
      return { value: text.slice(1), ex: false };
    default:
      return null;
  }
}

/** Parses ZRANGEBYLEX-style min and max; null when either is invalid. */
export function parseLexRange(min: string, max: string): LexRange | null {
  const lo = parseLexBound(min);
  const hi = parseLexBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}
