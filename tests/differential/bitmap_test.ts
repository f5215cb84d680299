/**
 * Bitmap commands against redis-server: random SETBIT/GETBIT/BITCOUNT/
 * BITPOS/BITOP/BITFIELD sequences, edge cases, notifications, keyspace
 * statistics, COMMAND INFO/DOCS and DUMP/RESTORE both ways.
 */
import assert from "node:assert/strict";
import {
  commandInfoTest,
  differentialTest,
  type Pair,
  Picker,
  prng,
} from "../helpers/differential.ts";
import { latin1 } from "../helpers/bytes.ts";
import { BITMAP_COMMANDS } from "../../lib/types/bitmap.ts";

const KEYS = ["b1", "b2", "b3", "num", "list"];

/** An offset: mostly small, sometimes farther, sometimes invalid. */
function offset(p: Picker): string {
  switch (p.int(0, 9)) {
    case 0:
      return String(p.int(0, 20000));
    case 1:
      return p.pick(["-1", "x", "", "1.5", "4294967296", "01", " 1"]);
    default:
      return String(p.int(0, 300));
  }
}

/** A range bound for BITCOUNT/BITPOS: around both ends of short values. */
function bound(p: Picker): string {
  if (p.chance(0.05)) {
    return p.pick([
      "x",
      "9223372036854775807",
      "-9223372036854775808",
      "-9223372036854775807",
    ]);
  }
  return String(p.int(-60, 60));
}

/** A BITFIELD type: every width and signedness, now and then invalid. */
function fieldType(p: Picker): string {
  if (p.chance(0.04)) {
    return p.pick(["u64", "i65", "i0", "x8", "I8", "u", "i08", "u-1", ""]);
  }
  return p.chance(0.5) ? `i${p.int(1, 64)}` : `u${p.int(1, 63)}`;
}

/** A value or increment near the limits of some field width. */
function fieldValue(p: Picker): string {
  if (p.chance(0.03)) return p.pick(["x", "1.5", "9223372036854775808"]);
  const width = BigInt(p.int(1, 64));
  const edge = p.pick([0n, 1n << (width - 1n), 1n << width]);
  let v = edge + BigInt(p.int(-3, 3));
  if (p.chance(0.5)) v = -v;
  // Keep it an int64, as a client would send.
  v = BigInt.asIntN(64, v);
  return String(v);
}

function fieldOffset(p: Picker): string {
  if (p.chance(0.2)) return `#${p.int(0, 12)}`;
  if (p.chance(0.02)) return p.pick(["-1", "#-1", "#", "x", "4294967296"]);
  return String(p.int(0, 200));
}

function bitfieldOps(p: Picker, readOnly: boolean): string[] {
  const args: string[] = [];
  for (let n = p.int(0, 4); n > 0; n--) {
    const kind = readOnly && p.chance(0.9) ? 0 : p.int(0, 4);
    switch (kind) {
      case 0:
        args.push(p.pick(["GET", "get"]), fieldType(p), fieldOffset(p));
        break;
      case 1:
        args.push("SET", fieldType(p), fieldOffset(p), fieldValue(p));
        break;
      case 2:
      case 3:
        args.push("INCRBY", fieldType(p), fieldOffset(p), fieldValue(p));
        break;
      default:
        args.push(
          "OVERFLOW",
          p.chance(0.97) ? p.pick(["WRAP", "SAT", "FAIL", "sat"]) : "BAD",
        );
    }
  }
  if (p.chance(0.02)) args.push(p.pick(["GET", "SET", "NOPE", "OVERFLOW"]));
  return args;
}

/** A random bitmap command (with occasional bad arguments). */
function randomCommand(p: Picker): string[] {
  const key = p.pick(KEYS);
  switch (p.int(0, 24)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return ["SETBIT", key, offset(p), p.pick(["1", "1", "0", "2", "-1"])];
    case 4:
    case 5:
      return ["GETBIT", key, offset(p)];
    case 6:
      return ["BITCOUNT", key];
    case 7:
    case 8: {
      const args = ["BITCOUNT", key, bound(p), bound(p)];
      if (p.chance(0.6)) args.push(p.pick(["BIT", "BYTE", "bit", "bits"]));
      return args;
    }
    case 9:
    case 10:
    case 11: {
      const args = ["BITPOS", key, p.pick(["0", "1", "1", "0", "2"])];
      const extra = p.int(0, 3);
      if (extra >= 1) args.push(bound(p));
      if (extra >= 2) args.push(bound(p));
      if (extra >= 3) args.push(p.pick(["BIT", "BYTE", "bit", "x"]));
      return args;
    }
    case 12:
    case 13: {
      const op = p.pick(["AND", "OR", "XOR", "NOT", "and", "nand"]);
      const sources = op === "NOT" && p.chance(0.9) ? 1 : p.int(1, 4);
      const args = ["BITOP", op, p.pick(KEYS)];
      for (let i = 0; i < sources; i++) args.push(p.pick(KEYS));
      return args;
    }
    case 14:
    case 15:
    case 16:
      return ["BITFIELD", key, ...bitfieldOps(p, false)];
    case 17:
      return ["BITFIELD_RO", key, ...bitfieldOps(p, true)];
    case 18:
      return ["SET", "num", p.pick(["12345", "-7", "0", "abc", "1e3"])];
    case 19:
      return ["APPEND", key, p.pick(["x", "\xff\x00", "12"])];
    case 20:
      return ["SETRANGE", key, String(p.int(0, 40)), "\xf0"];
    case 21:
      return ["DEL", key];
    case 22:
      return ["RPUSH", "list", "a"];
    case 23:
      return ["OBJECT", "ENCODING", key];
    default:
      return ["STRLEN", key];
  }
}

async function runRandom(pair: Pair, seeds: number[]): Promise<void> {
  for (const seed of seeds) {
    const p = new Picker(prng(seed));
    await pair.both(["HELLO", seed % 2 === 0 ? "3" : "2"]);
    await pair.same(["FLUSHALL"]);
    for (let i = 0; i < 2000; i++) {
      const context = `seed ${seed} step ${i}: `;
      await pair.same(randomCommand(p), context);
      if (p.chance(0.2)) await pair.same(["GET", p.pick(KEYS)], context);
    }
    for (const key of KEYS) await pair.same(["GET", key], `seed ${seed}: `);
  }
}

differentialTest(
  "differential: random bitmap command sequences match redis-server",
  (pair) => runRandom(pair, [1, 2, 3, 4]),
);

/** BITFIELD over every width, signedness and overflow mode. */
differentialTest(
  "differential: BITFIELD over every type and overflow mode matches redis-server",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      const p = new Picker(prng(77 + Number(protocol)));
      for (const signed of [true, false]) {
        for (let bits = 1; bits <= (signed ? 64 : 63); bits++) {
          const type = `${signed ? "i" : "u"}${bits}`;
          for (const mode of ["WRAP", "SAT", "FAIL"]) {
            const args = ["BITFIELD", "f", "OVERFLOW", mode];
            for (let n = 0; n < 6; n++) {
              const at = String(p.int(0, 80));
              args.push(
                p.pick(["SET", "INCRBY", "INCRBY"]),
                type,
                at,
                fieldValue(p),
                "GET",
                type,
                at,
              );
            }
            await pair.same(args, `RESP${protocol} `);
          }
        }
      }
      await pair.same(["GET", "f"]);
    }
  },
);

differentialTest(
  "differential: bitmap edge cases match redis-server",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      const script: string[][] = [
        // Missing keys: Redis 7.0 answers before reading the range.
        ["BITCOUNT", "nokey"],
        ["BITCOUNT", "nokey", "a", "b", "c", "d"],
        ["BITCOUNT", "nokey", "0"],
        ["BITPOS", "nokey", "0"],
        ["BITPOS", "nokey", "1"],
        ["BITPOS", "nokey", "1", "x", "y"],
        ["BITPOS", "nokey", "2"],
        ["BITPOS", "nokey", "x"],
        ["GETBIT", "nokey", "0"],
        ["GETBIT", "nokey", "x"],
        ["BITFIELD", "nokey"],
        ["BITFIELD", "nokey", "GET", "u8", "0"],
        ["BITFIELD_RO", "nokey", "GET", "i64", "#3"],
        ["EXISTS", "nokey"],
        // Offsets and bit values.
        ["SETBIT", "k", "-1", "1"],
        ["SETBIT", "k", "4294967296", "1"],
        ["SETBIT", "k", "x", "1"],
        ["SETBIT", "k", "#1", "1"],
        ["SETBIT", "k", "7", "2"],
        ["SETBIT", "k", "7", "-1"],
        ["SETBIT", "k", "7", "4294967297"],
        ["SETBIT", "k", "7", "x"],
        ["SETBIT", "k", "7", "1"],
        ["SETBIT", "k", "7", "1"],
        ["SETBIT", "k", "7", "0"],
        ["SETBIT", "k", "100", "0"],
        ["GET", "k"],
        ["STRLEN", "k"],
        ["OBJECT", "ENCODING", "k"],
        ["GETBIT", "k", "4294967295"],
        ["GETBIT", "k", "4294967296"],
        ["GETBIT", "k", "-1"],
        // A new bitmap is raw even when its bytes read as an integer.
        ["SETBIT", "digit", "2", "1"],
        ["SETBIT", "digit", "3", "1"],
        ["GET", "digit"],
        ["OBJECT", "ENCODING", "digit"],
        // Integer-encoded and embstr strings.
        ["SET", "n", "12345"],
        ["OBJECT", "ENCODING", "n"],
        ["GETBIT", "n", "2"],
        ["BITCOUNT", "n"],
        ["BITCOUNT", "n", "1", "2"],
        ["BITPOS", "n", "0"],
        ["BITPOS", "n", "1", "2"],
        ["BITFIELD_RO", "n", "GET", "u8", "8", "GET", "i16", "#1"],
        ["OBJECT", "ENCODING", "n"],
        ["SETBIT", "n", "2", "1"],
        ["OBJECT", "ENCODING", "n"],
        ["SET", "n", "-999"],
        ["BITOP", "NOT", "notn", "n"],
        ["GET", "notn"],
        ["OBJECT", "ENCODING", "n"],
        ["OBJECT", "ENCODING", "notn"],
        ["SET", "e", "hello"],
        ["BITFIELD", "e", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"],
        ["OBJECT", "ENCODING", "e"],
        ["SET", "e2", "hello"],
        ["SETBIT", "e2", "1", "1"],
        ["OBJECT", "ENCODING", "e2"],
        ["SET", "e3", "hello"],
        ["BITFIELD", "e3", "GET", "u8", "0"],
        ["OBJECT", "ENCODING", "e3"],
        // BITCOUNT ranges.
        ["SET", "s", "foobar"],
        ["BITCOUNT", "s"],
        ["BITCOUNT", "s", "0", "0"],
        ["BITCOUNT", "s", "1", "1"],
        ["BITCOUNT", "s", "1", "1", "BYTE"],
        ["BITCOUNT", "s", "5", "30", "BIT"],
        ["BITCOUNT", "s", "5", "30", "bit"],
        ["BITCOUNT", "s", "-1", "-5"],
        ["BITCOUNT", "s", "-1", "-5", "x"],
        ["BITCOUNT", "s", "0", "-1", "x"],
        ["BITCOUNT", "s", "-100", "100"],
        ["BITCOUNT", "s", "-100", "100", "BIT"],
        ["BITCOUNT", "s", "9", "9", "BIT"],
        ["BITCOUNT", "s", "47", "47", "BIT"],
        ["BITCOUNT", "s", "48", "100", "BIT"],
        ["BITCOUNT", "s", "0"],
        ["BITCOUNT", "s", "0", "1", "BIT", "x"],
        ["BITCOUNT", "s", "x", "1"],
        ["BITCOUNT", "s", "1", "x"],
        ["BITCOUNT", "s", "-9223372036854775807", "-9223372036854775808"],
        ["BITCOUNT", "s", "9223372036854775807", "9223372036854775806"],
        ["BITCOUNT", "s", "0", "9223372036854775807", "BIT"],
        ["BITCOUNT", "s", "-9223372036854775808", "-1", "BIT"],
        ["BITCOUNT", "s", "1", "0"],
        ["BITCOUNT", "s", "1", "1", "bit\x00x"],
        // BITPOS ranges.
        ["SET", "ones", "\xff\xff\xff"],
        ["BITPOS", "ones", "0"],
        ["BITPOS", "ones", "0", "0"],
        ["BITPOS", "ones", "0", "0", "-1"],
        ["BITPOS", "ones", "0", "0", "-1", "BIT"],
        ["BITPOS", "ones", "0", "0", "23", "BIT"],
        ["BITPOS", "ones", "0", "5", "BIT"],
        ["BITPOS", "ones", "1", "5", "9", "BIT"],
        ["BITPOS", "ones", "1", "-3", "-1", "BIT"],
        ["BITPOS", "ones", "1", "2", "1"],
        ["SET", "zeros", "\x00\x00\x00"],
        ["BITPOS", "zeros", "1"],
        ["BITPOS", "zeros", "1", "1"],
        ["BITPOS", "zeros", "0", "1"],
        ["BITPOS", "zeros", "0", "3"],
        ["BITPOS", "zeros", "0", "3", "10"],
        ["BITPOS", "zeros", "1", "0", "-1", "BIT"],
        ["BITPOS", "zeros", "0", "17", "17", "BIT"],
        ["SET", "mixed", "\x00\x01\x80\x00\xfe"],
        ["BITPOS", "mixed", "1"],
        ["BITPOS", "mixed", "1", "2"],
        ["BITPOS", "mixed", "1", "16", "16", "BIT"],
        ["BITPOS", "mixed", "1", "17", "-1", "BIT"],
        ["BITPOS", "mixed", "0", "32", "38", "BIT"],
        ["BITPOS", "mixed", "0", "32", "39", "BIT"],
        ["BITPOS", "mixed", "0", "-1"],
        ["BITPOS", "mixed", "0", "-1", "-1"],
        ["BITPOS", "mixed", "1", "0", "0", "byte"],
        ["BITPOS", "mixed", "1", "0", "0", "x"],
        ["BITPOS", "mixed", "1", "0", "x", "BIT"],
        ["BITPOS", "mixed", "1", "0", "1", "BIT", "x"],
        ["BITPOS", "mixed", "1", "-9223372036854775808", "9223372036854775807"],
        ["SET", "empty", ""],
        ["BITPOS", "empty", "0"],
        ["BITPOS", "empty", "1"],
        ["BITCOUNT", "empty"],
        ["BITCOUNT", "empty", "0", "-1", "BIT"],
        ["BITFIELD", "empty", "GET", "u8", "0"],
        // BITOP.
        ["BITOP", "NOT", "d", "s", "s"],
        ["BITOP", "NOT", "d"],
        ["BITOP", "NAND", "d", "s"],
        ["BITOP", "and\x00x", "d", "s", "ones"],
        ["GET", "d"],
        ["BITOP", "OR", "d", "s", "mixed", "nokey"],
        ["GET", "d"],
        ["BITOP", "XOR", "d", "s", "s"],
        ["GET", "d"],
        ["BITOP", "AND", "d", "s", "nokey"],
        ["GET", "d"],
        ["OBJECT", "ENCODING", "d"],
        ["BITOP", "AND", "d", "nokey", "nokey2"],
        ["EXISTS", "d"],
        ["BITOP", "AND", "d", "nokey"],
        ["RPUSH", "list", "x"],
        ["BITOP", "OR", "d", "s", "list"],
        ["BITOP", "OR", "list", "s"],
        ["TYPE", "list"],
        ["RPUSH", "list2", "x"],
        ["BITOP", "OR", "list2", "nokey"],
        ["EXISTS", "list2"],
        ["SET", "ttl", "abc", "EX", "100"],
        ["BITOP", "NOT", "ttl", "ttl"],
        ["TTL", "ttl"],
        ["GET", "ttl"],
        // Wrong types.
        ["SETBIT", "list", "0", "1"],
        ["GETBIT", "list", "0"],
        ["BITCOUNT", "list"],
        ["BITCOUNT", "list", "x", "y", "z", "w"],
        ["BITPOS", "list", "1"],
        ["BITPOS", "list", "3"],
        ["BITFIELD", "list", "GET", "u8", "0"],
        ["BITFIELD", "list", "SET", "u8", "0", "1"],
        ["BITFIELD", "list", "SET", "u64", "0", "1"],
        ["BITFIELD_RO", "list", "GET", "u8", "0"],
        ["BITFIELD", "list"],
        // BITFIELD arguments.
        ["BITFIELD", "f", "GET", "u8"],
        ["BITFIELD", "f", "SET", "u8", "0"],
        ["BITFIELD", "f", "INCRBY", "u8", "0"],
        ["BITFIELD", "f", "OVERFLOW"],
        ["BITFIELD", "f", "OVERFLOW", "NOPE", "GET", "u8", "0"],
        ["BITFIELD", "f", "NOPE"],
        ["BITFIELD", "f", "GET", "u64", "0"],
        ["BITFIELD", "f", "GET", "i65", "0"],
        ["BITFIELD", "f", "GET", "i0", "0"],
        ["BITFIELD", "f", "GET", "I8", "0"],
        ["BITFIELD", "f", "GET", "i8\x00x", "0"],
        ["BITFIELD", "f", "GET", "i", "0"],
        ["BITFIELD", "f", "GET", "", "0"],
        ["BITFIELD", "f", "GET", "u8", "-1"],
        ["BITFIELD", "f", "GET", "u8", "#-1"],
        ["BITFIELD", "f", "GET", "u8", "#"],
        ["BITFIELD", "f", "GET", "u8", "#536870912"],
        ["BITFIELD", "f", "GET", "u8", "#536870911"],
        ["BITFIELD", "f", "GET", "u1", "#4294967295"],
        ["BITFIELD", "f", "GET", "u1", "#4294967296"],
        ["BITFIELD", "f", "GET", "i4", "#4611686018427387905"],
        ["BITFIELD", "f", "GET", "i64", "#9223372036854775807"],
        ["BITFIELD", "f", "GET", "u8", "4294967288"],
        ["BITFIELD", "f", "SET", "u8", "0", "x"],
        ["BITFIELD", "f", "SET", "u8", "0", "1", "GET", "u8", "x"],
        ["EXISTS", "f"],
        ["BITFIELD", "f", "get\x00x", "u8", "0"],
        ["BITFIELD_RO", "f", "SET", "u8", "0", "1"],
        ["BITFIELD_RO", "f", "GET", "u8", "0", "INCRBY", "u8", "0", "1"],
        ["BITFIELD_RO", "f", "OVERFLOW", "SAT", "GET", "u8", "0"],
        ["BITFIELD_RO", "f", "OVERFLOW", "SAT"],
        ["BITFIELD_RO", "f", "INCRBY", "u8", "0", "x"],
        ["BITFIELD_RO", "f"],
        ["EXISTS", "f"],
        // Overflow quirks of Redis's C arithmetic.
        [
          "BITFIELD",
          "q",
          "OVERFLOW",
          "SAT",
          "SET",
          "i8",
          "0",
          "-9223372036854775808",
        ],
        ["BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", "0", "-129"],
        ["BITFIELD", "q", "OVERFLOW", "SAT", "SET", "u8", "0", "-1"],
        ["BITFIELD", "q", "SET", "u8", "0", "-1"],
        ["BITFIELD", "q", "OVERFLOW", "FAIL", "SET", "u8", "0", "-1"],
        [
          "BITFIELD",
          "q",
          "OVERFLOW",
          "SAT",
          "SET",
          "i64",
          "0",
          "-9223372036854775808",
        ],
        ["BITFIELD", "q", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1"],
        ["BITFIELD", "q", "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "-1"],
        ["BITFIELD", "q", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1"],
        [
          "BITFIELD",
          "q",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "i64",
          "0",
          "9223372036854775807",
        ],
        ["BITFIELD", "q", "INCRBY", "i64", "0", "9223372036854775807"],
        ["BITFIELD", "q", "INCRBY", "u63", "0", "-9223372036854775808"],
        [
          "BITFIELD",
          "q",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u63",
          "0",
          "-9223372036854775808",
        ],
        [
          "BITFIELD",
          "q",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u63",
          "1",
          "9223372036854775807",
        ],
        [
          "BITFIELD",
          "q",
          "GET",
          "u63",
          "0",
          "GET",
          "i64",
          "0",
          "GET",
          "u1",
          "64",
        ],
        ["GET", "q"],
        // A write that changes nothing still creates the key.
        ["BITFIELD", "nc", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"],
        ["EXISTS", "nc"],
        ["GET", "nc"],
        ["BITFIELD", "nc2", "SET", "u8", "#2", "0", "GET", "u8", "#2"],
        ["GET", "nc2"],
      ];
      for (const args of script) await pair.same(args, `RESP${protocol} `);
    }
  },
);

differentialTest(
  "differential: large bitmaps and the offset limit match redis-server",
  async (pair) => {
    // proto-max-bulk-len at its minimum keeps the largest bitmap at 1 MB.
    await pair.same(["CONFIG", "SET", "proto-max-bulk-len", "1048576"]);
    const last = String(8 * 1024 * 1024 - 1);
    const script: string[][] = [
      ["SETBIT", "big", String(8 * 1024 * 1024), "1"],
      ["BITFIELD", "big", "SET", "u8", String(8 * 1024 * 1024 - 7), "1"],
      ["BITFIELD", "big", "GET", "u8", String(8 * 1024 * 1024)],
      ["BITFIELD", "big", "SET", "u8", "#131071", "1"],
      ["BITFIELD", "big", "GET", "u8", "#131072"],
      ["SETBIT", "big", last, "1"],
      ["STRLEN", "big"],
      ["BITCOUNT", "big"],
      ["BITPOS", "big", "1"],
      ["BITPOS", "big", "0"],
      ["SETBIT", "big", "123457", "1"],
      ["SETBIT", "big", "5000001", "1"],
      ["BITCOUNT", "big"],
      ["BITCOUNT", "big", "3", "-3"],
      ["BITCOUNT", "big", "123456", "8000000", "BIT"],
      ["BITCOUNT", "big", "123458", "5000001", "BIT"],
      ["BITPOS", "big", "1"],
      ["BITPOS", "big", "1", "15433"],
      ["BITPOS", "big", "1", "123458", "-1", "BIT"],
      ["BITPOS", "big", "1", "5000002", "-2", "BIT"],
      ["BITPOS", "big", "0", "0", "-1", "BIT"],
      ["BITOP", "NOT", "inv", "big"],
      ["BITPOS", "inv", "0"],
      ["BITPOS", "inv", "0", "15433"],
      ["BITPOS", "inv", "1", "0", "-1"],
      ["BITCOUNT", "inv"],
      ["BITOP", "OR", "both", "big", "inv"],
      ["BITCOUNT", "both"],
      ["BITPOS", "both", "0"],
      ["BITPOS", "both", "0", "0", "-1"],
      ["BITOP", "AND", "none", "big", "inv"],
      ["BITCOUNT", "none"],
      ["BITPOS", "none", "1"],
      ["BITOP", "XOR", "x", "big", "inv", "both"],
      ["BITCOUNT", "x"],
      ["CONFIG", "SET", "proto-max-bulk-len", "536870912"],
      ["SETBIT", "big", "4294967296", "1"],
      ["GETBIT", "big", "4294967295"],
      ["GETBIT", "big", last],
    ];
    for (const args of script) await pair.same(args);
    // Unaligned sources of assorted lengths: the word loops' edges.
    const p = new Picker(prng(9));
    const noise = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(p.int(0, 255));
      return s;
    };
    for (let round = 0; round < 40; round++) {
      const keys = ["r1", "r2", "r3"];
      for (const key of keys) {
        await pair.same(["SET", key, noise(p.int(0, 300))]);
        if (p.chance(0.5)) await pair.same(["SETRANGE", key, "0", noise(3)]);
      }
      const op = p.pick(["AND", "OR", "XOR"]);
      await pair.same(["BITOP", op, "out", ...keys]);
      await pair.same(["GET", "out"]);
      await pair.same(["BITOP", "NOT", "out", p.pick(keys)]);
      await pair.same(["GET", "out"]);
      for (const key of keys) {
        await pair.same(["BITCOUNT", key]);
        const a = String(p.int(-2500, 2500));
        const b = String(p.int(-2500, 2500));
        await pair.same(["BITCOUNT", key, a, b, "BIT"]);
        await pair.same(["BITPOS", key, p.pick(["0", "1"]), a, b, "BIT"]);
        await pair.same(["BITPOS", key, p.pick(["0", "1"]), a]);
      }
    }
  },
);

commandInfoTest("bitmap", BITMAP_COMMANDS);

differentialTest(
  "differential: bitmap keyspace notifications match redis-server",
  async (pair) => {
    await pair.sameEvents([
      ["SETBIT", "b", "3", "0"],
      ["SETBIT", "b", "3", "0"],
      ["SETBIT", "b", "3", "1"],
      ["SETBIT", "b", "3", "1"],
      ["SETBIT", "b", "20", "0"],
      ["SETBIT", "b", "1", "0"],
      ["BITFIELD", "b", "SET", "u8", "0", "1", "INCRBY", "u4", "0", "1"],
      ["BITFIELD", "b", "SET", "u8", "0", "17"],
      ["BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"],
      ["BITFIELD", "b", "SET", "u8", "100", "0"],
      ["BITFIELD", "b", "GET", "u8", "0"],
      ["BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"],
      ["BITFIELD_RO", "b", "GET", "u8", "0"],
      ["BITOP", "NOT", "d", "b"],
      ["BITOP", "AND", "d", "nokey"],
      ["BITOP", "AND", "d", "nokey"],
      ["BITOP", "OR", "d2", "b", "nokey"],
      ["GETBIT", "nokey", "1"],
      ["BITCOUNT", "b"],
      ["BITPOS", "b", "1"],
    ]);
  },
);

differentialTest(
  "differential: bitmap reads count keyspace hits and misses like redis-server",
  async (pair) => {
    const script: string[][] = [["SETBIT", "b", "5", "1"]];
    for (const key of ["b", "nokey"]) {
      script.push(
        ["GETBIT", key, "1"],
        ["GETBIT", key, "x"],
        ["BITCOUNT", key],
        ["BITCOUNT", key, "0", "x"],
        ["BITPOS", key, "1"],
        ["BITPOS", key, "5"],
        ["BITOP", "OR", "dest", key, "b", "nokey2"],
        ["BITFIELD", key, "GET", "u8", "0"],
        ["BITFIELD_RO", key, "GET", "u8", "0"],
        ["BITFIELD", key, "SET", "u8", "0", "1"],
        ["BITFIELD", key, "GET", "u8", "x"],
        ["SETBIT", key, "9", "1"],
        ["DEL", "nokey"],
      );
    }
    await pair.sameKeyspaceStats(script);
  },
);

differentialTest(
  "differential: bitmaps DUMP on one server RESTORE on the other, both ways",
  async (pair) => {
    const { ourClient: ours, oracleClient: redis } = pair;
    const sizes = [1, 7, 44, 45, 1000, 70000];
    for (const [from, to] of [[redis, ours], [ours, redis]]) {
      await pair.same(["FLUSHALL"]);
      for (const size of sizes) {
        const key = `bm${size}`;
        // Sparse bitmaps (LZF-compressed in the payload) and dense ones.
        await pair.same(["SETBIT", key, String(size * 8 - 1), "1"]);
        await pair.same(["SETBIT", key, String(size * 4), "1"]);
        const dense = `dense${size}`;
        let bytes = "";
        for (let i = 0; i < size; i++) {
          bytes += String.fromCharCode((i * 151 + 7) & 0xff);
        }
        await pair.same(["SET", dense, bytes]);
        await pair.same(["BITFIELD", dense, "INCRBY", "i13", "#3", "4321"]);
        for (const name of [key, dense]) {
          const payload = await from.call("DUMP", name) as string;
          assert.equal(
            await to.call("RESTORE", `${name}-copy`, "0", payload),
            "OK",
          );
          for (const read of [["GET"], ["BITCOUNT"], ["BITPOS", "0"]]) {
            const [command, ...rest] = read;
            assert.equal(
              latin1(await to.callRaw(command, `${name}-copy`, ...rest)),
              latin1(await from.callRaw(command, name, ...rest)),
              `${command} ${name}`,
            );
          }
        }
      }
      await pair.same(["DEBUG", "RELOAD"]);
      for (const size of sizes) {
        await pair.same(["GET", `bm${size}`]);
        await pair.same(["GET", `dense${size}`]);
      }
    }
  },
);
