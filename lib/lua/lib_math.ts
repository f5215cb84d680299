/**
 * Lua 5.1's `math` library as Redis 7.0 ships it, with Redis's
 * deterministic `math.random`/`math.randomseed` (the rand48 generator).
 *
 * @module
 */

import {
  argError,
  checkInteger,
  checkNumber,
  libraryTable,
  LuaError,
  type LuaRuntime,
  type LuaTable,
  type LuaValue,
} from "./value.ts";

const TWO24 = 0x1000000;
const A_LOW = 0xece66d; // 0x5DEECE66D split in 24-bit halves
const A_HIGH = 0x5de;
const C = 0xb;

/** The largest value `Rand48.next()` may return plus one (C's INT32_MAX). */
export const RAND48_MAX = 2147483647;

/**
 * The rand48 linear congruential generator (x = a*x + c mod 2^48) as Redis
 * uses it for scripts. The 48-bit state is kept as two 24-bit halves.
 */
export class Rand48 {
  #high = 0x1234ab; // the standard initial state 0x1234ABCD330E
  #low = 0xcd330e;

  /** `srand48(seed)`: state = (low 32 bits of seed) << 16 | 0x330E. */
  seed(seed: number): void {
    const s = seed >>> 0;
    const low16 = s & 0xffff;
    const high16 = s >>> 16;
    this.#low = ((low16 & 0xff) << 16) | 0x330e;
    this.#high = (high16 << 8) | (low16 >>> 8);
  }

  /** `lrand48()`: advances the state and returns its top 31 bits. */
  next(): number {
    const product = this.#low * A_LOW + C;
    const carry = Math.floor(product / TWO24);
    const low = product % TWO24;
    const middle = this.#low * A_HIGH + this.#high * A_LOW + carry;
    this.#high = middle % TWO24;
    this.#low = low;
    return this.#high * 128 + Math.floor(low / 131072);
  }

  /** Redis's `math.random()` value in [0, 1). */
  nextFloat(): number {
    return (this.next() % RAND48_MAX) / RAND48_MAX;
  }
}

/** C's `(int)` of a `lua_Integer`: the low 32 bits, signed. */
function toInt(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Number(BigInt.asIntN(32, BigInt(value)));
}

function unary(name: string, fn: (x: number) => number) {
  return (_L: LuaRuntime, args: LuaValue[]): LuaValue[] => [
    fn(checkNumber(args, 0, name)),
  ];
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exponent = 0;
  let mantissa = x;
  if (Math.abs(mantissa) < 2 ** -1000) {
    mantissa *= 2 ** 64;
    exponent -= 64;
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, mantissa);
  const biased = (view.getUint16(0) >>> 4) & 0x7ff;
  exponent += biased - 1022;
  // Set the biased exponent to 1022 so the magnitude is in [0.5, 1).
  view.setUint16(0, (view.getUint16(0) & 0x800f) | (1022 << 4));
  return [view.getFloat64(0), exponent];
}

function ldexp(m: number, e: number): number {
  // Split the scaling so that neither factor overflows or underflows early.
  let result = m;
  while (e > 1000) {
    result *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    result *= 2 ** -1000;
    e += 1000;
  }
  return result * 2 ** e;
}

function fmod(args: LuaValue[], name: string): LuaValue[] {
  return [checkNumber(args, 0, name) % checkNumber(args, 1, name)];
}

/**
 * Builds Redis 7.0's `math` table. `random` is the generator behind
 * `math.random`; pass one to share its state across script runs.
 */
export function mathLibrary(
  options: { random?: Rand48 } = {},
): LuaTable {
  const rand = options.random ?? new Rand48();
  const table = libraryTable({
    abs: unary("abs", Math.abs),
    acos: unary("acos", Math.acos),
    asin: unary("asin", Math.asin),
    atan: unary("atan", Math.atan),
    atan2: (_L, args) => [
      Math.atan2(checkNumber(args, 0, "atan2"), checkNumber(args, 1, "atan2")),
    ],
    ceil: unary("ceil", Math.ceil),
    cos: unary("cos", Math.cos),
    cosh: unary("cosh", Math.cosh),
    deg: unary("deg", (x) => x * (180 / Math.PI)),
    exp: unary("exp", Math.exp),
    floor: unary("floor", Math.floor),
    fmod: (_L, args) => fmod(args, "fmod"),
    frexp: (_L, args) => frexp(checkNumber(args, 0, "frexp")),
    ldexp: (_L, args) => [
      ldexp(
        checkNumber(args, 0, "ldexp"),
        toInt(checkInteger(args, 1, "ldexp")),
      ),
    ],
    log: unary("log", Math.log),
    log10: unary("log10", Math.log10),
    max(_L, args) {
      let max = checkNumber(args, 0, "max");
      for (let i = 1; i < args.length; i++) {
        const value = checkNumber(args, i, "max");
        if (value > max) max = value;
      }
      return [max];
    },
    min(_L, args) {
      let min = checkNumber(args, 0, "min");
      for (let i = 1; i < args.length; i++) {
        const value = checkNumber(args, i, "min");
        if (value < min) min = value;
      }
      return [min];
    },
    mod: (_L, args) => fmod(args, "mod"),
    modf(_L, args) {
      const x = checkNumber(args, 0, "modf");
      if (x === Infinity || x === -Infinity) return [x, 0];
      const integral = Math.trunc(x);
      return [integral, x - integral];
    },
    pow: (_L, args) => [
      Math.pow(checkNumber(args, 0, "pow"), checkNumber(args, 1, "pow")),
    ],
    rad: unary("rad", (x) => x * (Math.PI / 180)),
    random(_L, args) {
      const r = rand.nextFloat();
      switch (args.length) {
        case 0:
          return [r];
        case 1: {
          const upper = toInt(checkInteger(args, 0, "random"));
          if (!(upper >= 1)) throw argError(0, "random", "interval is empty");
          return [Math.floor(r * upper) + 1];
        }
        case 2: {
          const lower = toInt(checkInteger(args, 0, "random"));
          const upper = toInt(checkInteger(args, 1, "random"));
          if (!(lower <= upper)) {
            throw argError(1, "random", "interval is empty");
          }
          return [Math.floor(r * (upper - lower + 1)) + lower];
        }
        default:
          throw new LuaError("wrong number of arguments", { position: true });
      }
    },
    randomseed(_L, args) {
      rand.seed(toInt(checkInteger(args, 0, "randomseed")));
      return [];
    },
    sin: unary("sin", Math.sin),
    sinh: unary("sinh", Math.sinh),
    sqrt: unary("sqrt", Math.sqrt),
    tan: unary("tan", Math.tan),
    tanh: unary("tanh", Math.tanh),
  });
  table.set("pi", Math.PI);
  table.set("huge", Infinity);
  return table;
}
