import { Picker, prng, withPair } from "../helpers/differential.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) {
  console.warn("redis-server not found: sorted set differential tests skipped");
}

const KEYS = ["z1", "z2", "z3", "str"];
const MEMBERS = ["a", "b", "c", "d", "e", "", "a\x00b", "B", "aa"];
const SCORES = [
  "1",
  "2",
  "-1",
  "0",
  "-0",
  "1.5",
  "0.1",
  "3e2",
  "inf",
  "-inf",
  "1e300",
  "0x10",
  "x",
  "nan",
  " 1",
];
const SCORE_BOUNDS = [
  "-inf",
  "+inf",
  "0",
  "1",
  "(1",
  "2",
  "(2",
  "1.5",
  "(-inf",
  "x",
  "(",
  "",
  "1e400",
];
const LEX_BOUNDS = ["-", "+", "[a", "(a", "[c", "(d", "[", "(", "a", "[aa"];
const INDEXES = ["0", "1", "-1", "2", "-2", "5", "-9", "x"];

/** A random sorted set command (with occasional bad arguments). */
function randomCommand(p: Picker): string[] {
  const key = p.pick(KEYS);
  const other = p.pick(KEYS);
  const member = () => p.pick(MEMBERS);
  const score = () => p.pick(SCORES);
  const bound = () => p.pick(SCORE_BOUNDS);
  const lex = () => p.pick(LEX_BOUNDS);
  const index = () => p.pick(INDEXES);
  const limit = () =>
    p.chance(0.3)
      ? ["LIMIT", p.pick(["0", "1", "2", "-1"]), p.pick(["1", "2", "-1", "0"])]
      : [];
  switch (p.int(0, 34)) {
    case 0:
    case 1:
    case 2: {
      const args = ["ZADD", key];
      for (const flag of ["NX", "XX", "GT", "LT", "CH", "INCR"]) {
        if (p.chance(0.12)) args.push(flag);
      }
      for (let i = p.int(1, 3); i > 0; i--) args.push(score(), member());
      if (p.chance(0.03)) args.push("1");
      return args;
    }
    case 3:
      return ["ZINCRBY", key, score(), member()];
    case 4:
      return ["ZREM", key, member(), member()];
    case 5:
      return ["ZCARD", key];
    case 6:
      return ["ZSCORE", key, member()];
    case 7:
      return ["ZMSCORE", key, member(), member()];
    case 8:
      return [p.pick(["ZRANK", "ZREVRANK"]), key, member()];
    case 9:
      return ["ZCOUNT", key, bound(), bound()];
    case 10:
      return ["ZLEXCOUNT", key, lex(), lex()];
    case 11: {
      const args = ["ZRANGE", key];
      const kind = p.int(0, 2);
      if (kind === 0) args.push(index(), index());
      else if (kind === 1) args.push(bound(), bound(), "BYSCORE");
      else args.push(lex(), lex(), "BYLEX");
      if (p.chance(0.3)) args.push("REV");
      if (p.chance(0.4)) args.push("WITHSCORES");
      args.push(...limit());
      return args;
    }
    case 12:
      return [
        "ZREVRANGE",
        key,
        index(),
        index(),
        ...(p.chance(0.5) ? ["WITHSCORES"] : []),
      ];
    case 13:
      return [
        p.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]),
        key,
        bound(),
        bound(),
        ...(p.chance(0.5) ? ["WITHSCORES"] : []),
        ...limit(),
      ];
    case 14:
      return [
        p.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]),
        key,
        lex(),
        lex(),
        ...limit(),
      ];
    case 15:
      return ["ZREMRANGEBYRANK", key, index(), index()];
    case 16:
      return ["ZREMRANGEBYSCORE", key, bound(), bound()];
    case 17:
      return ["ZREMRANGEBYLEX", key, lex(), lex()];
    case 18:
      return p.chance(0.5)
        ? [p.pick(["ZPOPMIN", "ZPOPMAX"]), key]
        : [p.pick(["ZPOPMIN", "ZPOPMAX"]), key, p.pick(["0", "1", "3", "-1"])];
    case 19:
      return [p.pick(["BZPOPMIN", "BZPOPMAX"]), key, other, "0.01"];
    case 20: {
      const n = p.int(1, 2);
      const keys = Array.from({ length: n }, () => p.pick(KEYS));
      return [
        "ZMPOP",
        String(n),
        ...keys,
        p.pick(["MIN", "MAX", "mid"]),
        ...(p.chance(0.5) ? ["COUNT", p.pick(["1", "2", "10", "0"])] : []),
      ];
    }
    case 21:
      return ["BZMPOP", "0.01", "2", key, other, p.pick(["MIN", "MAX"])];
    case 22:
    case 23: {
      const op = p.pick(["ZUNION", "ZINTER", "ZDIFF"]);
      const n = p.int(1, 3);
      const args = [op, String(n)];
      for (let i = 0; i < n; i++) args.push(p.pick(KEYS));
      if (op !== "ZDIFF" && p.chance(0.4)) {
        args.push("WEIGHTS");
        for (let i = 0; i < n; i++) {
          args.push(p.pick(["1", "2", "-1", "0", "0.5", "inf", "x"]));
        }
      }
      if (op !== "ZDIFF" && p.chance(0.4)) {
        args.push("AGGREGATE", p.pick(["SUM", "MIN", "MAX", "avg"]));
      }
      if (p.chance(0.5)) args.push("WITHSCORES");
      return args;
    }
    case 24:
    case 25: {
      const op = p.pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]);
      const n = p.int(1, 3);
      const args = [op, p.pick(KEYS), String(n)];
      for (let i = 0; i < n; i++) args.push(p.pick(KEYS));
      if (op !== "ZDIFFSTORE" && p.chance(0.4)) {
        args.push("WEIGHTS");
        for (let i = 0; i < n; i++) args.push(p.pick(["1", "2", "-1", "0.1"]));
      }
      if (op !== "ZDIFFSTORE" && p.chance(0.4)) {
        args.push("AGGREGATE", p.pick(["SUM", "MIN", "MAX"]));
      }
      return args;
    }
    case 26:
      return [
        "ZINTERCARD",
        "2",
        key,
        other,
        ...(p.chance(0.5) ? ["LIMIT", p.pick(["0", "1", "-1"])] : []),
      ];
    case 27:
      return [
        "ZRANGESTORE",
        other,
        key,
        ...(p.chance(0.5)
          ? [index(), index()]
          : [bound(), bound(), "BYSCORE", ...limit()]),
      ];
    case 28:
      return ["ZRANDMEMBER", key, p.pick(["0", "10", "-0"]), "WITHSCORES"];
    case 29:
      return ["ZSCAN", key, "0", ...(p.chance(0.5) ? ["MATCH", "a*"] : [])];
    case 30:
      return ["SET", "str", "v"];
    case 31:
      return ["DEL", key];
    case 32:
      return ["TYPE", key];
    case 33:
      return ["OBJECT", "ENCODING", key];
    default:
      return ["EXISTS", key];
  }
}

Deno.test({
  name: "differential: random sorted set command sequences match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const seed of [1, 2, 3, 4]) {
        const p = new Picker(prng(seed));
        await pair.both(["HELLO", seed % 2 === 0 ? "3" : "2"]);
        await pair.same(["FLUSHALL"]);
        for (let i = 0; i < 600; i++) {
          await pair.same(randomCommand(p), `seed ${seed} step ${i}: `);
        }
      }
    });
  },
});

Deno.test({
  name: "differential: sorted set edge cases match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    await withPair({}, async (pair) => {
      for (const protocol of ["2", "3"]) {
        await pair.both(["HELLO", protocol]);
        await pair.same(["FLUSHALL"]);
        const script: string[][] = [
          ["ZADD", "z"],
          ["ZADD", "z", "1"],
          ["ZADD", "z", "NX", "XX", "1", "a"],
          ["ZADD", "z", "GT", "LT", "1", "a"],
          ["ZADD", "z", "NX", "GT", "1", "a"],
          ["ZADD", "z", "INCR", "1", "a", "2", "b"],
          ["ZADD", "z", "XX", "1", "a"],
          ["EXISTS", "z"],
          ["ZADD", "z", "XX", "INCR", "1", "a"],
          ["ZADD", "z", "1.1", "a", "-0", "b", "1e-320", "c", "0x1p-3", "d"],
          ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
          ["ZINCRBY", "z", "inf", "a"],
          ["ZINCRBY", "z", "-inf", "a"],
          ["ZADD", "z", "INCR", "-inf", "a"],
          ["ZADD", "z", "NX", "INCR", "5", "a"],
          ["ZADD", "z", "CH", "GT", "5", "a", "-5", "b", "7", "new"],
          ["ZADD", "z", "LT", "CH", "INCR", "-1", "a"],
          ["ZINCRBY", "z", "incr", "a"],
          ["ZINCRBY", "z", "1e400", "a"],
          ["ZSCORE", "z", "a"],
          ["ZMSCORE", "nokey", "a", "b"],
          ["ZRANGE", "z", "(1", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
          ["ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "WITHSCORES"],
          ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
          ["ZRANGE", "z", "0", "-1", "REV", "REV"],
          ["ZRANGE", "z", "-", "+", "BYLEX", "BYSCORE"],
          ["ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES"],
          ["ZRANGE", "z", "[a", "[b", "BYLEX", "LIMIT", "x", "1"],
          ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "5"],
          ["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "9", "5"],
          ["ZRANGEBYSCORE", "z", "-inf", "+inf", "REV"],
          ["ZREVRANGE", "z", "0", "-1", "BYSCORE"],
          ["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"],
          ["ZRANGESTORE", "dst", "z", "0", "-1"],
          ["ZRANGESTORE", "dst", "nokey", "0", "-1"],
          ["EXISTS", "dst"],
          ["ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "1", "2"],
          ["ZLEXCOUNT", "z", "-", "-"],
          ["ZLEXCOUNT", "z", "+", "+"],
          ["ZLEXCOUNT", "z", "+x", "+"],
          ["ZCOUNT", "z", "(1", "(1"],
          ["ZPOPMIN", "z", "-1"],
          ["ZPOPMIN", "z", "x"],
          ["ZPOPMIN", "z", "1", "2"],
          ["ZPOPMAX", "z", "2"],
          ["ZPOPMAX", "nokey"],
          ["ZMPOP", "0", "z", "MIN"],
          ["ZMPOP", "x", "z", "MIN"],
          ["ZMPOP", "3", "z", "MIN"],
          ["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
          ["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
          ["ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "10"],
          ["ZMPOP", "1", "nokey", "MAX"],
          ["BZMPOP", "0.01", "1", "nokey", "MAX"],
          ["BZPOPMIN", "nokey", "0.01"],
          ["BZPOPMIN", "nokey", "-1"],
          ["BZPOPMIN", "nokey", "x"],
          ["BZPOPMIN", "nokey", "inf"],
          ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
          ["BZPOPMAX", "nokey", "z", "0"],
          ["BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "5"],
          ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
          ["ZADD", "w", "10", "b", "20", "c", "30", "d"],
          ["ZUNION", "0", "z"],
          ["ZUNION", "3", "z", "w"],
          ["ZUNION", "2", "z", "w", "WEIGHTS", "1"],
          ["ZUNION", "2", "z", "w", "WEIGHTS", "1", "x"],
          ["ZUNION", "2", "z", "w", "WEIGHTS", "inf", "-inf", "WITHSCORES"],
          ["ZINTER", "2", "z", "w", "AGGREGATE", "MAX", "WITHSCORES"],
          ["ZINTER", "2", "z", "w", "AGGREGATE", "MIN", "WITHSCORES"],
          ["ZINTER", "2", "z", "w", "WEIGHTS", "0", "nan", "WITHSCORES"],
          ["ZDIFF", "2", "z", "w", "WITHSCORES"],
          ["ZDIFF", "2", "z", "w", "WEIGHTS", "1", "2"],
          ["ZUNIONSTORE", "dst", "2", "z", "w", "WITHSCORES"],
          ["ZUNIONSTORE", "dst", "2", "z", "w"],
          ["OBJECT", "ENCODING", "dst"],
          ["ZINTERSTORE", "dst", "2", "z", "nokey"],
          ["EXISTS", "dst"],
          ["ZINTERCARD", "0", "z"],
          ["ZINTERCARD", "2", "z", "w", "LIMIT", "1"],
          ["ZINTERCARD", "2", "z", "w", "LIMIT", "-1"],
          ["ZINTERCARD", "2", "z", "w", "WITHSCORES"],
          ["SADD", "s", "a", "b", "x"],
          ["ZUNION", "2", "z", "s", "WITHSCORES"],
          ["ZINTER", "2", "s", "z", "WITHSCORES"],
          ["ZDIFF", "2", "s", "z"],
          ["ZINTERCARD", "2", "s", "z"],
          ["SET", "str", "x"],
          ["ZUNION", "2", "z", "str"],
          ["ZADD", "str", "1", "a"],
          ["ZRANDMEMBER", "z", "10", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "-9223372036854775808"],
          ["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
          ["ZRANDMEMBER", "z", "1", "x"],
          ["ZRANDMEMBER", "nokey"],
          ["ZRANDMEMBER", "nokey", "5"],
          ["ZSCAN", "z", "0"],
          ["ZSCAN", "z", "x"],
          ["ZSCAN", "z", "0", "COUNT", "0"],
          ["ZSCAN", "z", "0", "TYPE", "zset"],
          ["ZSCAN", "nokey", "0", "junk"],
          ["ZSCAN", "z", "-1", "MATCH", "*"],
          ["ZREMRANGEBYRANK", "z", "1", "x"],
          ["ZREMRANGEBYRANK", "z", "5", "9"],
          ["ZREMRANGEBYSCORE", "z", "x", "1"],
          ["ZREMRANGEBYLEX", "z", "x", "1"],
          ["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
          ["EXISTS", "z"],
          ["CONFIG", "SET", "zset-max-listpack-entries", "2"],
          ["ZADD", "big", "1", "a", "2", "b"],
          ["OBJECT", "ENCODING", "big"],
          ["ZADD", "big", "-0", "c"],
          ["OBJECT", "ENCODING", "big"],
          ["ZRANGE", "big", "0", "-1", "WITHSCORES"],
          ["ZREM", "big", "c", "b"],
          ["OBJECT", "ENCODING", "big"],
          ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
          ["ZADD", "long", "1", "x".repeat(65)],
          ["OBJECT", "ENCODING", "long"],
          ["ZREM", "nokey", "a"],
          ["ZCARD", "nokey"],
          ["ZRANK", "nokey", "a"],
          ["ZRANK", "w", "d"],
          ["ZREVRANK", "w", "d"],
        ];
        for (const args of script) await pair.same(args, `RESP${protocol} `);
      }
    });
  },
});
