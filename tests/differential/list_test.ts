import {
  commandInfoTest,
  differentialTest,
  Picker,
  prng,
} from "../helpers/differential.ts";
import { LIST_COMMANDS } from "../../lib/types/list.ts";

const KEYS = ["l1", "l2", "l3", "str"];
const VALUES = ["a", "b", "c", "1", "", "a\x00b"];
const INDEXES = ["0", "1", "-1", "2", "-2", "5", "-7", "x", "1.5", "+1"];

/** A random list command (with occasional bad arguments) over a small key space. */
function randomCommand(p: Picker): string[] {
  const key = p.pick(KEYS);
  const other = p.pick(KEYS);
  const value = () => p.pick(VALUES);
  const values = () => Array.from({ length: p.int(1, 3) }, value);
  const index = () => p.pick(INDEXES);
  const end = () => p.pick(["LEFT", "right", "RIGHT", "up"]);
  const count = () => p.pick(["0", "1", "2", "5", "-1", "x"]);
  switch (p.int(0, 26)) {
    case 0:
      return ["LPUSH", key, ...values()];
    case 1:
      return ["RPUSH", key, ...values()];
    case 2:
      return [p.pick(["LPUSHX", "RPUSHX"]), key, ...values()];
    case 3:
      return p.chance(0.5)
        ? [p.pick(["LPOP", "RPOP"]), key]
        : [p.pick(["LPOP", "RPOP"]), key, count()];
    case 4:
      return ["LLEN", key];
    case 5:
    case 6:
      return ["LRANGE", key, index(), index()];
    case 7:
      return ["LINDEX", key, index()];
    case 8:
      return ["LSET", key, index(), value()];
    case 9:
      return [
        "LINSERT",
        key,
        p.pick(["BEFORE", "after", "middle"]),
        value(),
        value(),
      ];
    case 10:
      return ["LREM", key, p.pick(["0", "1", "-1", "2", "-2", "x"]), value()];
    case 11:
      return ["LTRIM", key, index(), index()];
    case 12: {
      const args = ["LPOS", key, value()];
      for (let i = p.int(0, 3); i > 0; i--) {
        const option = p.pick(["RANK", "COUNT", "MAXLEN", "BAD"]);
        args.push(option);
        if (option === "RANK") args.push(p.pick(["1", "-1", "2", "-2", "0"]));
        else if (option !== "BAD") args.push(count());
      }
      return args;
    }
    case 13:
      return ["LMOVE", key, other, end(), end()];
    case 14:
      return ["RPOPLPUSH", key, other];
    case 15: {
      const n = p.int(0, 3);
      const args = ["LMPOP", p.chance(0.1) ? "x" : String(n)];
      for (let i = 0; i < n; i++) args.push(p.pick(KEYS));
      args.push(end());
      if (p.chance(0.5)) args.push("COUNT", count());
      return args;
    }
    case 16:
      return [p.pick(["BLPOP", "BRPOP"]), key, other, "0.01"];
    case 17:
      return ["BLMOVE", key, other, end(), end(), "0.01"];
    case 18:
      return ["BLMPOP", "0.01", "2", key, other, end(), "COUNT", count()];
    case 19:
      return ["SET", "str", value()];
    case 20:
      return ["DEL", key];
    case 21:
      return ["TYPE", key];
    case 22:
      return ["LPOP", key, "1", "2"];
    case 23:
      return ["OBJECT", "ENCODING", key];
    case 25:
      return ["RENAME", key, p.pick(KEYS)];
    case 26:
      return p.chance(0.5)
        ? ["COPY", key, p.pick(KEYS)]
        : ["COPY", key, p.pick(KEYS), "REPLACE"];
    default:
      return ["EXISTS", key];
  }
}

differentialTest(
  "differential: random list command sequences match redis-server",
  async (pair) => {
    for (const seed of [1, 2, 3]) {
      const p = new Picker(prng(seed));
      // The last seed runs in RESP3.
      if (seed === 3) await pair.both(["HELLO", "3"]);
      await pair.same(["FLUSHALL"]);
      for (let i = 0; i < 1000; i++) {
        await pair.same(randomCommand(p), `seed ${seed} step ${i}: `);
      }
    }
  },
);

differentialTest(
  "differential: list edge cases match redis-server in RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      const script: string[][] = [
        ["LPOP", "nokey"],
        ["LPOP", "nokey", "0"],
        ["LPOP", "nokey", "2"],
        ["RPUSH", "l", "a", "b", "a", "c", "a"],
        ["LPOP", "l", "0"],
        ["LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "0"],
        ["LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"],
        ["LPOS", "l", "a", "RANK", "-9223372036854775808"],
        ["LPOS", "l", "a", "RANK", "9223372036854775807"],
        ["LPOS", "l", "a", "RANK", "9223372036854775808"],
        ["LPOS", "l", "a", "COUNT", "2", "MAXLEN", "3"],
        ["LPOS", "l", "a", "RANK", "-2", "COUNT", "0", "MAXLEN", "4"],
        ["LPOS", "l", "z"],
        ["LPOS", "l", "z", "COUNT", "0"],
        ["LPOS", "l", "a", "COUNT", "x"],
        ["LPOS", "l", "a", "RANK"],
        ["LPOS", "nokey", "a", "COUNT", "0"],
        ["LRANGE", "l", "-100", "100"],
        ["LRANGE", "l", "9223372036854775807", "-9223372036854775808"],
        ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
        ["LINDEX", "l", "9223372036854775807"],
        ["LINDEX", "l", "-9223372036854775808"],
        ["LSET", "nokey", "0", "x"],
        ["LSET", "nokey", "x", "x"],
        ["LSET", "l", "5", "x"],
        ["LSET", "l", "-6", "x"],
        ["LINDEX", "nokey", "x"],
        ["LINSERT", "nokey", "BEFORE", "a", "b"],
        ["LINSERT", "nokey", "bad", "a", "b"],
        ["LTRIM", "nokey", "x", "0"],
        ["LREM", "nokey", "x", "a"],
        ["LMPOP", "1", "l", "LEFT", "COUNT", "9223372036854775807"],
        ["RPUSH", "l", "a", "b", "c"],
        ["LMPOP", "2", "l", "LEFT"],
        ["LMPOP", "2", "l", "m", "LEFT", "COUNT", "1", "COUNT", "1"],
        ["LMPOP", "-1", "l", "LEFT"],
        ["LMPOP", "1", "nokey", "RIGHT"],
        ["BLMPOP", "0.01", "1", "nokey", "RIGHT"],
        ["BLPOP", "nokey", "0.01"],
        ["BRPOPLPUSH", "nokey", "l", "0.01"],
        ["BLMOVE", "nokey", "l", "LEFT", "LEFT", "0.01"],
        ["BLPOP", "nokey", "-1"],
        ["BLPOP", "nokey", "x"],
        ["BLPOP", "nokey", "inf"],
        ["BLPOP", "nokey", "nan"],
        ["BLPOP", "nokey", "1e-5000"],
        ["BLMOVE", "nokey", "l", "LEFT", "UP", "x"],
        ["BLMPOP", "x", "1", "nokey", "UP"],
        ["BLMPOP", "0", "0", "nokey", "LEFT"],
        ["LMOVE", "l", "l", "LEFT", "RIGHT"],
        ["LRANGE", "l", "0", "-1"],
        ["SET", "s", "x"],
        ["LMOVE", "l", "s", "LEFT", "RIGHT"],
        ["LMOVE", "s", "l", "LEFT", "RIGHT"],
        ["LMOVE", "nokey", "s", "LEFT", "RIGHT"],
        ["BLPOP", "nokey", "s", "0"],
        ["BLPOP", "l", "s", "0"],
        ["LMPOP", "2", "nokey", "s", "LEFT"],
        ["LRANGE", "l", "0", "-1"],
        ["OBJECT", "ENCODING", "l"],
      ];
      for (const args of script) await pair.same(args, `RESP${protocol} `);
    }
  },
);

commandInfoTest("list", LIST_COMMANDS);

differentialTest(
  "differential: list keyspace notifications match redis-server",
  async (pair) => {
    await pair.sameEvents([
      ["RPUSH", "k", "a", "b", "c"],
      ["LPUSHX", "nokey", "a"],
      ["RPUSHX", "k", "d"],
      ["LPOP", "k"],
      ["RPOP", "k", "5"],
      ["LPUSH", "k", "a", "b"],
      ["LSET", "k", "0", "x"],
      ["LINSERT", "k", "BEFORE", "x", "y"],
      ["LINSERT", "k", "BEFORE", "nothere", "y"],
      ["LREM", "k", "0", "y"],
      ["LREM", "k", "0", "nothere"],
      ["LTRIM", "k", "0", "0"],
      ["LMOVE", "k", "d", "LEFT", "RIGHT"],
      ["RPUSH", "k", "1", "2"],
      ["RPOPLPUSH", "k", "k"],
      ["LMPOP", "1", "k", "RIGHT", "COUNT", "5"],
      ["LTRIM", "d", "5", "6"],
      ["RPUSH", "b", "v"],
      ["BLPOP", "b", "0"],
      ["RPUSH", "b", "v"],
      ["BLMOVE", "b", "c", "LEFT", "LEFT", "0"],
      ["BLMPOP", "0", "1", "c", "LEFT"],
    ]);
  },
);

differentialTest(
  "differential: list reads count keyspace hits and misses like redis-server",
  async (pair) => {
    await pair.sameKeyspaceStats([
      ["RPUSH", "l", "a", "b"],
      ["LLEN", "l"],
      ["LLEN", "nokey"],
      ["LRANGE", "l", "0", "-1"],
      ["LRANGE", "nokey", "0", "-1"],
      ["LINDEX", "l", "0"],
      ["LINDEX", "nokey", "0"],
      ["LPOS", "l", "a"],
      ["LPOS", "nokey", "a"],
      ["LPOP", "nokey"],
      ["LPOP", "l"],
      ["LMOVE", "l", "m", "LEFT", "LEFT"],
      ["LMOVE", "nokey", "m", "LEFT", "LEFT"],
      ["LMPOP", "2", "nokey", "m", "LEFT"],
      ["BLPOP", "nokey", "m", "0.01"],
      ["LSET", "nokey", "0", "x"],
      ["LINSERT", "nokey", "BEFORE", "a", "b"],
    ]);
  },
);
