/**
 * The `bit` library Redis bundles (LuaBitOp 1.0.2 behaviour): 32-bit
 * bitwise operations on Lua numbers, written from its documented behaviour
 * and checked against Redis 7.0. Results are signed 32-bit integers.
 *
 * @module
 */

import {
  checkNumber,
  libraryTable,
  type LuaTable,
  type LuaValue,
} from "./value.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * LuaBitOp's normalisation of a number to a signed 32-bit integer: adding
 * 2^52 + 2^51 and keeping the low 32 bits of the double, so fractions round
 * half to even, numbers wrap modulo 2^32 and NaN and infinities give 0.
 */
export function toBit(n: number): number {
  f64[0] = n + 6755399441055744;
  return u32[LOW] | 0;
}

function arg(args: LuaValue[], index: number, fname: string): number {
  return toBit(checkNumber(args, index, fname));
}

/** The `bit` table: tobit, tohex, bnot, band, bor, bxor, shifts, rotations, bswap. */
export function bitLibrary(): LuaTable {
  return libraryTable({
    tobit: (_L, args) => [arg(args, 0, "tobit")],
    bnot: (_L, args) => [~arg(args, 0, "bnot")],
    band(_L, args) {
      let result = arg(args, 0, "band");
      for (let i = 1; i < args.length; i++) result &= arg(args, i, "band");
      return [result];
    },
    bor(_L, args) {
      let result = arg(args, 0, "bor");
      for (let i = 1; i < args.length; i++) result |= arg(args, i, "bor");
      return [result];
    },
    bxor(_L, args) {
      let result = arg(args, 0, "bxor");
      for (let i = 1; i < args.length; i++) result ^= arg(args, i, "bxor");
      return [result];
    },
    lshift(_L, args) {
      const x = arg(args, 0, "lshift");
      return [x << (arg(args, 1, "lshift") & 31)];
    },
    rshift(_L, args) {
      const x = arg(args, 0, "rshift");
      return [(x >>> (arg(args, 1, "rshift") & 31)) | 0];
    },
    arshift(_L, args) {
      const x = arg(args, 0, "arshift");
      return [x >> (arg(args, 1, "arshift") & 31)];
    },
    rol(_L, args) {
      const x = arg(args, 0, "rol");
      const n = arg(args, 1, "rol") & 31;
      return [(x << n) | (x >>> ((32 - n) & 31))];
    },
    ror(_L, args) {
      const x = arg(args, 0, "ror");
      const n = arg(args, 1, "ror") & 31;
      return [(x >>> n) | (x << ((32 - n) & 31))];
    },
    bswap(_L, args) {
      const x = arg(args, 0, "bswap");
      return [
        ((x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) |
        0,
      ];
    },
    tohex(_L, args) {
      const x = arg(args, 0, "tohex");
      let digits = args[1] === undefined ? 8 : arg(args, 1, "tohex");
      let upper = false;
      if (digits < 0) {
        upper = true;
        digits = -digits;
      }
      if (digits > 8) digits = 8;
      let text = (x >>> 0).toString(16).padStart(8, "0").slice(8 - digits);
      if (upper) text = text.toUpperCase();
      return [text];
    },
  });
}
