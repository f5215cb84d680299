/**
 * Parsers of command arguments that throw {@linkcode CommandError} with
 * Redis's exact texts, after Redis's getLongLongFromObjectOrReply,
 * getRangeLongFromObjectOrReply, getLongDoubleFromObjectOrReply,
 * getTimeoutFromObjectOrReply and scanGenericCommand. Like those, they also
 * serve for stored values read as numbers (INCR's, HINCRBY's).
 *
 * @module
 */

import { CommandError, Errors } from "./errors.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import {
  LLONG_MAX,
  LLONG_MIN,
  type LongDouble,
  parseInt64,
  parseInteger,
  parseLongDouble,
  parseStrictDouble,
} from "../util/numbers.ts";

/** The long double {@linkcode parseLongDoubleArgument} returns. */
export type { LongDouble };

/** The error text of an argument that fails to parse. */
export interface ArgumentOptions {
  /** Replaces the default error text. */
  readonly message?: string;
}

/** Bounds and error texts of an integer argument. */
export interface IntegerOptions<T extends number | bigint>
  extends ArgumentOptions {
  /** Smallest accepted value (inclusive); none by default. */
  readonly min?: T;
  /** Largest accepted value (inclusive); none by default. */
  readonly max?: T;
  /**
   * Error text for an integer outside [min, max]. Defaults to `message`
   * when that is given (as getRangeLongFromObjectOrReply uses one text for
   * both), else to "ERR value is out of range, value must between MIN and
   * MAX".
   */
  readonly rangeMessage?: string;
}

const NO_OPTIONS = {};

/** Checks a parsed integer (null: not an integer) against `options`. */
function checkInteger<T extends number | bigint>(
  value: T | null,
  options: IntegerOptions<T>,
): T {
  if (value === null) {
    throw new CommandError(options.message ?? Errors.notInteger);
  }
  if (
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    throw new CommandError(
      options.rangeMessage ?? options.message ??
        Errors.outOfRangeBetween(
          options.min ?? LLONG_MIN,
          options.max ?? LLONG_MAX,
        ),
    );
  }
  return value;
}

/**
 * Parses a 64-bit integer argument (string2ll rules) into a number, checked
 * against `min`/`max`. Fails with "ERR value is not an integer or out of
 * range" unless `message` says otherwise. Values beyond 2^53 are rounded;
 * use {@linkcode parseInt64Argument} where they must stay exact.
 */
export function parseIntegerArgument(
  arg: Uint8Array,
  options: IntegerOptions<number> = NO_OPTIONS,
): number {
  return checkInteger(parseInteger(arg), options);
}

/**
 * Parses a 64-bit integer argument exactly, as a bigint, checked against
 * `min`/`max`, with the same errors as {@linkcode parseIntegerArgument}.
 */
export function parseInt64Argument(
  arg: Uint8Array,
  options: IntegerOptions<bigint> = NO_OPTIONS,
): bigint {
  return checkInteger(parseInt64(arg), options);
}

const NUMKEYS: IntegerOptions<number> = {
  min: 1,
  message: Errors.numkeysNotPositive,
};

/**
 * Parses a numkeys argument (LMPOP, ZMPOP, SINTERCARD, ...): at least 1,
 * else "numkeys should be greater than 0".
 */
export function parseNumkeys(arg: Uint8Array): number {
  return parseIntegerArgument(arg, NUMKEYS);
}

const POP_COUNT: IntegerOptions<number> = {
  min: 0,
  message: Errors.notPositive,
};

/**
 * Parses the count of LPOP, RPOP, SPOP, ZPOPMIN and ZPOPMAX
 * (getPositiveLongFromObjectOrReply): 0 or more, else "value is out of
 * range, must be positive".
 */
export function parsePopCount(arg: Uint8Array): number {
  return parseIntegerArgument(arg, POP_COUNT);
}

const MULTI_POP_COUNT: IntegerOptions<number> = {
  min: 1,
  message: Errors.countNotPositive,
};

/**
 * Parses the COUNT option of LMPOP, BLMPOP, ZMPOP and BZMPOP: at least 1,
 * else "count should be greater than 0".
 */
export function parseMultiPopCount(arg: Uint8Array): number {
  return parseIntegerArgument(arg, MULTI_POP_COUNT);
}

/**
 * Parses a double argument (string2d: decimal, hexadecimal, "inf", no NaN,
 * no overflow). Fails with "ERR value is not a valid float" unless
 * `message` says otherwise.
 */
export function parseFloatArgument(
  arg: Uint8Array,
  options: ArgumentOptions = NO_OPTIONS,
): number {
  const value = parseStrictDouble(arg);
  if (value === null) {
    throw new CommandError(options.message ?? Errors.notFloat);
  }
  return value;
}

/**
 * Parses a long double argument (string2ld, as INCRBYFLOAT and HINCRBYFLOAT
 * read theirs). Fails with "ERR value is not a valid float" unless
 * `message` says otherwise.
 */
export function parseLongDoubleArgument(
  arg: Uint8Array,
  options: ArgumentOptions = NO_OPTIONS,
): LongDouble {
  const value = parseLongDouble(arg);
  if (value === null) {
    throw new CommandError(options.message ?? Errors.notFloat);
  }
  return value;
}

/** The unit of a blocking timeout argument. */
export interface TimeoutOptions {
  /**
   * "seconds" (the default: BLPOP, BZPOPMIN, ..., decimals allowed) or
   * "milliseconds" (XREAD BLOCK: an integer).
   */
  readonly unit?: "seconds" | "milliseconds";
}

/**
 * Parses a blocking command's timeout into milliseconds, 0 meaning forever,
 * with Redis's errors (getTimeoutFromObjectOrReply). Like Redis, seconds
 * are scaled to ms and truncated to an integer, so values that overflow a
 * 64-bit integer (inf, 1e300) count as negative and tiny negative values
 * as 0.
 */
export function parseBlockingTimeout(
  arg: Uint8Array,
  options: TimeoutOptions = NO_OPTIONS,
): number {
  if (options.unit === "milliseconds") {
    const ms = parseInt64Argument(arg, { message: Errors.timeoutNotInteger });
    if (ms < 0n) throw new CommandError(Errors.timeoutNegative);
    return Number(ms);
  }
  const value = parseLongDoubleArgument(arg, {
    message: Errors.timeoutNotFloat,
  });
  const ms = value.kind === "finite"
    ? Math.trunc(
      Number(value.mantissa) * 2 ** value.exponent * 1000 *
        (value.negative ? -1 : 1),
    )
    : -Infinity;
  if (ms < 0 || ms >= 2 ** 63) {
    throw new CommandError(Errors.timeoutNegative);
  }
  return ms;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/**
 * Parses a database index like Redis's getIntFromObjectOrReply followed by
 * selectDb: `message` (when given) replaces both of getIntFromObjectOrReply's
 * texts (not an integer, beyond 32 bits); an index outside the `databases`
 * configured fails with "DB index is out of range".
 */
export function parseDbIndex(
  arg: Uint8Array,
  databases: number,
  options: ArgumentOptions = NO_OPTIONS,
): number {
  const index = parseIntegerArgument(arg, {
    min: INT_MIN,
    max: INT_MAX,
    message: options.message,
  });
  if (index < 0 || index >= databases) {
    throw new CommandError(Errors.dbIndexOutOfRange);
  }
  return index;
}

const ULONG_MAX = 18446744073709551615n;

/**
 * Parses a SCAN-family cursor as Redis does with strtoul: optional sign,
 * decimal digits, no leading space; negative values wrap around 2^64.
 * Throws "ERR invalid cursor" otherwise.
 */
export function parseScanCursor(arg: Uint8Array): bigint {
  const n = arg.length;
  if (n === 0) return 0n;
  let i = 0;
  const first = arg[0];
  if (first === 32 || (first >= 9 && first <= 13)) {
    throw new CommandError(Errors.invalidCursor);
  }
  let negative = false;
  if (first === 43 || first === 45) {
    negative = first === 45;
    i = 1;
  }
  let value = 0n;
  let digits = 0;
  for (; i < n; i++) {
    const d = arg[i] - 48;
    if (d < 0 || d > 9) break;
    value = value * 10n + BigInt(d);
    digits++;
    if (value > ULONG_MAX) throw new CommandError(Errors.invalidCursor);
  }
  // strtoul stops at the first non-digit; Redis accepts only a NUL there.
  if (digits === 0 || (i < n && arg[i] !== 0)) {
    throw new CommandError(Errors.invalidCursor);
  }
  return negative && value !== 0n ? ULONG_MAX + 1n - value : value;
}

/** COUNT, MATCH and TYPE of the SCAN family; null where not given. */
export interface ScanOptions {
  /** COUNT: how much work one call does (a hint, as in Redis); 10 by default. */
  readonly count: number;
  /** MATCH glob pattern, or null when there is none (or it is "*"). */
  readonly pattern: string | null;
  /** TYPE name (SCAN only), or null when there is none. */
  readonly type: Uint8Array | null;
}

/** Which options a scan command takes besides COUNT and MATCH. */
export interface ScanParseOptions {
  /** Accept TYPE (SCAN does; HSCAN, SSCAN and ZSCAN do not). */
  readonly allowType?: boolean;
}

/**
 * Parses the options of a scan from `args[start]` on, with Redis's errors:
 * COUNT must be an integer (else "not an integer") of at least 1 (else a
 * syntax error); anything else, TYPE included unless `allowType`, is a
 * syntax error.
 */
export function parseScanOptions(
  args: readonly Uint8Array[],
  start: number,
  options: ScanParseOptions = NO_OPTIONS,
): ScanOptions {
  let count = 10;
  let pattern: string | null = null;
  let type: Uint8Array | null = null;
  for (let i = start; i < args.length; i += 2) {
    const hasValue = i + 1 < args.length;
    if (equalsIgnoreCase(args[i], "count") && hasValue) {
      count = parseIntegerArgument(args[i + 1]);
      if (count < 1) throw new CommandError(Errors.syntax);
    } else if (equalsIgnoreCase(args[i], "match") && hasValue) {
      pattern = bytesToString(args[i + 1]);
      if (pattern === "*") pattern = null;
    } else if (
      options.allowType && equalsIgnoreCase(args[i], "type") && hasValue
    ) {
      type = args[i + 1];
    } else throw new CommandError(Errors.syntax);
  }
  return { count, pattern, type };
}
