import assert from "node:assert/strict";
import { prng, withPair } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: string differential tests skipped");
}

/** Whether our server knows `command` (other types may not exist yet). */

Deno.test({
  name: "differential: string command edge cases match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const script: string[][] = [
        ["SET", "k", "v", "EX", "10", "EX", "20"],
        ["SET", "k", "v", "NX", "NX", "GET", "GET"],
        ["SET", "k", "v", "EX", "10", "PX", "20"],
        ["SET", "k", "v", "KEEPTTL", "KEEPTTL"],
        ["SET", "k", "v", "KEEPTTL", "EX", "10"],
        ["SET", "k", "v", "EX", "10", "KEEPTTL"],
        ["SET", "k", "v", "NX", "XX"],
        ["SET", "k", "v", "PERSIST"],
        ["SET", "k", "v", "EX"],
        ["SET", "k", "v", "EX", "0"],
        ["SET", "k", "v", "EX", "-1"],
        ["SET", "k", "v", "EX", "x"],
        ["SET", "k", "v", "EX", "9223372036854775"],
        ["SET", "k", "v", "EX", "9223372036854776"],
        ["SET", "k", "v", "PX", "9223372036854775807"],
        ["SET", "k", "v", "EXAT", "9223372036854775"],
        ["SET", "k", "v", "PXAT", "9223372036854775807"],
        ["SET", "k", "v", "nx\x00junk"],
        ["SET", "k", "v", "EXAT", "1"],
        ["GET", "k"],
        ["SET", "k", "v", "XX", "GET"],
        ["SET", "k", "v2", "NX", "GET"],
        ["SET", "k", "v3", "XX", "GET"],
        ["SETNX", "k", "x"],
        ["SETNX", "n", "x"],
        ["SETEX", "k", "0", "x"],
        ["SETEX", "k", "x", "x"],
        ["PSETEX", "k", "-5", "x"],
        ["SETEX", "k", "100", "x"],
        ["GETSET", "k", "y"],
        ["GETSET", "nokey", "y"],
        ["GETDEL", "nokey"],
        ["GETDEL", "k"],
        ["GETDEL", "k"],
        ["GETEX", "nokey", "EX", "-5"],
        ["GETEX", "nokey", "BAD"],
        ["GETEX", "n", "EX", "-5"],
        ["GETEX", "n", "PERSIST", "EX", "5"],
        ["GETEX", "n", "EX", "5", "PERSIST"],
        ["GETEX", "n", "NX"],
        ["GETEX", "n", "KEEPTTL"],
        ["GETEX", "n", "EX", "100"],
        ["GETEX", "n", "PERSIST"],
        ["GETEX", "n", "PXAT", "1"],
        ["EXISTS", "n"],
        ["MSET", "a"],
        ["MSET", "a", "1", "b"],
        ["MSET", "a", "1", "b", "2"],
        ["MSETNX", "a", "1", "c", "3"],
        ["MSETNX", "c", "3", "d", "4"],
        ["MGET", "a", "b", "c", "d", "nokey"],
        ["APPEND", "e", ""],
        ["EXISTS", "e"],
        ["SETRANGE", "e", "0", ""],
        ["SETRANGE", "e", "3", "ab"],
        ["GET", "e"],
        ["SETRANGE", "e", "-1", "x"],
        ["SETRANGE", "e", "x", "x"],
        ["SETRANGE", "e", "536870911", "xx"],
        ["SETRANGE", "e", "536870912", ""],
        ["SETRANGE", "nokey", "5", ""],
        ["APPEND", "a", "23"],
        ["OBJECT", "ENCODING", "a"],
        ["INCR", "a"],
        ["OBJECT", "ENCODING", "a"],
        ["INCRBYFLOAT", "a", "0.5"],
        ["INCRBYFLOAT", "a", "0.5"],
        ["OBJECT", "ENCODING", "a"],
        ["INCRBY", "a", "9223372036854775000"],
        ["INCRBY", "a", "100000"],
        ["DECRBY", "a", "-9223372036854775808"],
        ["DECRBY", "a", "9223372036854775807"],
        ["DECRBY", "a", "9223372036854775807"],
        ["DECR", "a"],
        ["DECR", "a"],
        ["INCRBY", "a", "1.5"],
        ["INCRBY", "a", "+1"],
        ["INCR", "e"],
        ["INCRBYFLOAT", "e", "1"],
        ["INCRBYFLOAT", "f", "inf"],
        ["INCRBYFLOAT", "f", "1e308"],
        ["INCRBYFLOAT", "f", "1e308"],
        ["SET", "g", "1"],
        ["INCRBYFLOAT", "g", "-0"],
        ["SET", "h", "-0"],
        ["INCRBYFLOAT", "h", "-0"],
        ["GETRANGE", "nokey", "0", "-1"],
        ["SET", "s", "Hello World"],
        ["GETRANGE", "s", "0", "4"],
        ["GETRANGE", "s", "-5", "-1"],
        ["GETRANGE", "s", "-1", "-5"],
        ["GETRANGE", "s", "5", "3"],
        ["GETRANGE", "s", "-100", "100"],
        ["GETRANGE", "s", "9223372036854775807", "-9223372036854775808"],
        ["GETRANGE", "s", "x", "1"],
        ["SUBSTR", "s", "3", "-3"],
        ["SET", "z", ""],
        ["GETRANGE", "z", "0", "-1"],
        ["GETRANGE", "z", "-1", "0"],
        ["STRLEN", "s"],
        ["STRLEN", "nokey"],
        ["SET", "la", "ohmytext"],
        ["SET", "lb", "mynewtext"],
        ["LCS", "la", "lb"],
        ["LCS", "la", "lb", "LEN"],
        ["LCS", "la", "lb", "IDX"],
        ["LCS", "la", "lb", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        ["LCS", "la", "lb", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-3"],
        ["LCS", "la", "lb", "IDX", "LEN"],
        ["LCS", "la", "lb", "MINMATCHLEN"],
        ["LCS", "la", "lb", "MINMATCHLEN", "x"],
        ["LCS", "la", "lb", "BOGUS"],
        ["LCS", "la", "nokey", "IDX"],
        ["LCS", "nokey", "nokey2"],
        ["LCS", "la", "la", "IDX", "WITHMATCHLEN"],
        ["GET"],
        ["SETNX", "k"],
        ["GETEX"],
        ["LCS", "la"],
      ];
      for (const args of script) await pair.same(args);
      {
        await pair.same(["LPUSH", "list", "x"]);
        for (
          const args of [
            ["GET", "list"],
            ["SET", "list", "v", "GET"],
            ["GETSET", "list", "v"],
            ["GETDEL", "list"],
            ["GETEX", "list", "EX", "-1"],
            ["APPEND", "list", "x"],
            ["SETRANGE", "list", "0", ""],
            ["STRLEN", "list"],
            ["INCRBY", "list", "x"],
            ["INCR", "list"],
            ["INCRBYFLOAT", "list", "x"],
            ["GETRANGE", "list", "0", "1"],
            ["LCS", "list", "la"],
            ["LCS", "list", "la", "BOGUS"],
            ["MGET", "list", "la"],
            ["SET", "list", "v", "NX"],
            ["SET", "list", "v"],
            ["TYPE", "list"],
          ]
        ) await pair.same(args);
      }
    });
  },
});

const VALUES = [
  "0",
  "1",
  "-1",
  "42",
  "007",
  "+5",
  "-0",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "3.14",
  "1e3",
  "-2.5e-3",
  "0x10",
  "inf",
  " 1",
  "abc",
  "",
  "\x00\x01\xff\r\n",
  "x".repeat(44),
  "y".repeat(45),
  "12345678901234567890123",
];
const INT_ARGS = [
  "1",
  "-1",
  "100",
  "-100",
  "9223372036854775807",
  "-9223372036854775808",
  "x",
  "1.5",
  "",
  "0",
];
const FLOAT_ARGS = [
  "0.1",
  "-0.1",
  "1e3",
  "5.0e3",
  "1.5",
  "-7",
  "inf",
  "abc",
  "1e400",
  "0x1p-3",
  "3.0000000000000001",
  "1e-20",
  "-1e308",
  "",
];
const INDEXES = ["0", "1", "2", "-1", "-2", "5", "-30", "30", "x"];
const LCS_OPTIONS = [
  [],
  ["LEN"],
  ["IDX"],
  ["IDX", "WITHMATCHLEN"],
  ["IDX", "MINMATCHLEN", "2"],
  ["IDX", "LEN"],
  ["MINMATCHLEN"],
  ["foo"],
];
const SET_OPTIONS = [
  [],
  ["NX"],
  ["XX"],
  ["GET"],
  ["NX", "GET"],
  ["XX", "GET"],
  ["KEEPTTL"],
  ["EX", "1000"],
  ["PX", "1000000"],
  ["EXAT", "1"],
  ["PXAT", "99999999999999"],
  ["EX", "0"],
  ["EX", "x"],
  ["KEEPTTL", "PX", "5"],
  ["nx", "xx"],
];
const GETEX_OPTIONS = [
  [],
  ["PERSIST"],
  ["EX", "1000"],
  ["EXAT", "1"],
  ["PXAT", "99999999999999"],
  ["EX", "-1"],
  ["NX"],
];

Deno.test({
  name: "differential: random string command sequences match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const rand = prng(7031);
      const pick = <T>(list: readonly T[]): T =>
        list[Math.floor(rand() * list.length)];
      const key = () => "k" + Math.floor(rand() * 5);
      const value = () => pick(VALUES);
      const generators: (() => string[])[] = [
        () => ["SET", key(), value(), ...pick(SET_OPTIONS)],
        () => ["GET", key()],
        () => ["SETNX", key(), value()],
        () => ["SETEX", key(), pick(["100", "0", "x"]), value()],
        () => ["PSETEX", key(), pick(["100000", "-1"]), value()],
        () => ["GETSET", key(), value()],
        () => ["GETDEL", key()],
        () => ["GETEX", key(), ...pick(GETEX_OPTIONS)],
        () => ["MGET", key(), key(), key()],
        () => ["MSET", key(), value(), key(), value()],
        () => ["MSETNX", key(), value(), key(), value()],
        () => ["APPEND", key(), value()],
        () => ["STRLEN", key()],
        () => ["GETRANGE", key(), pick(INDEXES), pick(INDEXES)],
        () => ["SUBSTR", key(), pick(INDEXES), pick(INDEXES)],
        () => ["SETRANGE", key(), pick(INDEXES), value()],
        () => ["INCR", key()],
        () => ["DECR", key()],
        () => ["INCRBY", key(), pick(INT_ARGS)],
        () => ["DECRBY", key(), pick(INT_ARGS)],
        () => ["INCRBYFLOAT", key(), pick(FLOAT_ARGS)],
        () => ["LCS", key(), key(), ...pick(LCS_OPTIONS)],
        () => ["DEL", key()],
        () => ["EXISTS", key(), key()],
        () => ["TYPE", key()],
        () => ["OBJECT", "ENCODING", key()],
        () => ["GET", key()],
      ];
      generators.push(() => ["LPUSH", key(), value()]);
      for (let i = 0; i < 2500; i++) {
        const args = pick(generators)();
        if (rand() < 0.2) args[0] = args[0].toLowerCase();
        await pair.same(args, `step ${i} `);
      }
    });
  },
});

/** Reads `field` from an INFO reply. */
function infoField(info: string, field: string): string {
  const match = new RegExp(`^${field}:(.*)\r$`, "m").exec(info);
  assert.ok(match, `INFO has no ${field}`);
  return match[1];
}

Deno.test({
  name:
    "differential: keyspace hits/misses and the dirty counter match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const dirty = async () =>
        (await pair.both(["INFO", "persistence"])).map((info) =>
          Number(infoField(info, "rdb_changes_since_last_save"))
        );
      await pair.same(["CONFIG", "RESETSTAT"]);
      const before = await dirty();
      const script = [
        ["SET", "a", "1"],
        ["GET", "a"],
        ["GET", "b"],
        ["MGET", "a", "b", "c"],
        ["GETSET", "a", "2"],
        ["SET", "a", "3", "GET"],
        ["SET", "a", "3", "NX"],
        ["INCR", "a"],
        ["GETDEL", "a"],
        ["GETEX", "a"],
        ["STRLEN", "a"],
        ["LCS", "a", "b"],
        ["GETRANGE", "a", "0", "1"],
        ["APPEND", "a", "x"],
        ["SETNX", "a", "1"],
        ["MSETNX", "a", "1"],
        ["MSET", "m1", "1", "m2", "2", "m3", "3"],
        ["MSETNX", "n1", "1", "n2", "2"],
        ["INCRBYFLOAT", "a", "1"],
        ["INCRBYFLOAT", "f", "1"],
        ["SETRANGE", "a", "1", "x"],
        ["SETRANGE", "a", "1", ""],
        ["GETEX", "f", "EX", "100"],
        ["GETEX", "f", "PERSIST"],
        ["GETEX", "f", "PERSIST"],
        ["GETEX", "f", "EXAT", "1"],
        ["SETEX", "s", "100", "v"],
      ];
      for (const args of script) await pair.same(args);
      const after = await dirty();
      assert.equal(after[0] - before[0], after[1] - before[1], "dirty delta");
      const [ours, theirs] = await pair.both(["INFO", "stats"]);
      for (const field of ["keyspace_hits", "keyspace_misses"]) {
        assert.equal(infoField(ours, field), infoField(theirs, field), field);
      }
    });
  },
});

Deno.test({
  name: "differential: LCS ranges on random strings match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      const rand = prng(4242);
      const text = () => {
        const alphabet = rand() < 0.5 ? "ab" : "abcdxyz";
        let s = "";
        const n = Math.floor(rand() * 40);
        for (let i = 0; i < n; i++) {
          s += alphabet[Math.floor(rand() * alphabet.length)];
        }
        return s;
      };
      for (let i = 0; i < 300; i++) {
        await pair.same(["MSET", "x", text(), "y", text()]);
        const options = [
          [],
          ["LEN"],
          ["IDX"],
          ["IDX", "WITHMATCHLEN"],
          ["IDX", "MINMATCHLEN", String(Math.floor(rand() * 4))],
        ][i % 5];
        await pair.same(["LCS", "x", "y", ...options], `case ${i} `);
      }
    });
  },
});

Deno.test({
  name: "differential: RESP3 replies of string commands match redis-server",
  ignore: NO_ORACLE,
  async fn(t) {
    await withPair({}, async (pair) => {
      await pair.ourClient.callRaw("HELLO", "3");
      await pair.oracleClient.callRaw("HELLO", "3");
      await t.step({
        name: "nulls, maps and numbers",
        async fn() {
          for (
            const args of [
              ["GET", "nokey"],
              ["SET", "k", "v", "NX", "GET"],
              ["SET", "k", "w", "XX", "GET"],
              ["SET", "k2", "v", "XX"],
              ["GETDEL", "nokey"],
              ["GETEX", "nokey"],
              ["GETSET", "nokey", "1"],
              ["MGET", "k", "nokey", "nokey"],
              ["INCRBYFLOAT", "f", "1.5"],
              ["INCR", "n"],
              ["SET", "a", "ohmytext"],
              ["SET", "b", "mynewtext"],
              ["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
              ["LCS", "a", "b", "LEN"],
              ["LCS", "a", "b"],
              ["GETRANGE", "nokey", "0", "1"],
            ]
          ) await pair.same(args);
        },
      });
    });
  },
});
