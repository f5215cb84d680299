/**
 * Data and write streams for the replication end-to-end tests: a dataset
 * with every type and encoding, and a seeded random stream of mixed writes
 * (every type, expiry, MULTI/EXEC, scripts, SELECT, nondeterministic
 * commands that must be propagated as their effects).
 *
 * @module
 */

import type { Node } from "../helpers/replication.ts";
import { must, pipeline } from "../helpers/replication.ts";
import type { Reply, RespClient } from "../helpers/resp_client.ts";

/** Every byte value once. */
export const ALL_BYTES = Array.from(
  { length: 256 },
  (_, i) => String.fromCharCode(i),
).join("");

/** A Lua library loaded on masters (replicated with the dataset). */
export const LIBRARY = [
  "#!lua name=replib",
  "redis.register_function('rset', function(keys, args)",
  "  return redis.call('SET', keys[1], args[1])",
  "end)",
  "redis.register_function('rpopadd', function(keys, args)",
  "  local v = redis.call('SPOP', keys[1])",
  "  if v then redis.call('ZINCRBY', keys[2], 1, v) end",
  "  return v",
  "end)",
].join("\n");

/** A library the write stream loads and deletes. */
const EXTRA_LIBRARY = [
  "#!lua name=extra",
  "redis.register_function('extra', function(keys, args)",
  "  return redis.call('INCR', keys[1])",
  "end)",
].join("\n");

/** Databases the dataset and the write stream use. */
export const DATABASES = [0, 1, 2, 3];
/** Keys per family and database. */
const KEYS = 16;
const CONSUMERS = ["c0", "c1", "c2", "c3"];

/** Options of {@linkcode populate} and {@linkcode Workload}. */
export interface DataOptions {
  /**
   * Keys that expire within the test (active expiry on the master sends
   * DELs whenever it runs); off when replicas must stay at the same offset.
   */
  shortTtl?: boolean;
}

/**
 * Fills `node` (a master) with data of every type in several databases:
 * strings (binary, integers, floats, large), lists, hashes, sets (intsets
 * and others), sorted sets, streams with consumer groups and pending
 * entries, HyperLogLogs, bitmaps, geo sets, keys with expiry, a function
 * library, and the keys the write stream's blocked clients wait on.
 */
export async function populate(
  node: Node,
  options: DataOptions = {},
): Promise<void> {
  const now = Date.now();
  const commands: string[][] = [];
  const c = (...args: (string | number)[]) => commands.push(args.map(String));
  for (const db of [...DATABASES, 9, 15]) {
    c("SELECT", db);
    c("SET", "str:plain", `hello from db ${db}`);
    c("SET", "str:bin", ALL_BYTES);
    c("SET", "str:empty", "");
    c("SET", "str:int", 12345 + db);
    c("SET", "str:min", "-9223372036854775808");
    c("SET", "str:max", "9223372036854775807");
    c("SET", "str:float", "3.14159");
    c("SET", "str:big", "x".repeat(20_000) + db);
    c("INCRBYFLOAT", "str:incrfloat", "10.5");
    c("APPEND", "str:append", "abc");
    c("SETRANGE", "str:append", 10, "\x00\xff");
    c("RPUSH", "list:small", "a", "b", "1", "2", "-3", ALL_BYTES.slice(0, 30));
    const big: string[] = [];
    for (let i = 0; i < 1000; i++) big.push(i % 3 === 0 ? String(i) : `el${i}`);
    c("RPUSH", "list:big", ...big);
    c("HSET", "hash:small", "f1", "v1", "f2", "2", "\x00bin", "\xff");
    const fields: string[] = [];
    for (let i = 0; i < 300; i++) fields.push(`field${i}`, `value${i * 7}`);
    c("HSET", "hash:big", ...fields, "long", "y".repeat(200));
    c("SADD", "set:int", 1, 2, 3, -5, 100000, 65536);
    c("SADD", "set:int64", "-9223372036854775808", "9223372036854775807", 0);
    c("SADD", "set:str", "a", "b", "c", ALL_BYTES);
    const members: string[] = [];
    for (let i = 0; i < 700; i++) members.push(String(i * 3));
    c("SADD", "set:bigint", ...members);
    c("SADD", "set:big", ...members.map((m) => `m${m}`));
    c("ZADD", "zset:small", 1, "a", 2.5, "b", "-inf", "c", "+inf", "d", 0, "");
    const scored: string[] = [];
    for (let i = 0; i < 200; i++) scored.push(String(i / 7), `member${i}`);
    c("ZADD", "zset:big", ...scored);
    for (let i = 1; i <= 12; i++) {
      c("XADD", "stream", `${i}-1`, "field", `value${i}`, "n", i);
    }
    c("XGROUP", "CREATE", "stream", "g1", "0");
    c("XGROUP", "CREATE", "stream", "g2", "$");
    c(
      "XREADGROUP",
      "GROUP",
      "g1",
      "alice",
      "COUNT",
      4,
      "STREAMS",
      "stream",
      ">",
    );
    c("XREADGROUP", "GROUP", "g1", "bob", "COUNT", 3, "STREAMS", "stream", ">");
    c("XACK", "stream", "g1", "1-1", "3-1");
    c("XCLAIM", "stream", "g1", "carol", 0, "2-1", "RETRYCOUNT", 5);
    c("XDEL", "stream", "6-1", "11-1");
    c("XGROUP", "CREATECONSUMER", "stream", "g2", "dave");
    c("XADD", "stream:trimmed", "MAXLEN", 0, "5-5", "f", "v");
    c("XGROUP", "CREATE", "stream:mk", "g", "$", "MKSTREAM");
    c(
      "XSETID",
      "stream:mk",
      "100-100",
      "ENTRIESADDED",
      7,
      "MAXDELETEDID",
      "50-0",
    );
    c("PFADD", "hll", "a", "b", "c", "d", `db${db}`);
    c("PFADD", "hll:dense", ...members);
    c("SETBIT", "bits", 1000 + db, 1);
    c(
      "GEOADD",
      "geo",
      13.361389,
      38.115556,
      "Palermo",
      15.087269,
      37.502669,
      "Catania",
    );
    c("SET", "exp:ex", "v", "EX", 10_000);
    c("SET", "exp:pxat", "v", "PXAT", now + 10_000_000 + db);
    c("HSET", "exp:hash", "a", "b");
    c("EXPIRE", "exp:hash", 5000);
    c("RPUSH", "exp:list", "a");
    c("PEXPIRE", "exp:list", 7_000_000);
    c("ZADD", "exp:zset", 1, "x");
    c("EXPIREAT", "exp:zset", Math.floor(now / 1000) + 86_400);
    if (options.shortTtl) c("SET", "exp:soon", "v", "PX", 100 + db);
    // The families the write stream works on.
    for (let i = 0; i < KEYS; i++) {
      c("XADD", `x:${i}`, "1-0", "f", "v");
      c("XGROUP", "CREATE", `x:${i}`, "g1", "0");
      c("XGROUP", "CREATE", `x:${i}`, "g2", "0");
      c("XADD", `xa:${i}`, "*", "f", "v");
      c("XGROUP", "CREATE", `xa:${i}`, "g1", "0");
      c("SADD", `is:${i}`, i, i + 1, i * 1000);
      c("SADD", `ss:${i}`, `a${i}`, `b${i}`, "c");
      c("ZADD", `z:${i}`, i, `m${i}`, 1, "one");
      c("RPUSH", `l:${i}`, "a", "b", String(i));
      c("HSET", `h:${i}`, "f", i, "g", "text");
    }
  }
  c("SELECT", 0);
  c("XGROUP", "CREATE", "blk:stream", "bg", "$", "MKSTREAM");
  c("FUNCTION", "LOAD", LIBRARY);
  const result = await pipeline(node.port, commands);
  if (result.errors.length > 0) {
    throw new Error(`populate: ${result.errors.slice(0, 5).join("; ")}`);
  }
}

/**
 * Copies keys of every type with DUMP and RESTORE on `node` (a master), with
 * and without TTLs: its replicas get RESTOREs with its DUMP payloads (ours
 * reads Redis's, Redis reads ours).
 */
export async function restoreCopies(node: Node): Promise<void> {
  const keys = [
    "str:bin",
    "str:int",
    "str:big",
    "list:small",
    "list:big",
    "hash:small",
    "hash:big",
    "set:int",
    "set:int64",
    "set:str",
    "set:big",
    "zset:small",
    "zset:big",
    "stream",
    "stream:mk",
    "hll:dense",
    "geo",
    "exp:hash",
  ];
  const payloads: Reply[] = [];
  await pipeline(node.port, keys.map((key) => ["DUMP", key]), payloads);
  const far = String(Date.now() + 50_000_000);
  const commands: string[][] = [];
  keys.forEach((key, i) => {
    const payload = payloads[i];
    if (typeof payload !== "string") throw new Error(`DUMP ${key}: ${payload}`);
    commands.push(
      ["RESTORE", `dump:${key}`, "0", payload],
      ["RESTORE", `dump:${key}`, "900000", payload, "REPLACE"],
      ["RESTORE", `dump:abs:${key}`, far, payload, "ABSTTL", "IDLETIME", "9"],
    );
  });
  const result = await pipeline(node.port, commands);
  if (result.errors.length > 0) {
    throw new Error(`RESTORE: ${result.errors.slice(0, 5).join("; ")}`);
  }
}

/** A seeded generator of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The keys the blocked clients of {@linkcode startBlockers} wait on. */
const BLOCKED_KEYS = {
  list: "blk:list",
  source: "blk:src",
  target: "blk:dst",
  stream: "blk:stream",
  zset: "blk:zset",
};

/** A seeded stream of mixed writes, built as a list of commands. */
export class Workload {
  /** The commands, in order. */
  readonly commands: string[][] = [];
  readonly #random: () => number;
  #db = 0;
  /** Next explicit stream id (ms part) per database and x: key. */
  #streamIds: Map<string, number>[] = [];
  readonly #shortTtl: boolean;
  readonly #blocked: boolean;
  #extraLoaded = false;

  /**
   * A stream from `seed`; `blocked` feeds the keys of the blocked clients
   * (database 0).
   */
  constructor(
    seed: number,
    options: DataOptions & { blocked?: boolean } = {},
  ) {
    this.#random = random(seed);
    this.#shortTtl = options.shortTtl ?? false;
    this.#blocked = options.blocked ?? false;
    for (let db = 0; db < 16; db++) this.#streamIds.push(new Map());
  }

  #int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)];
  }

  #key(family: string): string {
    return `${family}:${this.#int(KEYS)}`;
  }

  #value(): string {
    const r = this.#random();
    if (r < 0.5) return `v${this.#int(1000)}`;
    if (r < 0.7) return String(this.#int(100_000) - 50_000);
    if (r < 0.85) {
      let s = "";
      for (let i = this.#int(40); i > 0; i--) {
        s += String.fromCharCode(this.#int(256));
      }
      return s;
    }
    return "w".repeat(this.#int(300));
  }

  #nextStreamId(key: string): string {
    const ids = this.#streamIds[this.#db];
    const next = (ids.get(key) ?? 2) + 1 + this.#int(3);
    ids.set(key, next);
    return `${next}-${this.#int(3)}`;
  }

  #knownStreamId(key: string): string {
    const top = this.#streamIds[this.#db].get(key) ?? 2;
    return `${1 + this.#int(top)}-${this.#int(3)}`;
  }

  /** A key of a family whose keys may be deleted (not the streams). */
  #deletableKey(): string {
    return this.#key(this.#pick(["s", "n", "f", "l", "h", "is", "ss", "z"]));
  }

  /** One write (or a read that may write), not SELECT or MULTI. */
  #command(): string[] {
    const r = this.#int(100);
    const v = () => this.#value();
    if (r < 14) {
      // Strings.
      const key = this.#key("s");
      switch (this.#int(14)) {
        case 0:
          return ["SET", key, v()];
        case 1:
          return ["SET", key, v(), "EX", String(100 + this.#int(1000))];
        case 2:
          return ["SET", key, v(), "KEEPTTL", "GET"];
        case 3:
          return ["APPEND", key, v()];
        case 4:
          return ["SETRANGE", key, String(this.#int(50)), v()];
        case 5:
          return ["GETSET", key, v()];
        case 6:
          return ["GETDEL", key];
        case 7:
          return this.#chance(0.5)
            ? ["GETEX", key, "PERSIST"]
            : ["GETEX", key, "EX", "500"];
        case 8:
          return ["MSET", key, v(), this.#key("s"), v()];
        case 9:
          return ["SETNX", key, v()];
        case 10:
          return ["SETEX", key, String(1000 + this.#int(100)), v()];
        case 11:
          return ["COPY", key, this.#key("s"), "REPLACE"];
        case 12:
          return ["RENAME", key, this.#key("s")];
        default:
          return ["MOVE", key, String(this.#pick(DATABASES))];
      }
    }
    if (r < 20) {
      const key = this.#key("n");
      switch (this.#int(4)) {
        case 0:
          return ["INCR", key];
        case 1:
          return ["INCRBY", key, String(this.#int(1000) - 500)];
        case 2:
          return ["DECRBY", key, String(this.#int(10))];
        default:
          return ["SET", key, String(this.#int(100))];
      }
    }
    if (r < 24) {
      const key = this.#key("f");
      const increments = ["0.1", "-2.5", "1e3", "3.0e-2", "7"];
      if (this.#chance(0.2)) return ["SET", key, "1.5", "KEEPTTL"];
      return ["INCRBYFLOAT", key, this.#pick(increments)];
    }
    if (r < 34) {
      // Lists.
      const key = this.#key("l");
      const other = this.#key("l");
      switch (this.#int(12)) {
        case 0:
        case 1:
          return ["RPUSH", key, v(), v()];
        case 2:
          return ["LPUSH", key, v()];
        case 3:
          return ["LPOP", key];
        case 4:
          return ["RPOP", key, String(1 + this.#int(3))];
        case 5:
          return ["RPOPLPUSH", key, other];
        case 6:
          return ["LMOVE", key, other, "LEFT", "RIGHT"];
        case 7:
          return ["LTRIM", key, "0", String(20 + this.#int(20))];
        case 8:
          return ["LINSERT", key, "BEFORE", "a", v()];
        case 9:
          return ["LREM", key, "1", "a"];
        case 10:
          return ["LMPOP", "2", key, other, "RIGHT", "COUNT", "2"];
        default:
          return ["SORT", key, "ALPHA", "LIMIT", "0", "10", "STORE", other];
      }
    }
    if (r < 41) {
      // Hashes.
      const key = this.#key("h");
      const field = `f${this.#int(40)}`;
      switch (this.#int(6)) {
        case 0:
        case 1:
          return ["HSET", key, field, v(), `f${this.#int(40)}`, v()];
        case 2:
          return ["HDEL", key, field];
        case 3:
          return ["HINCRBY", key, `i${this.#int(5)}`, String(this.#int(9))];
        case 4:
          return ["HINCRBYFLOAT", key, `fl${this.#int(5)}`, "0.25"];
        default:
          return ["HSETNX", key, field, v()];
      }
    }
    if (r < 51) {
      // Sets, with the nondeterministic SPOP.
      const ints = this.#chance(0.5);
      const family = ints ? "is" : "ss";
      const key = this.#key(family);
      const member = () => ints ? String(this.#int(3000)) : `m${this.#int(60)}`;
      switch (this.#int(9)) {
        case 0:
        case 1:
          return ["SADD", key, member(), member(), member()];
        case 2:
          return ["SREM", key, member()];
        case 3:
          return ["SPOP", key];
        case 4:
          return ["SPOP", key, String(1 + this.#int(4))];
        case 5:
          return ["SMOVE", key, this.#key(family), member()];
        case 6:
          return ["SINTERSTORE", this.#key(family), key, this.#key(family)];
        case 7:
          return ["SUNIONSTORE", this.#key(family), key, this.#key(family)];
        default:
          return ["SDIFFSTORE", this.#key(family), key, this.#key(family)];
      }
    }
    if (r < 60) {
      // Sorted sets.
      const key = this.#key("z");
      const member = `m${this.#int(80)}`;
      const score = String((this.#int(2000) - 1000) / 8);
      switch (this.#int(11)) {
        case 0:
        case 1:
          return ["ZADD", key, score, member, score, `m${this.#int(80)}`];
        case 2:
          return [
            "ZADD",
            key,
            this.#pick(["NX", "XX", "GT", "LT"]),
            score,
            member,
          ];
        case 3:
          return ["ZINCRBY", key, "0.5", member];
        case 4:
          return ["ZREM", key, member];
        case 5:
          return ["ZPOPMIN", key];
        case 6:
          return ["ZPOPMAX", key, "2"];
        case 7:
          return ["ZREMRANGEBYRANK", key, "0", "0"];
        case 8:
          return [
            "ZUNIONSTORE",
            this.#key("z"),
            "2",
            key,
            this.#key("z"),
            "WEIGHTS",
            "2",
            "0.5",
          ];
        case 9:
          return ["ZRANGESTORE", this.#key("z"), key, "0", "5"];
        default:
          return ["ZMPOP", "1", key, "MIN", "COUNT", "2"];
      }
    }
    if (r < 74) {
      // Streams with consumer groups.
      const key = this.#key("x");
      const consumer = this.#pick(CONSUMERS);
      switch (this.#int(13)) {
        case 0:
        case 1:
        case 2:
          return ["XADD", key, this.#nextStreamId(key), "f", v(), "g", v()];
        case 3:
          return ["XADD", this.#key("xa"), "MAXLEN", "~", "30", "*", "f", v()];
        case 4:
        case 5:
          return [
            "XREADGROUP",
            "GROUP",
            this.#pick(["g1", "g2"]),
            consumer,
            "COUNT",
            String(1 + this.#int(3)),
            "STREAMS",
            key,
            ">",
          ];
        case 6:
          return [
            "XREADGROUP",
            "GROUP",
            "g1",
            consumer,
            "COUNT",
            "2",
            "NOACK",
            "STREAMS",
            this.#key("xa"),
            ">",
          ];
        case 7:
          return [
            "XACK",
            key,
            this.#pick(["g1", "g2"]),
            this.#knownStreamId(key),
            this.#knownStreamId(key),
          ];
        case 8: {
          const options = this.#pick([
            [],
            ["IDLE", String(this.#int(5000))],
            ["TIME", String(Date.now() - this.#int(100_000))],
            ["RETRYCOUNT", String(this.#int(9))],
            ["FORCE"],
            ["JUSTID"],
          ]);
          return [
            "XCLAIM",
            key,
            "g1",
            consumer,
            "0",
            this.#knownStreamId(key),
            this.#knownStreamId(key),
            ...options,
          ];
        }
        case 9:
          return [
            "XAUTOCLAIM",
            this.#pick([key, this.#key("xa")]),
            "g1",
            consumer,
            "0",
            "0-0",
            "COUNT",
            "3",
          ];
        case 10:
          return ["XDEL", key, this.#knownStreamId(key)];
        case 11:
          return this.#pick([
            ["XTRIM", key, "MAXLEN", "60"],
            ["XTRIM", this.#key("xa"), "MAXLEN", "~", "10"],
            ["XGROUP", "SETID", key, "g2", "$"],
            ["XGROUP", "DELCONSUMER", key, "g1", "c3"],
          ]);
        default:
          return ["XGROUP", "CREATECONSUMER", key, "g2", consumer];
      }
    }
    if (r < 82) {
      // Expiry, relative and absolute, and deletions.
      const key = this.#deletableKey();
      const now = Date.now();
      switch (this.#int(10)) {
        case 0:
          return ["EXPIRE", key, String(500 + this.#int(500))];
        case 1:
          return ["PEXPIRE", key, String(900_000), "NX"];
        case 2:
          return ["PEXPIREAT", key, String(now + 5_000_000 + this.#int(1000))];
        case 3:
          // In the past: the key is deleted (propagated as DEL).
          return ["PEXPIREAT", key, String(now - 1000)];
        case 4:
          return ["EXPIREAT", key, String(Math.floor(now / 1000) + 3600), "GT"];
        case 5:
          return ["PERSIST", key];
        case 6:
          return ["DEL", key];
        case 7:
          return ["UNLINK", key];
        case 8:
          return ["EXPIRE", key, "0"];
        default:
          return ["TOUCH", key];
      }
    }
    if (r < 86) {
      // Keys that expire during the test (a lagging replica applies their
      // PEXPIREAT after that time, and must keep them for the master's DEL).
      const key = this.#key("e");
      if (!this.#shortTtl) return ["SET", key, v(), "EX", "5000"];
      switch (this.#int(4)) {
        case 0:
          return ["SET", key, v(), "PX", String(1 + this.#int(500))];
        case 1:
          return ["PSETEX", key, String(1 + this.#int(300)), v()];
        case 2:
          return ["GETEX", this.#key("s"), "PX", String(200 + this.#int(400))];
        default:
          return ["SET", key, v(), "PXAT", String(Date.now() + this.#int(500))];
      }
    }
    if (r < 92) {
      // Scripts and functions (effects replication).
      switch (this.#int(6)) {
        case 0:
          return [
            "EVAL",
            "redis.call('SPOP', KEYS[1]) return redis.call('INCR', KEYS[2])",
            "2",
            this.#key("ss"),
            this.#key("n"),
          ];
        case 1:
          return [
            "EVAL",
            "local m = redis.call('SRANDMEMBER', KEYS[1]) if m then redis.call('RPUSH', KEYS[2], m) end return m",
            "2",
            this.#key("is"),
            this.#key("l"),
          ];
        case 2:
          return [
            "EVAL",
            "return redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])",
            "1",
            this.#key("f"),
            "0.3",
          ];
        case 3:
          return ["FCALL", "rset", "1", this.#key("s"), v()];
        case 4:
          // A script's SELECT: its effects go to another database.
          return [
            "EVAL",
            "redis.call('SELECT', ARGV[1]) return redis.call('INCR', KEYS[1])",
            "1",
            this.#key("n"),
            String(this.#pick(DATABASES)),
          ];
        default:
          return ["FCALL", "rpopadd", "2", this.#key("ss"), this.#key("z")];
      }
    }
    // The rest: other types, and reads.
    switch (this.#int(12)) {
      case 0:
        return ["PFADD", this.#key("hll"), v(), v()];
      case 1:
        return ["PFCOUNT", this.#key("hll")];
      case 2:
        return ["PFMERGE", this.#key("hll"), this.#key("hll")];
      case 3:
        return ["SETBIT", this.#key("bm"), String(this.#int(5000)), "1"];
      case 4:
        return ["BITFIELD", this.#key("bm"), "INCRBY", "u8", "8", "3"];
      case 5:
        return [
          "BITOP",
          "XOR",
          this.#key("bm"),
          this.#key("bm"),
          this.#key("bm"),
        ];
      case 6:
        return [
          "GEOADD",
          this.#key("geo"),
          String(13 + this.#int(300) / 100),
          String(37 + this.#int(200) / 100),
          `p${this.#int(50)}`,
        ];
      case 7:
        return [
          "GEOSEARCHSTORE",
          this.#key("geo"),
          this.#key("geo"),
          "FROMLONLAT",
          "14",
          "38",
          "BYRADIUS",
          "200",
          "km",
        ];
      case 8:
        return ["SRANDMEMBER", this.#key("ss"), "-3"];
      case 9:
        return ["HRANDFIELD", this.#key("h"), "2", "WITHVALUES"];
      case 10:
        if (this.#chance(0.02)) {
          // Values larger than a socket read and than the servers' output
          // chunks, once in a while.
          const big = "B".repeat(60_000 + this.#int(80_000));
          return this.#pick([
            ["SET", this.#key("s"), big],
            ["RPUSH", this.#key("l"), big, v()],
            ["HSET", this.#key("h"), "big", big],
          ]);
        }
        return ["PUBLISH", "channel", v()];
      default:
        if (this.#chance(0.01)) {
          // REPLCONF GETACK in the stream, and the replicas' ACKs.
          return ["WAIT", "1", "20"];
        }
        return ["ZRANDMEMBER", this.#key("z"), "2"];
    }
  }

  /** A write to a key a blocked client waits on (in database 0). */
  #feedBlocked(): string[] {
    switch (this.#int(4)) {
      case 0:
        return ["RPUSH", BLOCKED_KEYS.list, this.#value()];
      case 1:
        return ["RPUSH", BLOCKED_KEYS.source, this.#value()];
      case 2:
        return ["XADD", BLOCKED_KEYS.stream, "*", "f", this.#value()];
      default:
        return [
          "ZADD",
          BLOCKED_KEYS.zset,
          String(this.#int(100)),
          `m${this.#int(50)}`,
        ];
    }
  }

  #select(db: number): void {
    if (db === this.#db) return;
    this.commands.push(["SELECT", String(db)]);
    this.#db = db;
  }

  /** Adds about `count` commands. */
  generate(count: number): this {
    const out = this.commands;
    const end = out.length + count;
    while (out.length < end) {
      const r = this.#int(1000);
      if (r < 40) {
        this.#select(this.#pick(DATABASES));
      } else if (r < 75) {
        out.push(["MULTI"]);
        const db = this.#db;
        for (let i = 1 + this.#int(5); i > 0; i--) {
          if (this.#chance(0.1)) {
            // Effects in several databases in one transaction.
            this.#db = this.#pick(DATABASES);
            out.push(["SELECT", String(this.#db)]);
          }
          out.push(this.#command());
        }
        if (this.#chance(0.3)) out.push(["BLPOP", this.#key("l"), "0"]);
        if (this.#chance(0.05)) {
          out.push(["DISCARD"]);
          this.#db = db;
        } else out.push(["EXEC"]);
      } else if (r < 85 && this.#blocked) {
        const db = this.#db;
        this.#select(0);
        out.push(this.#feedBlocked());
        this.#select(db);
      } else if (r < 86) {
        // Whole-database commands, in databases of their own.
        const db = this.#db;
        this.#select(5);
        out.push(["SET", "scratch", this.#value()], ["RPUSH", "scratchl", "x"]);
        if (this.#chance(0.5)) out.push(["FLUSHDB", "ASYNC"]);
        else out.push(["SWAPDB", "5", "6"]);
        this.#select(db);
      } else if (r < 87 && this.#chance(0.2)) {
        // Function libraries come and go (FUNCTION LOAD and DELETE are
        // propagated as they are).
        if (this.#extraLoaded && this.#chance(0.5)) {
          out.push(["FUNCTION", "DELETE", "extra"]);
          this.#extraLoaded = false;
        } else {
          out.push(["FUNCTION", "LOAD", "REPLACE", EXTRA_LIBRARY]);
          out.push(["FCALL", "extra", "1", this.#key("n")]);
          this.#extraLoaded = true;
        }
      } else if (r < 87 && this.#db !== 0) {
        // SWAPDB between two databases with the same families.
        out.push(["SWAPDB", "2", "3"]);
        const ids = this.#streamIds;
        [ids[2], ids[3]] = [ids[3], ids[2]];
      } else {
        out.push(this.#command());
      }
    }
    return this;
  }

  /** Sends the blocked clients their last values, which stop them. */
  stopBlocked(): this {
    this.#select(0);
    this.commands.push(
      ["LPUSH", BLOCKED_KEYS.list, "stop"],
      ["LPUSH", BLOCKED_KEYS.source, "stop"],
      ["XADD", BLOCKED_KEYS.stream, "*", "stop", "1"],
      ["ZADD", BLOCKED_KEYS.zset, "-inf", "stop"],
    );
    return this;
  }
}

/** Clients blocked on the keys the write stream feeds, each in a loop. */
export interface Blockers {
  /** Resolves with how many times each was served, once all stopped. */
  readonly done: Promise<number[]>;
  /** Closes their connections. */
  close(): void;
}

function stopped(reply: Reply): boolean {
  return JSON.stringify(reply).includes('"stop"');
}

/**
 * Connects four clients to `node` that block in BLPOP, BLMOVE,
 * XREADGROUP BLOCK and BZPOPMIN, again after each value, until they get
 * the stop value ({@linkcode Workload.stopBlocked}).
 */
export async function startBlockers(node: Node): Promise<Blockers> {
  const commands = [
    ["BLPOP", BLOCKED_KEYS.list, "0"],
    ["BLMOVE", BLOCKED_KEYS.source, BLOCKED_KEYS.target, "LEFT", "RIGHT", "0"],
    [
      "XREADGROUP",
      "GROUP",
      "bg",
      "blocked",
      "COUNT",
      "1",
      "BLOCK",
      "0",
      "STREAMS",
      BLOCKED_KEYS.stream,
      ">",
    ],
    ["BZPOPMIN", BLOCKED_KEYS.zset, "0"],
  ];
  const clients: RespClient[] = [];
  for (let i = 0; i < commands.length; i++) {
    clients.push(await node.server.connect());
  }
  const loops = commands.map(async (command, i) => {
    let served = 0;
    while (true) {
      const reply = await must(clients[i], ...command);
      served++;
      if (stopped(reply)) return served;
    }
  });
  return {
    done: Promise.all(loops),
    close() {
      for (const client of clients) client.close();
    },
  };
}
