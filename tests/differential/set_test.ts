import {
  commandInfoTest,
  differentialTest,
  Pair,
  Picker,
  prng,
} from "../helpers/differential.ts";
import { SET_COMMANDS } from "../../lib/types/set.ts";

const KEYS = ["s1", "s2", "s3", "str"];
const MEMBERS = ["1", "2", "3", "10", "-5", "007", "a", "b", "", "x\x00y"];

/** Compares a reply whose order is fixed only for intset-encoded sets. */
async function sameForEncoding(
  pair: Pair,
  key: string,
  args: string[],
  context: string,
): Promise<void> {
  const encoding = await pair.same(["OBJECT", "ENCODING", key], context);
  if (encoding.includes("hashtable")) {
    await pair.sameUnordered(args, false, context);
  } else await pair.same(args, context);
}

/** A random set command (with occasional bad arguments) on a small key space. */
function randomCommand(p: Picker): string[] {
  const key = p.pick(KEYS);
  const member = () => p.pick(MEMBERS);
  const members = () => Array.from({ length: p.int(1, 4) }, member);
  const keys = () => Array.from({ length: p.int(1, 3) }, () => p.pick(KEYS));
  switch (p.int(0, 22)) {
    case 0:
    case 1:
    case 2:
      return ["SADD", key, ...members()];
    case 3:
      return ["SREM", key, ...members()];
    case 4:
      return ["SCARD", key];
    case 5:
      return ["SISMEMBER", key, member()];
    case 6:
      return ["SMISMEMBER", key, ...members()];
    case 7:
      return ["SMOVE", key, p.pick(KEYS), member()];
    case 8:
      return ["SINTERSTORE", p.pick(KEYS), ...keys()];
    case 9:
      return ["SUNIONSTORE", p.pick(KEYS), ...keys()];
    case 10:
      return ["SDIFFSTORE", p.pick(KEYS), ...keys()];
    case 11: {
      const n = p.int(0, 3);
      const args = ["SINTERCARD", String(n)];
      for (let i = 0; i < n; i++) args.push(p.pick(KEYS));
      if (p.chance(0.5)) args.push("LIMIT", p.pick(["0", "1", "2", "-1", "x"]));
      return args;
    }
    case 12:
      return ["SPOP", key, p.pick(["100", "0", "-1", "x"])];
    case 13:
      return ["SRANDMEMBER", key, p.pick(["100", "0", "x"])];
    case 14:
      return ["SET", "str", member()];
    case 15:
      return ["DEL", key];
    case 16:
      return ["TYPE", key];
    case 17:
      return ["SPOP", key, "1", "2"];
    case 18:
      return ["SINTERCARD", "5", key];
    case 21:
      return ["RENAME", key, p.pick(KEYS)];
    case 22:
      return p.chance(0.5)
        ? ["COPY", key, p.pick(KEYS)]
        : ["COPY", key, p.pick(KEYS), "REPLACE"];
    default:
      return ["EXISTS", key];
  }
}

/** Runs random command sequences from each of `seeds` on `pair`. */
async function runRandom(pair: Pair, seeds: number[]): Promise<void> {
  for (const seed of seeds) {
    const p = new Picker(prng(seed));
    // Odd seeds run in RESP2, even ones in RESP3.
    await pair.both(["HELLO", seed % 2 === 0 ? "3" : "2"]);
    await pair.same(["FLUSHALL"]);
    for (let i = 0; i < 1500; i++) {
      const context = `seed ${seed} step ${i}: `;
      const command = randomCommand(p);
      const name = command[0];
      if (name === "SRANDMEMBER" || name === "SPOP") {
        await sameForEncoding(pair, command[1], command, context);
      } else await pair.same(command, context);
      if (p.chance(0.2)) {
        const key = p.pick(KEYS);
        await sameForEncoding(pair, key, ["SMEMBERS", key], context);
      }
      if (p.chance(0.1)) {
        const keys = [p.pick(KEYS), p.pick(KEYS)];
        const op = p.pick(["SUNION", "SINTER", "SDIFF"]);
        await pair.sameUnordered([op, ...keys], false, context);
      }
    }
  }
}

differentialTest(
  "differential: random set command sequences match redis-server",
  (pair) => runRandom(pair, [1, 2]),
);

differentialTest(
  "differential: random set sequences with a tiny set-max-intset-entries match redis-server",
  (pair) => runRandom(pair, [3, 4]),
  { flags: ["--set-max-intset-entries", "3"] },
);

differentialTest(
  "differential: set edge cases match redis-server in RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      const script: string[][] = [
        ["SMEMBERS", "nokey"],
        ["SPOP", "nokey"],
        ["SPOP", "nokey", "3"],
        ["SPOP", "nokey", "-1"],
        ["SPOP", "nokey", "0"],
        ["SRANDMEMBER", "nokey"],
        ["SRANDMEMBER", "nokey", "3"],
        ["SRANDMEMBER", "nokey", "-3"],
        ["SRANDMEMBER", "nokey", "-9223372036854775808"],
        ["SRANDMEMBER", "nokey", "1", "2"],
        ["SADD", "ints", "30", "-2", "7", "100", "0"],
        ["OBJECT", "ENCODING", "ints"],
        ["SMEMBERS", "ints"],
        ["SRANDMEMBER", "ints", "5"],
        ["SRANDMEMBER", "ints", "50"],
        ["SRANDMEMBER", "ints", "0"],
        ["SSCAN", "ints", "0"],
        ["SSCAN", "ints", "0", "MATCH", "*0", "COUNT", "1"],
        ["SSCAN", "ints", "0", "COUNT", "0"],
        ["SSCAN", "ints", "0", "COUNT", "x"],
        ["SSCAN", "ints", "0", "TYPE", "set"],
        ["SSCAN", "ints", "x"],
        ["SSCAN", "ints", "-1"],
        ["SSCAN", "nokey", "0", "COUNT", "0"],
        [
          "SADD",
          "more",
          "5",
          "-2",
          "9223372036854775807",
          "-9223372036854775808",
        ],
        ["SUNION", "ints", "more", "nokey"],
        ["SINTER", "ints", "more"],
        ["SDIFF", "ints", "more", "nokey"],
        ["SDIFF", "nokey", "ints"],
        ["SINTER", "ints", "nokey"],
        ["SINTERCARD", "2", "ints", "more"],
        ["SINTERCARD", "2", "ints", "more", "LIMIT", "1"],
        ["SINTERCARD", "0", "ints"],
        ["SINTERCARD", "x", "ints"],
        ["SINTERCARD", "3", "ints"],
        ["SINTERCARD", "1", "ints", "LIMIT", "-1"],
        ["SINTERCARD", "1", "ints", "LIMIT"],
        ["SINTERCARD", "1", "ints", "BAD", "1"],
        ["SUNIONSTORE", "dst", "ints", "more"],
        ["OBJECT", "ENCODING", "dst"],
        ["SMEMBERS", "dst"],
        ["SET", "str", "x"],
        ["SUNION", "nokey", "str"],
        ["SINTER", "nokey", "str"],
        ["SINTERSTORE", "dst", "nokey", "ints"],
        ["EXISTS", "dst"],
        ["SINTERSTORE", "str", "ints", "more"],
        ["TYPE", "str"],
        ["SMOVE", "nokey", "str", "1"],
        ["SMOVE", "ints", "str2", "30"],
        ["OBJECT", "ENCODING", "str2"],
        ["SMOVE", "ints", "ints", "7"],
        ["SMOVE", "ints", "ints", "8"],
        ["SET", "str", "x"],
        ["SMOVE", "ints", "str", "7"],
        ["SADD", "ints", "abc"],
        ["OBJECT", "ENCODING", "ints"],
        ["SREM", "ints", "abc"],
        ["OBJECT", "ENCODING", "ints"],
        ["SADD", "neg", "-0"],
        ["OBJECT", "ENCODING", "neg"],
        ["SADD", "plus", "+1"],
        ["OBJECT", "ENCODING", "plus"],
        ["SPOP", "ints", "100"],
        ["EXISTS", "ints"],
        ["SADD", "one", "1"],
        ["SPOP", "one"],
        ["EXISTS", "one"],
        ["SISMEMBER", "str", "x"],
        ["SMISMEMBER", "nokey", "a", "b"],
      ];
      for (const args of script) await pair.same(args, `RESP${protocol} `);
    }
  },
);

commandInfoTest("set", SET_COMMANDS);

differentialTest(
  "differential: set keyspace notifications match redis-server",
  async (pair) => {
    await pair.sameEvents([
      ["SADD", "s", "a", "b", "c"],
      ["SADD", "s", "a"],
      ["SREM", "s", "a", "z"],
      ["SREM", "s", "z"],
      ["SMOVE", "s", "t", "b"],
      ["SMOVE", "s", "t", "c"],
      ["SADD", "u", "1", "2"],
      ["SINTERSTORE", "d", "t", "u"],
      ["SUNIONSTORE", "d", "t", "u"],
      ["SDIFFSTORE", "d", "t", "u"],
      ["SINTERSTORE", "d", "t", "u"],
      ["SINTERSTORE", "d", "t", "nokey"],
      ["SPOP", "u", "0"],
      ["SPOP", "u", "5"],
      ["SADD", "one", "x"],
      ["SPOP", "one"],
    ]);
  },
);

differentialTest(
  "differential: set reads count keyspace hits and misses like redis-server",
  async (pair) => {
    const script: string[][] = [["SADD", "s", "1", "2"], ["SADD", "t", "2"]];
    for (const key of ["s", "nokey"]) {
      script.push(
        ["SCARD", key],
        ["SISMEMBER", key, "1"],
        ["SMISMEMBER", key, "1", "3"],
        ["SMEMBERS", key],
        ["SRANDMEMBER", key, "5"],
        ["SSCAN", key, "0"],
        ["SINTER", key, "t"],
        ["SINTERCARD", "2", key, "t"],
        ["SUNION", key, "t"],
        ["SDIFF", key, "t"],
        ["SINTERSTORE", "d", key, "t"],
        ["SUNIONSTORE", "d", key, "t"],
        ["SDIFFSTORE", "d", key, "t"],
        ["SMOVE", key, "t", "9"],
        ["SREM", key, "9"],
      );
    }
    await pair.sameKeyspaceStats(script);
  },
);
