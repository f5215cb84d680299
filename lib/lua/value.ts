/**
 * Lua values as the engine represents them, and the contract between the
 * engine and the native libraries (base, string, table, math, cjson, ...).
 *
 * - nil is `undefined`; booleans and numbers are JavaScript's.
 * - Strings are byte strings: a JavaScript string whose every UTF-16 code
 *   unit is one byte (0-255). Bytes from Redis become such strings with
 *   {@linkcode bytesToLua} and go back with {@linkcode luaToBytes}, so binary
 *   values round-trip and string equality, hashing and concatenation are
 *   JavaScript's own.
 * - Tables are {@linkcode LuaTable}; functions are {@linkcode LuaFunction}.
 *
 * @module
 */

/** The generator a Lua function or a pausable native runs as (see `runtime.ts`). */
export type LuaGenerator = Generator<unknown, LuaValue[], unknown>;

/** A coroutine; the engine defines its state (see `runtime.ts`). */
export interface LuaThread {
  /** Marks the object as a Lua thread for `type()`. */
  readonly luaType: "thread";
}

/** Any Lua value. */
export type LuaValue =
  | undefined
  | boolean
  | number
  | string
  | LuaTable
  | LuaFunction
  | LuaThread;

/**
 * What a native function may ask of the engine: calling back into Lua and
 * the metamethod-aware operations the libraries need.
 */
export interface LuaRuntime {
  /** Calls a Lua value (honouring `__call`) to completion and returns its results. */
  call(fn: LuaValue, args: LuaValue[]): LuaValue[];
  /** `tostring(v)`, honouring `__tostring`. */
  tostring(value: LuaValue): string;
  /** `t[k]` with `__index`. */
  index(object: LuaValue, key: LuaValue): LuaValue;
  /** The global table. */
  readonly globals: LuaTable;
}

/**
 * A native function: receives its arguments (missing ones are absent, not
 * padded) and returns its results. Throw {@linkcode LuaError} to raise.
 */
export type NativeFunction = (L: LuaRuntime, args: LuaValue[]) => LuaValue[];

/**
 * A Lua function. Native functions carry `native`; the engine's compiled
 * functions carry what the compiler gives them in `body`.
 */
export class LuaFunction {
  /** Name used in error messages ("bad argument #1 to 'rep'"). */
  readonly name: string;
  /** The implementation of a native function. */
  readonly native: NativeFunction | undefined;
  /** The compiled body of a Lua function (engine-defined). */
  readonly body: unknown;
  /**
   * The engine's pausable entry point: compiled Lua functions, and natives
   * that must be able to pause (pcall, coroutine.resume). When set, the
   * engine calls this instead of `native`.
   */
  run: ((args: LuaValue[]) => LuaGenerator) | undefined;

  /** Creates a function; use {@linkcode nativeFunction} for natives. */
  constructor(
    options: {
      name: string;
      native?: NativeFunction;
      body?: unknown;
      run?: (args: LuaValue[]) => LuaGenerator;
    },
  ) {
    this.name = options.name;
    this.native = options.native;
    this.body = options.body;
    this.run = options.run;
  }
}

/** Wraps a native implementation as a Lua function value. */
export function nativeFunction(
  name: string,
  native: NativeFunction,
): LuaFunction {
  return new LuaFunction({ name, native });
}

/**
 * A raised Lua error. `value` is what `pcall` returns as the error (any Lua
 * value). When `position` is set and `value` is a string, the engine
 * prefixes the position of the calling Lua code ("user_script:3: "), as
 * luaL_error does; natives raise this way.
 */
export class LuaError extends Error {
  /** The error value. */
  value: LuaValue;
  /** Whether the engine still has to add the caller's position. */
  position: boolean;
  /** A traceback, when the engine records one. */
  traceback: string | undefined;
  /**
   * Lua frames still to skip before adding the position (`error(msg, 2)`
   * skips one); used by the engine with `position`.
   */
  skip = 0;
  /** Chunk name ("@user_script") of the innermost Lua frame when raised. */
  luaSource: string | undefined = undefined;
  /** Line of the innermost Lua frame when raised. */
  luaLine: number | undefined = undefined;

  /** Raises `value`; `position: true` for natives' messages. */
  constructor(value: LuaValue, options: { position?: boolean } = {}) {
    super(typeof value === "string" ? value : "lua error");
    this.value = value;
    this.position = options.position ?? false;
    this.traceback = undefined;
  }
}

/** A Lua table: an array part for keys 1..n and a hash part for the rest. */
export class LuaTable {
  /** `array[i]` holds `t[i + 1]`; may contain holes (`undefined`) but never ends with one. */
  array: LuaValue[] = [];
  /** Every other key. Integer keys 1..array.length never live here. */
  hash: Map<LuaValue, LuaValue> = new Map();
  /** The metatable, or undefined. */
  metatable: LuaTable | undefined = undefined;
  /**
   * Redis's read-only tables (the globals and the libraries): any write,
   * rawset included, raises "Attempt to modify a readonly table".
   */
  readonly = false;
  #iterator: Iterator<[LuaValue, LuaValue]> | undefined = undefined;
  #iteratorKey: LuaValue = undefined;

  /** Raw get (no metamethods). */
  get(key: LuaValue): LuaValue {
    if (typeof key === "number") {
      const array = this.array;
      if (key >= 1 && key <= array.length && Number.isInteger(key)) {
        return array[key - 1];
      }
    }
    return this.hash.size === 0 ? undefined : this.hash.get(key);
  }

  /** Raw set (no metamethods); a nil value removes the key. */
  set(key: LuaValue, value: LuaValue): void {
    if (this.readonly) {
      throw new LuaError("Attempt to modify a readonly table", {
        position: true,
      });
    }
    if (typeof key === "number") {
      if (Number.isInteger(key) && key >= 1) {
        const array = this.array;
        const length = array.length;
        if (key <= length) {
          array[key - 1] = value;
          if (value === undefined && key === length) this.#trimArray();
          return;
        }
        if (key === length + 1) {
          if (value === undefined) {
            this.hash.delete(key);
            return;
          }
          array.push(value);
          if (this.hash.size !== 0) this.#migrateFromHash();
          return;
        }
      } else if (Number.isNaN(key)) {
        throw new LuaError("table index is NaN", { position: true });
      }
    } else if (key === undefined) {
      throw new LuaError("table index is nil", { position: true });
    }
    if (value === undefined) this.hash.delete(key);
    else this.hash.set(key, value);
  }

  /** The length operator without `__len` (tables have none in Lua 5.1). */
  length(): number {
    return this.array.length;
  }

  /**
   * `next(t, key)`: the entry after `key`, or undefined at the end. Throws
   * for a key that is not in the table, as Lua does.
   */
  next(key: LuaValue): [LuaValue, LuaValue] | undefined {
    const array = this.array;
    let index = 0;
    if (key === undefined) {
      index = 0;
    } else if (
      typeof key === "number" && Number.isInteger(key) && key >= 1 &&
      key <= array.length
    ) {
      index = key;
    } else {
      return this.#nextInHash(key);
    }
    for (; index < array.length; index++) {
      if (array[index] !== undefined) return [index + 1, array[index]];
    }
    this.#iterator = this.hash.entries();
    return this.#advance();
  }

  #nextInHash(key: LuaValue): [LuaValue, LuaValue] | undefined {
    if (this.#iterator === undefined || this.#iteratorKey !== key) {
      if (!this.hash.has(key)) {
        throw new LuaError("invalid key to 'next'", { position: true });
      }
      // Not a continuation of the last traversal: find the key again.
      this.#iterator = this.hash.entries();
      for (;;) {
        const step = this.#iterator.next();
        if (step.done) return this.#finish();
        if (step.value[0] === key) break;
      }
    }
    return this.#advance();
  }

  #advance(): [LuaValue, LuaValue] | undefined {
    for (;;) {
      const step = this.#iterator!.next();
      if (step.done) return this.#finish();
      if (step.value[1] !== undefined) {
        this.#iteratorKey = step.value[0];
        return step.value;
      }
    }
  }

  #finish(): undefined {
    this.#iterator = undefined;
    this.#iteratorKey = undefined;
    return undefined;
  }

  #trimArray(): void {
    const array = this.array;
    let length = array.length;
    while (length > 0 && array[length - 1] === undefined) length--;
    array.length = length;
  }

  #migrateFromHash(): void {
    const array = this.array;
    const hash = this.hash;
    for (;;) {
      const next = array.length + 1;
      const value = hash.get(next);
      if (value === undefined) return;
      hash.delete(next);
      array.push(value);
    }
  }
}

/** The name `type()` gives a value. */
export function typeName(value: LuaValue): string {
  switch (typeof value) {
    case "undefined":
      return "nil";
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "string":
      return "string";
    default:
      if (value instanceof LuaTable) return "table";
      if (value instanceof LuaFunction) return "function";
      return "thread";
  }
}

/** Bytes as a Lua byte string. */
export function bytesToLua(bytes: Uint8Array): string {
  let result = "";
  const chunk = 8192;
  for (let start = 0; start < bytes.length; start += chunk) {
    result += String.fromCharCode.apply(
      null,
      bytes.subarray(start, start + chunk) as unknown as number[],
    );
  }
  return result;
}

/** A Lua byte string as bytes. */
export function luaToBytes(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  return bytes;
}

/** Text (any Unicode) as a Lua byte string of its UTF-8 encoding. */
export function textToLua(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return bytesToLua(new TextEncoder().encode(text));
}

/** Formats a number as Lua 5.1's `tostring` does (C's `%.14g`). */
export function numberToString(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e14) {
    return Object.is(value, -0) ? "-0" : String(value);
  }
  // x86 produces NaN with the sign bit set (0/0, inf-inf), which C prints
  // as "-nan"; JavaScript cannot tell NaN signs apart, so take the common one.
  if (value !== value) return "-nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return formatG(value, 14);
}

/** C's `%.<precision>g` for a finite number. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const p = precision === 0 ? 1 : precision;
  const exponential = value.toExponential(p - 1);
  const exponent = Number(exponential.slice(exponential.indexOf("e") + 1));
  if (exponent < -4 || exponent >= p) {
    const [mantissa, power] = exponential.split("e");
    const sign = power[0] === "-" ? "-" : "+";
    const digits = power.replace(/^[+-]/, "").padStart(2, "0");
    return `${trimFraction(mantissa)}e${sign}${digits}`;
  }
  return trimFraction(value.toFixed(Math.max(0, p - 1 - exponent)));
}

function trimFraction(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/\.?0+$/, "");
}

/**
 * Lua 5.1's string-to-number conversion (`tonumber(s)` and arithmetic on
 * strings): decimal as strtod reads it, or hexadecimal `0x...`, with
 * surrounding white space; undefined when the string is not a number.
 */
export function stringToNumber(text: string): number | undefined {
  const trimmed = text.replace(/^[ \f\n\r\t\v]+|[ \f\n\r\t\v]+$/g, "");
  if (trimmed === "") return undefined;
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(trimmed)) {
    const negative = trimmed[0] === "-";
    const digits = trimmed.replace(/^[+-]?0[xX]/, "");
    const magnitude = parseInt(digits, 16);
    return negative ? -magnitude : magnitude;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) {
    return trimmed[0] === "-" ? -Infinity : Infinity;
  }
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  return undefined;
}

/** Lua's string coercion of a number or string argument, else undefined. */
export function toLuaString(value: LuaValue): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToString(value);
  return undefined;
}

/** Lua's number coercion of a number or numeric string, else undefined. */
export function toLuaNumber(value: LuaValue): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string") return stringToNumber(value);
  return undefined;
}

function argumentError(
  index: number,
  fname: string,
  message: string,
): LuaError {
  return new LuaError(`bad argument #${index + 1} to '${fname}' (${message})`, {
    position: true,
  });
}

function typeError(
  args: LuaValue[],
  index: number,
  fname: string,
  expected: string,
): LuaError {
  const got = index >= args.length ? "no value" : typeName(args[index]);
  return argumentError(index, fname, `${expected} expected, got ${got}`);
}

/** `luaL_argerror`: "bad argument #n to 'f' (message)". */
export function argError(
  index: number,
  fname: string,
  message: string,
): LuaError {
  return argumentError(index, fname, message);
}

/** `luaL_checklstring`: a string or number argument, as a string. */
export function checkString(
  args: LuaValue[],
  index: number,
  fname: string,
): string {
  const value = args[index];
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToString(value);
  throw typeError(args, index, fname, "string");
}

/** `luaL_optlstring`. */
export function optString(
  args: LuaValue[],
  index: number,
  fname: string,
  fallback: string,
): string {
  return args[index] === undefined ? fallback : checkString(args, index, fname);
}

/** `luaL_checknumber`: a number or numeric string argument. */
export function checkNumber(
  args: LuaValue[],
  index: number,
  fname: string,
): number {
  const value = args[index];
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const number = stringToNumber(value);
    if (number !== undefined) return number;
  }
  throw typeError(args, index, fname, "number");
}

/** `luaL_optnumber`. */
export function optNumber(
  args: LuaValue[],
  index: number,
  fname: string,
  fallback: number,
): number {
  return args[index] === undefined ? fallback : checkNumber(args, index, fname);
}

/** `luaL_checkinteger`: a number argument truncated toward zero, as 5.1 does. */
export function checkInteger(
  args: LuaValue[],
  index: number,
  fname: string,
): number {
  const number = checkNumber(args, index, fname);
  if (!Number.isFinite(number)) return number !== number ? 0 : number;
  return Math.trunc(number);
}

/** `luaL_optinteger`. */
export function optInteger(
  args: LuaValue[],
  index: number,
  fname: string,
  fallback: number,
): number {
  return args[index] === undefined
    ? fallback
    : checkInteger(args, index, fname);
}

/** `luaL_checktype(L, n, LUA_TTABLE)`. */
export function checkTable(
  args: LuaValue[],
  index: number,
  fname: string,
): LuaTable {
  const value = args[index];
  if (value instanceof LuaTable) return value;
  throw typeError(args, index, fname, "table");
}

/** `luaL_checkany`: the argument must be present (nil counts). */
export function checkAny(
  args: LuaValue[],
  index: number,
  fname: string,
): LuaValue {
  if (index >= args.length) {
    throw argumentError(index, fname, "value expected");
  }
  return args[index];
}

/** Builds a library table from native implementations. */
export function libraryTable(
  functions: Record<string, NativeFunction>,
  prefix = "",
): LuaTable {
  const table = new LuaTable();
  for (const [name, native] of Object.entries(functions)) {
    table.set(name, nativeFunction(prefix + name, native));
  }
  return table;
}
