/**
 * Number parsing and formatting with Redis's rules.
 *
 * @module
 */

import { bytesToString, scratchBytes } from "./bytes.ts";

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Parses a signed 64-bit decimal integer the way Redis's string2ll does: an
 * optional "-", no "+", no leading zeros or spaces, at most 20 characters.
 * Returns a bigint, or null when the text is not such an integer.
 */
export function parseInt64(bytes: Uint8Array): bigint | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (n === 1 && bytes[0] === 48) return 0n;
  if (bytes[0] === 45) {
    i = 1;
    if (n === 1) return null;
  }
  if (bytes[i] < 49 || bytes[i] > 57) return null;
  let small = 0;
  for (let j = i; j < n; j++) {
    const d = bytes[j] - 48;
    if (d < 0 || d > 9) return null;
    small = small * 10 + d;
  }
  if (small <= Number.MAX_SAFE_INTEGER) {
    return BigInt(i === 1 ? -small : small);
  }
  const value = BigInt(bytesToString(bytes));
  return value > INT64_MAX || value < INT64_MIN ? null : value;
}

/**
 * Parses a 64-bit integer (Redis's string2ll rules) into a number. Values
 * beyond 2^53 are rounded to the nearest double, which is harmless for
 * counts, indexes and times that are range-checked. Returns null when
 * invalid or out of range.
 */
export function parseInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  // Longer texts may exceed 2^53: parse them exactly, then round once.
  if (n > 15) {
    const exact = parseInt64(bytes);
    return exact === null ? null : Number(exact);
  }
  if (n === 0) return null;
  if (n === 1 && bytes[0] === 48) return 0;
  let i = 0;
  if (bytes[0] === 45) {
    i = 1;
    if (n === 1) return null;
  }
  if (bytes[i] < 49 || bytes[i] > 57) return null;
  let value = 0;
  for (let j = i; j < n; j++) {
    const d = bytes[j] - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  return i === 1 ? -value : value;
}

/**
 * {@linkcode parseInteger} of a binary string (a stored value), read in
 * place: copying a short text into bytes first costs more than parsing it.
 */
export function parseIntegerText(text: string): number | null {
  const n = text.length;
  if (n > 15 || n === 0) {
    return n === 0 ? null : parseInteger(scratchBytes(text));
  }
  if (n === 1 && text.charCodeAt(0) === 48) return 0;
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    i = 1;
    if (n === 1) return null;
  }
  const first = text.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  let value = 0;
  for (let j = i; j < n; j++) {
    const d = text.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  return i === 1 ? -value : value;
}

/** Upper bound of a signed 64-bit integer, as a bigint. */
export const LLONG_MAX: bigint = INT64_MAX;
/** Lower bound of a signed 64-bit integer, as a bigint. */
export const LLONG_MIN: bigint = INT64_MIN;

/**
 * A value of C's `long double` on x86-64 (the x87 80-bit extended type: a
 * 64-bit mantissa and a 15-bit exponent), which Redis uses for INCRBYFLOAT
 * and HINCRBYFLOAT. A finite value is `mantissa * 2^exponent`.
 */
export interface LongDouble {
  /** "finite", "inf" (infinite, signed by `negative`) or "nan". */
  readonly kind: "finite" | "inf" | "nan";
  /** Sign; also set for negative zero. */
  readonly negative: boolean;
  /** Magnitude's mantissa (non-negative; 0n for zero). */
  readonly mantissa: bigint;
  /** Power of two the mantissa is scaled by. */
  readonly exponent: number;
}

/** Shape of a binary floating-point type, for correctly rounded results. */
interface FloatFormat {
  /** Mantissa bits. */
  readonly precision: number;
  /** Exponent of the least significant bit of the smallest subnormal. */
  readonly minExponent: number;
  /** Finite values are below 2^maxExponent. */
  readonly maxExponent: number;
  /** Decimal magnitudes from 10^overflowDigits up overflow. */
  readonly overflowDigits: number;
  /** Decimal magnitudes below 10^underflowDigits round to zero. */
  readonly underflowDigits: number;
}

const EXTENDED: FloatFormat = {
  precision: 64,
  minExponent: -16445,
  maxExponent: 16384,
  overflowDigits: 4934,
  underflowDigits: -4952,
};

const BINARY64: FloatFormat = {
  precision: 53,
  minExponent: -1074,
  maxExponent: 1024,
  overflowDigits: 310,
  underflowDigits: -325,
};

/** string2ld refuses inputs of MAX_LONG_DOUBLE_CHARS (5k) bytes or more. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const DECIMAL_RE = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_RE =
  /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;

function finite(
  negative: boolean,
  mantissa: bigint,
  exponent: number,
): LongDouble {
  return { kind: "finite", negative, mantissa, exponent };
}

function infinity(negative: boolean): LongDouble {
  return { kind: "inf", negative, mantissa: 0n, exponent: 0 };
}

const NAN: LongDouble = {
  kind: "nan",
  negative: false,
  mantissa: 0n,
  exponent: 0,
};

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds `mantissa * 2^exponent` (plus a non-zero fraction of its last unit
 * when `sticky`) to the nearest value of `format`, ties to even, as the FPU
 * does. Callers passing `sticky` supply at least precision + 2 bits so that
 * the unknown low part lies wholly below the rounding point.
 */
function round(
  negative: boolean,
  mantissa: bigint,
  exponent: number,
  sticky: boolean,
  format: FloatFormat,
): LongDouble {
  if (mantissa === 0n) return finite(negative, 0n, 0);
  let m = mantissa;
  let e = exponent;
  let lsb = Math.max(e + bitLength(m) - format.precision, format.minExponent);
  if (lsb > e) {
    const shift = BigInt(lsb - e);
    let q = m >> shift;
    const rest = m - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) {
      q += 1n;
      if (q >> BigInt(format.precision) !== 0n) {
        q >>= 1n;
        lsb++;
      }
    }
    m = q;
    e = lsb;
  }
  if (m !== 0n && e + bitLength(m) > format.maxExponent) {
    return infinity(negative);
  }
  return finite(negative, m, e);
}

/** Exact decimal `digits * 10^exp10`, rounded to `format`. */
function decimalToBinary(
  negative: boolean,
  digits: string,
  exp10: number,
  format: FloatFormat,
): LongDouble {
  const d = BigInt(digits);
  if (exp10 >= 0) {
    return round(negative, d * 10n ** BigInt(exp10), 0, false, format);
  }
  const q = 10n ** BigInt(-exp10);
  const shift = Math.max(
    0,
    format.precision + 3 + bitLength(q) - bitLength(d),
  );
  const scaled = d << BigInt(shift);
  const quotient = scaled / q;
  return round(negative, quotient, -shift, scaled % q !== 0n, format);
}

/** Exact hexadecimal `digits * 2^exp2`, rounded to `format`. */
function hexToBinary(
  negative: boolean,
  digits: string,
  exp2: number,
  format: FloatFormat,
): LongDouble {
  return round(negative, BigInt("0x" + digits), exp2, false, format);
}

/** Clamps an exponent's digits to a range wide enough to overflow anything. */
function exponentValue(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  return Math.max(-1e8, Math.min(1e8, value));
}

/**
 * strtold/strtod on the whole text: a decimal or hexadecimal number,
 * "inf" or "infinity". Returns null for anything else (NaN included), and
 * for results that overflow or underflow to zero (strtold's ERANGE cases
 * Redis refuses).
 */
function parseFloatText(text: string, format: FloatFormat): LongDouble | null {
  let match = DECIMAL_RE.exec(text);
  if (match !== null) {
    const negative = match[1] === "-";
    const fraction = match[4] ?? match[3];
    let digits = (match[2] ?? "") + fraction;
    let exp10 = exponentValue(match[5]) - fraction.length;
    digits = digits.replace(/^0+/, "");
    if (digits === "") return finite(negative, 0n, 0);
    const trimmed = digits.replace(/0+$/, "");
    exp10 += digits.length - trimmed.length;
    digits = trimmed;
    const magnitude = exp10 + digits.length;
    if (magnitude > format.overflowDigits) return null;
    if (magnitude < format.underflowDigits) return null;
    const value = decimalToBinary(negative, digits, exp10, format);
    return value.kind === "finite" && value.mantissa !== 0n ? value : null;
  }
  match = HEX_RE.exec(text);
  if (match !== null) {
    const negative = match[1] === "-";
    const fraction = match[4] ?? match[3];
    const digits = ((match[2] ?? "") + fraction).replace(/^0+/, "");
    if (digits === "") return finite(negative, 0n, 0);
    const exp2 = exponentValue(match[5]) - 4 * fraction.length;
    // Beyond these bounds the result is certainly infinite or zero.
    const magnitude = exp2 + 4 * digits.length;
    if (magnitude > format.maxExponent + 4) return null;
    if (magnitude < format.minExponent - 4) return null;
    const value = hexToBinary(negative, digits, exp2, format);
    return value.kind === "finite" && value.mantissa !== 0n ? value : null;
  }
  match = INF_RE.exec(text);
  if (match !== null) return infinity(match[1] === "-");
  return null;
}

/**
 * Parses a long double the way Redis's string2ld does (strtold on the
 * whole argument, no leading space, shorter than 5k bytes, NaN refused,
 * overflow and underflow to zero refused). "inf" is accepted. Returns null
 * when Redis would reply "value is not a valid float".
 */
export function parseLongDouble(bytes: Uint8Array): LongDouble | null {
  if (bytes.length === 0 || bytes.length >= MAX_LONG_DOUBLE_CHARS) return null;
  return parseFloatText(bytesToString(bytes), EXTENDED);
}

/** A long double holding an integer exactly (a 64-bit integer always fits). */
export function longDoubleFromInteger(value: bigint): LongDouble {
  const negative = value < 0n;
  return round(negative, negative ? -value : value, 0, false, EXTENDED);
}

/** `a + b` in long double arithmetic, rounded to nearest even like the FPU. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return NAN;
  if (a.kind === "inf" || b.kind === "inf") {
    if (a.kind === "inf" && b.kind === "inf" && a.negative !== b.negative) {
      return NAN;
    }
    return a.kind === "inf" ? a : b;
  }
  if (a.mantissa === 0n && b.mantissa === 0n) {
    return finite(a.negative && b.negative, 0n, 0);
  }
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const ma = a.mantissa << BigInt(a.exponent - exponent);
  const mb = b.mantissa << BigInt(b.exponent - exponent);
  const sum = (a.negative ? -ma : ma) + (b.negative ? -mb : mb);
  // An exact zero sum is +0 when rounding to nearest.
  if (sum === 0n) return finite(false, 0n, 0);
  const negative = sum < 0n;
  return round(negative, negative ? -sum : sum, exponent, false, EXTENDED);
}

/** Number of decimals of Redis's human-friendly long double format. */
const HUMAN_DECIMALS = 17;
const HUMAN_SCALE = 10n ** BigInt(HUMAN_DECIMALS);

/**
 * Formats a long double like Redis's ld2string in LD_STR_HUMAN mode:
 * printf("%.17Lf") with round-half-even on the exact binary value, then
 * trailing zeros (and a bare ".") removed and "-0" turned into "0".
 * Infinities are "inf" / "-inf".
 */
export function formatLongDouble(value: LongDouble): string {
  if (value.kind === "inf") return value.negative ? "-inf" : "inf";
  if (value.kind === "nan") return "nan";
  let text: string;
  if (value.exponent >= 0) {
    text = (value.mantissa << BigInt(value.exponent)).toString();
  } else {
    const shift = BigInt(-value.exponent);
    const scaled = value.mantissa * HUMAN_SCALE;
    let q = scaled >> shift;
    const rest = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    const digits = q.toString().padStart(HUMAN_DECIMALS + 1, "0");
    const whole = digits.slice(0, digits.length - HUMAN_DECIMALS);
    const decimals = digits.slice(digits.length - HUMAN_DECIMALS)
      .replace(/0+$/, "");
    text = decimals === "" ? whole : whole + "." + decimals;
  }
  if (!value.negative || text === "0") return text;
  return "-" + text;
}

/**
 * Parses a double the way Redis's string2d does for scores and other float
 * arguments: strtod on the whole argument (decimal, hexadecimal, "inf",
 * "+inf", "-inf", "infinity"), no leading space, NaN refused, overflow and
 * underflow to zero refused. Returns null when Redis would reply "value is
 * not a valid float".
 */
export function parseStrictDouble(bytes: Uint8Array): number | null {
  const n = bytes.length;
  if (n === 0) return null;
  // Canonical integers of up to 15 characters (most scores) are exact as
  // parseInteger reads them: no string, no regular expression. The rest
  // ("+1", "007", "-0") go the general way.
  if (n <= 15) {
    const integer = parseInteger(bytes);
    if (integer !== null) return integer;
  }
  const text = bytesToString(bytes);
  const match = DECIMAL_RE.exec(text);
  if (match !== null) {
    // JavaScript's own conversion is correctly rounded for this syntax.
    const value = Number(text);
    if (!Number.isFinite(value)) return null;
    if (
      value === 0 &&
      /[1-9]/.test((match[2] ?? "") + (match[3] ?? "") + (match[4] ?? ""))
    ) {
      return null;
    }
    return value;
  }
  const parsed = parseFloatText(text, BINARY64);
  if (parsed === null) return null;
  if (parsed.kind === "inf") return parsed.negative ? -Infinity : Infinity;
  const magnitude = Number(parsed.mantissa) * 2 ** parsed.exponent;
  return parsed.negative ? -magnitude : magnitude;
}

const float64 = new Float64Array(1);
const float64Bits = new BigUint64Array(float64.buffer);

/** Significant digits of Redis 7.0's "%.17g" double replies. */
const G_PRECISION = 17;

/**
 * Exactly `precision` significant digits of |x| (finite, non-zero) at
 * decimal exponent `exp10`, rounded half to even like glibc's printf.
 */
function exactDigits(x: number, exp10: number, precision: number): string {
  float64[0] = x;
  const bits = float64Bits[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  // |x| * 10^(precision - 1 - exp10) = num / den.
  const scale = precision - 1 - exp10;
  let num = mantissa;
  let den = 1n;
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  let q = num / den;
  const rest2 = (num - q * den) * 2n;
  if (rest2 > den || (rest2 === den && (q & 1n) === 1n)) q += 1n;
  return q.toString();
}

/**
 * Formats a double like C's printf("%.17g"), which Redis 7.0 uses for
 * double replies (ZSCORE, ZINCRBY, ... in RESP2 as a bulk string, in RESP3
 * after ","). Infinities are "inf" / "-inf" as Redis writes them.
 */
export function formatDouble(x: number): string {
  if (Number.isSafeInteger(x)) return Object.is(x, -0) ? "-0" : String(x);
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Number.isNaN(x)) return "nan";
  const negative = x < 0;
  const magnitude = Math.abs(x);
  const rounded = magnitude.toExponential(G_PRECISION - 1);
  const ePos = rounded.indexOf("e");
  let digits = rounded[0] + rounded.slice(2, ePos);
  let exp10 = Number(rounded.slice(ePos + 1));
  // toExponential breaks ties upwards; printf breaks them to even.
  const longer = magnitude.toExponential(G_PRECISION);
  if (longer[longer.indexOf("e") - 1] === "5") {
    digits = exactDigits(magnitude, exp10, G_PRECISION);
    if (digits.length > G_PRECISION) {
      exp10++;
      digits = digits.slice(0, G_PRECISION);
    }
  }
  digits = digits.replace(/0+$/, "");
  let text: string;
  if (exp10 < -4 || exp10 >= G_PRECISION) {
    const mantissa = digits.length > 1
      ? digits[0] + "." + digits.slice(1)
      : digits;
    const expText = String(Math.abs(exp10)).padStart(2, "0");
    text = mantissa + (exp10 < 0 ? "e-" : "e+") + expText;
  } else if (exp10 < 0) {
    text = "0." + "0".repeat(-exp10 - 1) + digits;
  } else if (digits.length <= exp10 + 1) {
    text = digits + "0".repeat(exp10 + 1 - digits.length);
  } else {
    text = digits.slice(0, exp10 + 1) + "." + digits.slice(exp10 + 1);
  }
  return negative ? "-" + text : text;
}
