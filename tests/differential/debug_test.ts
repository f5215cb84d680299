/**
 * DEBUG against redis-server: DIGEST and DIGEST-VALUE agree on the same
 * data (every type, expiry, several databases, after random command
 * sequences), DEBUG PROTOCOL replies are byte-identical in RESP2 and RESP3,
 * DEBUG OBJECT, HTSTATS and the error texts match where they can, and
 * POPULATE, ERROR, LOG, LEAK and the checksum and script switches act alike.
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
import { DEBUG_COMMANDS } from "../../lib/commands/debug.ts";
import { RespClient } from "../helpers/resp_client.ts";

const DEBUG_FLAGS = { flags: ["--enable-debug-command", "yes"] };

/** Options for a pair with DEBUG enabled and `extra` flags on both. */
function debugFlags(...extra: string[]): { flags: string[] } {
  return { flags: [...DEBUG_FLAGS.flags, ...extra] };
}

commandInfoTest("debug", DEBUG_COMMANDS);

// ---------------------------------------------------------------------------
// Digests of hand-picked data

/** Commands that build one or a few keys of each type and encoding. */
const FIXTURES: string[][] = [
  ["SET", "str", "hello"],
  ["SET", "int", "12345"],
  ["SET", "shared", "7"],
  ["SET", "neg", "-9223372036854775808"],
  ["SET", "empty", ""],
  ["SET", "bin", "a\x00b\xff\r\n"],
  ["SET", "long", "z".repeat(300)],
  ["SETRANGE", "zeros", "1000", "x"],
  ["INCRBYFLOAT", "float", "1.5"],
  ["SETBIT", "bits", "77", "1"],
  ["PFADD", "hll", "a", "b", "c"],
  ["RPUSH", "list", "a", "12", "c", "", "-7", "a\x00"],
  ["LPUSH", "list2", "x", "y", "z"],
  ["SADD", "intset", "1", "2", "3", "-100000", "9223372036854775807"],
  ["SADD", "set", "x", "5", "y", "", "long member of a set"],
  [
    "ZADD",
    "zset",
    "1.5",
    "a",
    "0.1",
    "b",
    "inf",
    "c",
    "-inf",
    "d",
    "3",
    "e",
    "1e100",
    "f",
    "-0",
    "g",
    "1e-5",
    "h",
    "123456789012345678",
    "i",
    "0.000123",
    "j",
  ],
  [
    "ZADD",
    "zbig",
    ...Array.from({ length: 300 }, (_, i) => [`${i / 7}`, `m${i}`]).flat(),
  ],
  ["HSET", "hash", "f1", "v1", "f2", "v2", "", "", "n", "123"],
  [
    "HSET",
    "hbig",
    ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `${i}`]).flat(),
  ],
  ["XADD", "stream", "1-1", "a", "b", "c", "d"],
  ["XADD", "stream", "2-5", "e", "f"],
  ["XADD", "stream", "2-6", "a", "b", "c", "d"],
  ["XADD", "stream", "3-0", "x", ""],
  ["XDEL", "stream", "2-5"],
  ["XGROUP", "CREATE", "stream", "g", "0"],
  ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "stream", ">"],
  ["XGROUP", "CREATE", "emptystream", "g", "$", "MKSTREAM"],
  ["XADD", "trimmed", "5-1", "k", "v"],
  ["XADD", "trimmed", "6-1", "k", "v"],
  ["XTRIM", "trimmed", "MAXLEN", "0"],
  ["SET", "volatile", "v", "EX", "1000"],
  ["RPUSH", "vlist", "a"],
  ["EXPIRE", "vlist", "5000"],
  ["SET", "persisted", "p", "EX", "1000"],
  ["PERSIST", "persisted"],
];

const FIXTURE_KEYS = [
  ...new Set(
    FIXTURES.map((args) =>
      args[0] === "XGROUP" ? args[2] : args[0] === "XREADGROUP" ? "" : args[1]
    ).filter((key) => key !== ""),
  ),
];

differentialTest(
  "differential: DEBUG DIGEST of an empty dataset is 40 zeros, as in Redis",
  async (pair) => {
    assert.equal(
      await pair.same(["DEBUG", "DIGEST"]),
      `+${"0".repeat(40)}\r\n`,
    );
    await pair.same(["DEBUG", "DIGEST-VALUE"]);
    await pair.same(["DEBUG", "DIGEST-VALUE", "nokey", "other"]);
    // A database emptied again leaves no trace.
    await pair.same(["SET", "k", "v"]);
    await pair.same(["DEL", "k"]);
    await pair.same(["DEBUG", "DIGEST"]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG DIGEST-VALUE and DIGEST of every type and encoding match redis-server",
  async (pair) => {
    let previous = "";
    for (const args of FIXTURES) {
      await pair.same(args);
      // The digest changes with every change but to consumer groups.
      const digest = await pair.same(
        ["DEBUG", "DIGEST"],
        `${args.join(" ")}: `,
      );
      const groupsOnly = args[0] === "XREADGROUP" ||
        (args[0] === "XGROUP" && !args.includes("MKSTREAM"));
      if (groupsOnly) assert.equal(digest, previous, args.join(" "));
      else assert.notEqual(digest, previous, args.join(" "));
      previous = digest;
    }
    for (const key of FIXTURE_KEYS) {
      await pair.same(["DEBUG", "DIGEST-VALUE", key], `${key}: `);
      await pair.same(["OBJECT", "ENCODING", key], `${key}: `);
    }
    await pair.same(["DEBUG", "DIGEST-VALUE", ...FIXTURE_KEYS, "nokey"]);
    // The database number is part of the digest: the same keys elsewhere
    // give another one.
    const inZero = await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["SWAPDB", "0", "5"]);
    const inFive = await pair.same(["DEBUG", "DIGEST"]);
    assert.notEqual(inFive, inZero);
    await pair.same(["SELECT", "5"]);
    await pair.same(["MOVE", "str", "0"]);
    await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["COPY", "zset", "zcopy", "DB", "9"]);
    await pair.same(["DEBUG", "DIGEST"]);
    // A digest survives a save and reload.
    await pair.same(["DEBUG", "RELOAD"]);
    await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["DEBUG", "DIGEST-VALUE", ...FIXTURE_KEYS]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG LOADAOF reloads the same dataset as redis-server",
  async (pair) => {
    for (const args of FIXTURES) await pair.same(args);
    await pair.same(["SELECT", "4"]);
    await pair.same(["SET", "elsewhere", "v"]);
    const before = await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["DEBUG", "LOADAOF"]);
    assert.equal(await pair.same(["DEBUG", "DIGEST"]), before);
    await pair.same(["DEBUG", "DIGEST-VALUE", ...FIXTURE_KEYS]);
    const [ours, theirs] = await pair.both(["INFO", "persistence"]);
    const changes = (info: string) =>
      /rdb_changes_since_last_save:\d+/.exec(info)?.[0];
    assert.equal(changes(ours), changes(theirs));
    await pair.same(["DEBUG", "LOADAOF", "ignored", "arguments"]);
    assert.equal(await pair.same(["DEBUG", "DIGEST"]), before);
  },
  debugFlags("--appendonly", "yes"),
);

differentialTest(
  "differential: DEBUG DIGEST ignores encodings and element order, but not expiry",
  async (pair) => {
    const script: string[][] = [
      // The same hash built in two orders, once as a listpack, once as a
      // hash table, digests the same.
      ["HSET", "h1", "a", "1", "b", "2", "c", "3"],
      ["HSET", "h2", "c", "3", "b", "2", "a", "1"],
      ["CONFIG", "SET", "hash-max-listpack-entries", "1"],
      ["HSET", "h3", "b", "2", "a", "1", "c", "3"],
      ["OBJECT", "ENCODING", "h3"],
      ["DEBUG", "DIGEST-VALUE", "h1", "h2", "h3"],
      ["SADD", "s1", "1", "2", "3"],
      ["SADD", "s2", "3", "2", "1"],
      ["CONFIG", "SET", "set-max-intset-entries", "1"],
      ["SADD", "s3", "2", "3", "1"],
      ["OBJECT", "ENCODING", "s3"],
      ["DEBUG", "DIGEST-VALUE", "s1", "s2", "s3"],
      ["ZADD", "z1", "1", "a", "2.5", "b"],
      ["CONFIG", "SET", "zset-max-listpack-entries", "0"],
      ["ZADD", "z2", "2.5", "b", "1", "a"],
      ["OBJECT", "ENCODING", "z2"],
      ["DEBUG", "DIGEST-VALUE", "z1", "z2"],
      // Lists keep their order.
      ["RPUSH", "l1", "a", "b"],
      ["RPUSH", "l2", "b", "a"],
      ["DEBUG", "DIGEST-VALUE", "l1", "l2"],
      // Any expiry time counts the same, none counts differently.
      ["SET", "e1", "v", "EX", "100"],
      ["SET", "e2", "v", "PX", "99999999"],
      ["SET", "e3", "v"],
      ["DEBUG", "DIGEST-VALUE", "e1", "e2", "e3"],
      ["DEBUG", "DIGEST"],
      ["PERSIST", "e1"],
      ["DEBUG", "DIGEST-VALUE", "e1", "e2", "e3"],
      ["DEBUG", "DIGEST"],
    ];
    for (const args of script) await pair.same(args);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: expired keys not yet reclaimed count in DEBUG DIGEST, as in Redis",
  async (pair) => {
    await pair.same(["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    await pair.same(["SET", "k", "v", "PX", "1"]);
    await pair.same(["SET", "keep", "v"]);
    await new Promise((r) => setTimeout(r, 30));
    // DIGEST, DIGEST-VALUE and OBJECT look the key up without expiring it.
    await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["DEBUG", "DIGEST-VALUE", "k"]);
    const [ours, theirs] = await pair.both(["DEBUG", "OBJECT", "k"]);
    assert.equal(mask(ours), mask(theirs));
    const [oursStats, theirStats] = await pair.both(["DEBUG", "HTSTATS", "0"]);
    assert.deepEqual(htstatsShape(oursStats), htstatsShape(theirStats));
    // HTSTATS-KEY's lookup expires it.
    await pair.same(["DEBUG", "HTSTATS-KEY", "k"]);
    await pair.same(["DBSIZE"]);
    await pair.same(["DEBUG", "DIGEST"]);
    await pair.same(["DEBUG", "OBJECT", "k"]);
    await pair.same(["DEBUG", "SET-ACTIVE-EXPIRE", "1"]);
  },
  DEBUG_FLAGS,
);

// ---------------------------------------------------------------------------
// Random command sequences over every type

const STRING_KEYS = ["s1", "s2", "s3"];
const LIST_KEYS = ["l1", "l2"];
const SET_KEYS = ["set1", "set2", "set3"];
const ZSET_KEYS = ["z1", "z2", "z3"];
const HASH_KEYS = ["h1", "h2"];
const STREAM_KEYS = ["x1", "x2"];
const ALL_KEYS = [
  ...STRING_KEYS,
  ...LIST_KEYS,
  ...SET_KEYS,
  ...ZSET_KEYS,
  ...HASH_KEYS,
  ...STREAM_KEYS,
];
const WORDS = ["a", "b", "c", "", "hello", "12", "-3", "7", "x".repeat(70)];
const SCORES = [
  "0",
  "-0",
  "1",
  "1.5",
  "0.1",
  "-2.75",
  "1e-5",
  "3e20",
  "inf",
  "-inf",
  "123456789.123",
];

/**
 * A random deterministic command (no random picks, no relative times that
 * could expire during the run) on a small key space; some fail with
 * WRONGTYPE or syntax errors, alike on both servers.
 */
function randomCommand(p: Picker, streamIds: Map<string, number>): string[] {
  const word = () => p.pick(WORDS);
  const any = () => p.pick(ALL_KEYS);
  const s = p.pick(STRING_KEYS);
  const l = p.pick(LIST_KEYS);
  const set = p.pick(SET_KEYS);
  const z = p.pick(ZSET_KEYS);
  const h = p.pick(HASH_KEYS);
  const x = p.pick(STREAM_KEYS);
  const member = () => p.chance(0.5) ? String(p.int(-20, 20)) : word();
  switch (p.int(0, 39)) {
    case 0:
      return ["SET", s, word()];
    case 1:
      return ["SET", s, String(p.int(-5, 20000)), "EX", "1000"];
    case 2:
      return ["APPEND", s, word()];
    case 3:
      return ["INCRBY", s, String(p.int(-100, 100))];
    case 4:
      return ["SETRANGE", s, String(p.int(0, 40)), word()];
    case 5:
      return ["INCRBYFLOAT", s, p.pick(["0.5", "-1.25", "3"])];
    case 6:
      return ["RPUSH", l, word(), word()];
    case 7:
      return ["LPUSH", l, word()];
    case 8:
      return [p.pick(["LPOP", "RPOP"]), l];
    case 9:
      return ["LINSERT", l, p.pick(["BEFORE", "AFTER"]), word(), word()];
    case 10:
      return ["LREM", l, String(p.int(-1, 1)), word()];
    case 11:
      return ["LSET", l, String(p.int(-2, 2)), word()];
    case 12:
      return ["LMOVE", l, p.pick(LIST_KEYS), "LEFT", "RIGHT"];
    case 13:
      return ["SADD", set, member(), member()];
    case 14:
      return ["SREM", set, member()];
    case 15:
      return ["SMOVE", set, p.pick(SET_KEYS), member()];
    case 16:
      return [
        p.pick(["SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE"]),
        set,
        p.pick(SET_KEYS),
        p.pick(SET_KEYS),
      ];
    case 17:
      return ["ZADD", z, p.pick(SCORES), member(), p.pick(SCORES), member()];
    case 18:
      return ["ZINCRBY", z, p.pick(SCORES), member()];
    case 19:
      return ["ZREM", z, member()];
    case 20:
      return [
        "ZUNIONSTORE",
        z,
        "2",
        p.pick(ZSET_KEYS),
        p.pick(ZSET_KEYS),
        "WEIGHTS",
        "0.5",
        "3",
      ];
    case 21:
      return ["ZREMRANGEBYRANK", z, "0", String(p.int(0, 2))];
    case 22:
      return ["HSET", h, word(), word(), member(), member()];
    case 23:
      return ["HDEL", h, word()];
    case 24:
      return ["HINCRBY", h, member(), String(p.int(-10, 10))];
    case 25:
      return ["HINCRBYFLOAT", h, word(), p.pick(["0.1", "-2", "1e3"])];
    case 26: {
      // Explicit IDs: "*" would differ between the servers.
      const next = (streamIds.get(x) ?? 0) + p.int(0, 3);
      streamIds.set(x, next);
      return ["XADD", x, `${next}-${p.int(0, 3)}`, word(), word()];
    }
    case 27:
      return ["XDEL", x, `${p.int(0, streamIds.get(x) ?? 0)}-${p.int(0, 3)}`];
    case 28:
      return ["XTRIM", x, "MAXLEN", String(p.int(0, 5))];
    case 29:
      return ["XGROUP", "CREATE", x, p.pick(["g1", "g2"]), "0", "MKSTREAM"];
    case 30:
      return ["DEL", any()];
    case 31:
      return ["EXPIRE", any(), String(p.int(500, 5000))];
    case 32:
      return ["PERSIST", any()];
    case 33:
      return ["RENAME", any(), any()];
    case 34:
      return ["COPY", any(), any(), "REPLACE"];
    case 35:
      return ["MOVE", any(), "1"];
    case 36:
      return ["SWAPDB", "0", "1"];
    case 37:
      return ["COPY", any(), any(), "DB", "2"];
    case 38:
      return ["GETEX", s, "PERSIST"];
    default:
      return ["SETBIT", s, String(p.int(0, 100)), "1"];
  }
}

/** Masks what differs between any two servers in a DEBUG OBJECT line. */
function mask(line: string): string {
  return line.replace(/at:0x[0-9a-f]+/, "at:0x?").replace(
    /lru:\d+ lru_seconds_idle:\d+/,
    "lru:? lru_seconds_idle:?",
  );
}

/** Compares the digest of the whole dataset and of each key of db 0. */
async function sameDigests(pair: Pair, context: string): Promise<void> {
  await pair.same(["DEBUG", "DIGEST"], context);
  await pair.same(["DEBUG", "DIGEST-VALUE", ...ALL_KEYS], context);
}

/** Runs random command sequences from each of `seeds` on `pair`. */
async function runRandom(pair: Pair, seeds: number[]): Promise<void> {
  for (const seed of seeds) {
    const p = new Picker(prng(seed));
    const streamIds = new Map<string, number>();
    // Odd seeds run in RESP2, even ones in RESP3.
    await pair.both(["HELLO", seed % 2 === 0 ? "3" : "2"]);
    await pair.same(["FLUSHALL"]);
    await sameDigests(pair, `seed ${seed} start: `);
    for (let i = 0; i < 1200; i++) {
      const context = `seed ${seed} step ${i}: `;
      await pair.same(randomCommand(p, streamIds), context);
      if (i % 25 === 24) await sameDigests(pair, context);
    }
    await sameDigests(pair, `seed ${seed} end: `);
    for (const key of ALL_KEYS) {
      const type = await pair.same(["TYPE", key]);
      // Streams are serialised differently here (serializedlength).
      if (type.includes("stream") || type.includes("none")) continue;
      const [ours, theirs] = await pair.both(["DEBUG", "OBJECT", key]);
      assert.equal(mask(ours), mask(theirs), `seed ${seed} ${key}`);
    }
    for (const db of ["0", "1", "2"]) {
      await pair.same(["SELECT", db]);
      await pair.same(["DEBUG", "DIGEST-VALUE", ...ALL_KEYS], `db ${db}: `);
    }
    await pair.same(["SELECT", "0"]);
  }
}

differentialTest(
  "differential: DEBUG DIGEST matches redis-server after random command sequences over every type",
  (pair) => runRandom(pair, [1, 2]),
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG DIGEST matches redis-server with tiny listpack and intset limits",
  (pair) => runRandom(pair, [3, 4]),
  debugFlags(
    "--hash-max-listpack-entries",
    "3",
    "--zset-max-listpack-entries",
    "3",
    "--set-max-intset-entries",
    "3",
    "--hash-max-listpack-value",
    "4",
    "--zset-max-listpack-value",
    "4",
  ),
);

// ---------------------------------------------------------------------------
// DEBUG PROTOCOL

const PROTOCOL_TYPES = [
  "string",
  "integer",
  "double",
  "bignum",
  "null",
  "array",
  "set",
  "map",
  "attrib",
  "push",
  "verbatim",
  "true",
  "false",
  "TRUE",
  "Map",
  "nosuch",
];

differentialTest(
  "differential: DEBUG PROTOCOL replies are byte-identical in RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      for (const type of PROTOCOL_TYPES) {
        const context = `RESP${protocol} ${type}: `;
        const reply = await pair.same(["DEBUG", "PROTOCOL", type], context);
        // A push message is followed by the command's actual reply.
        if (reply.startsWith(">")) {
          const [ours, theirs] = await Promise.all([
            pair.ourClient.readRaw(),
            pair.oracleClient.readRaw(),
          ]);
          assert.equal(latin1(ours), latin1(theirs), context);
        }
      }
      await pair.same(["DEBUG", "PROTOCOL"]);
      await pair.same(["DEBUG", "PROTOCOL", "map", "extra"]);
    }
  },
  DEBUG_FLAGS,
);

// ---------------------------------------------------------------------------
// DEBUG OBJECT, HTSTATS and the small subcommands

differentialTest(
  "differential: DEBUG OBJECT lines match redis-server but for address and LRU clock",
  async (pair) => {
    const script: string[][] = [
      ["SET", "embstr", "hello"],
      ["SET", "shared", "100"],
      ["SET", "big", "12345678901234"],
      ["SET", "raw", "a".repeat(75)],
      ["SET", "appended", "x"],
      ["APPEND", "appended", "yz"],
      ["SET", "compressible", "ab".repeat(500)],
      ["RPUSH", "list", "a", "12", "c"],
      ["SADD", "intset16", "1", "2", "3"],
      ["SADD", "intset32", "1", "100000", "-5"],
      ["SADD", "intset64", "1", "10000000000"],
      ["SADD", "set", "x", "5", "y"],
      [
        "ZADD",
        "zset",
        "1",
        "a",
        "2",
        "b",
        "100000",
        "c",
        "1.25",
        "d",
        "-0",
        "e",
      ],
      [
        "HSET",
        "hash",
        "n",
        "123",
        "m",
        "-70000",
        "k",
        "9999999999",
        "s",
        "str",
      ],
      ["CONFIG", "SET", "zset-max-listpack-entries", "2"],
      ["ZADD", "skiplist", "1", "a", "2", "b", "3.5", "c"],
      ["CONFIG", "SET", "hash-max-listpack-entries", "2"],
      ["HSET", "hashtable", "a", "1", "b", "2", "c", "3"],
    ];
    for (const args of script) await pair.same(args);
    // Lists of many nodes, of large elements, of integers.
    const p = new Picker(prng(7));
    for (
      const [key, count, make] of [
        ["ints", 1000, (i: number) => String(i * 7919 - 3_000_000)],
        ["mixed", 600, () => "x".repeat(p.int(0, 100))],
        ["huge", 40, () => "y".repeat(p.int(200, 3000))],
      ] as const
    ) {
      const items = Array.from({ length: count }, (_, i) => make(i));
      for (let i = 0; i < items.length; i += 50) {
        await pair.same(["RPUSH", key, ...items.slice(i, i + 50)]);
      }
    }
    const keys = [
      ...new Set(script.map((a) => a[1]).filter((k) => k !== "SET")),
      "ints",
      "mixed",
      "huge",
    ];
    const compare = async (key: string, context = "") => {
      const [ours, theirs] = await pair.both(["DEBUG", "OBJECT", key]);
      assert.equal(mask(ours), mask(theirs), `${context}${key}`);
    };
    for (const key of keys) await compare(key);
    // Elements at the packed threshold get plain nodes of their own.
    await pair.same(["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"]);
    await pair.same(
      [
        "RPUSH",
        "plain",
        ...Array.from({ length: 60 }, (_, i) => "z".repeat(50 + i * 2)),
      ],
    );
    await compare("plain", "packed threshold 100: ");
    await pair.same(["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"]);
    // Other node limits, and compressed interior nodes.
    for (const [size, depth] of [["5", "0"], ["-1", "0"], ["-2", "1"]]) {
      await pair.same(["CONFIG", "SET", "list-max-listpack-size", size]);
      await pair.same(["CONFIG", "SET", "list-compress-depth", depth]);
      const key = `list${size}${depth}`;
      await pair.same(
        [
          "RPUSH",
          key,
          ...Array.from(
            { length: 200 },
            (_, i) => "abcdefgh".repeat(1 + (i * 13) % 30),
          ),
        ],
      );
      await compare(key, `fill ${size} depth ${depth}: `);
    }
    await pair.same(["DEBUG", "OBJECT", "nokey"]);
  },
  DEBUG_FLAGS,
);

/**
 * What an HTSTATS reply says that does not depend on hashing or on how far
 * an incremental rehash got: per section, the largest table size and the
 * number of elements over all tables (or that the table is empty).
 */
function htstatsShape(reply: string): string[] {
  const shape: string[] = [];
  let size = 0;
  let elements = 0;
  const end = () => {
    if (size > 0) shape.push(`size ${size} elements ${elements}`);
    size = elements = 0;
  };
  for (const line of reply.split("\n")) {
    const match = /^ (table size|number of elements): (\d+)/.exec(line);
    if (match?.[1] === "table size") size = Math.max(size, Number(match[2]));
    else if (match !== null) elements += Number(match[2]);
    else if (line.startsWith("[") || line.startsWith("No stats")) {
      end();
      shape.push(line);
    }
  }
  end();
  return shape;
}

differentialTest(
  "differential: DEBUG HTSTATS and HTSTATS-KEY match redis-server in shape and errors",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      // Empty tables print the same text.
      await pair.same(["DEBUG", "HTSTATS", "0"]);
      await pair.same([
        "MSET",
        ...Array.from({ length: 12 }, (_, i) => [`k${i}`, "v"]).flat(),
      ]);
      await pair.same(["EXPIRE", "k1", "100"]);
      await pair.same(["CONFIG", "SET", "set-max-intset-entries", "2"]);
      await pair.same(["SADD", "set", "1", "2", "3", "4", "5"]);
      await pair.same(["SADD", "intset", "1", "2"]);
      await pair.same(["CONFIG", "SET", "set-max-intset-entries", "512"]);
      await pair.same(["CONFIG", "SET", "hash-max-listpack-entries", "1"]);
      await pair.same(["HSET", "hash", "a", "1", "b", "2"]);
      await pair.same(["CONFIG", "SET", "hash-max-listpack-entries", "128"]);
      await pair.same(["HSET", "small", "a", "1"]);
      await pair.same(["RPUSH", "list", "a"]);
      for (
        const args of [
          ["DEBUG", "HTSTATS", "0"],
          ["DEBUG", "HTSTATS-KEY", "set"],
          ["DEBUG", "HTSTATS-KEY", "hash"],
        ]
      ) {
        const [ours, theirs] = await pair.both(args);
        assert.deepEqual(
          htstatsShape(ours),
          htstatsShape(theirs),
          args.join(" "),
        );
      }
      for (
        const args of [
          ["DEBUG", "HTSTATS", "15"],
          ["DEBUG", "HTSTATS", "16"],
          ["DEBUG", "HTSTATS", "-1"],
          ["DEBUG", "HTSTATS", "x"],
          ["DEBUG", "HTSTATS", "0", "full"],
          ["DEBUG", "HTSTATS"],
          ["DEBUG", "HTSTATS-KEY", "intset"],
          ["DEBUG", "HTSTATS-KEY", "small"],
          ["DEBUG", "HTSTATS-KEY", "list"],
          ["DEBUG", "HTSTATS-KEY", "k2"],
          ["DEBUG", "HTSTATS-KEY", "nokey"],
          ["DEBUG", "HTSTATS-KEY", "set", "extra"],
        ]
      ) await pair.same(args);
    }
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG subcommands' replies and error texts match redis-server",
  async (pair) => {
    const script: string[][] = [
      ["DEBUG"],
      ["DEBUG", "nosuch"],
      ["DEBUG", "x".repeat(200)],
      ["DEBUG", "DIGEST", "x"],
      ["DEBUG", "OBJECT"],
      ["DEBUG", "OBJECT", "a", "b"],
      ["DEBUG", "PROTOCOL"],
      ["DEBUG", "CHANGE-REPL-ID"],
      ["DEBUG", "change-repl-id", "x"],
      // Redis 7.0 names it STRINGMATCH-TEST; STRINGMATCH-LEN is unknown.
      ["DEBUG", "STRINGMATCH-LEN"],
      ["DEBUG", "STRINGMATCH-LEN", "x"],
      ["DEBUG", "STRINGMATCH-TEST", "x"],
      ["DEBUG", "SET-DISABLE-DENY-SCRIPTS"],
      ["DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"],
      ["DEBUG", "SET-DISABLE-DENY-SCRIPTS", "x"],
      ["DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"],
      ["DEBUG", "PAUSE-CRON"],
      ["DEBUG", "PAUSE-CRON", "abc"],
      ["DEBUG", "PAUSE-CRON", "1", "2"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1K"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100b"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4095mb"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918720"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918721"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1.5k"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", " 100"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"],
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1", "2"],
      ["DEBUG", "SLEEP", "0"],
      ["DEBUG", "HELP", "x"],
    ];
    for (const args of script) await pair.same(args);
    // STRINGMATCH-TEST runs a while on redis-server (a million cases).
    await pair.same(["DEBUG", "STRINGMATCH-TEST"]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG HELP is Redis's help, for the subcommands that exist here",
  async (pair) => {
    const [ours, theirs] = await Promise.all([
      pair.ourClient.call("DEBUG", "HELP"),
      pair.oracleClient.call("DEBUG", "HELP"),
    ]) as [string[], string[]];
    // Redis's entries: a subcommand line, then its indented description.
    const entries = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of theirs.slice(1)) {
      if (line.startsWith(" ")) current.push(line);
      else entries.set(line.split(" ")[0], current = [line]);
    }
    assert.equal(ours[0], theirs[0]);
    const expected = [theirs[0]];
    const names = new Set<string>();
    for (const line of ours.slice(1)) {
      if (line.startsWith(" ")) continue;
      const name = line.split(" ")[0];
      names.add(name);
      assert.ok(entries.has(name), `${name} is not in Redis's help`);
      expected.push(...entries.get(name)!);
    }
    // In Redis's order.
    const order = [...entries.keys()].filter((n) => names.has(n));
    assert.deepEqual(
      ours.slice(1).filter((line) => !line.startsWith(" ")).map((l) =>
        l.split(" ")[0]
      ),
      order,
    );
    assert.deepEqual(ours, expected);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG is refused alike when enable-debug-command is no",
  async (pair) => {
    for (
      const args of [
        ["DEBUG", "DIGEST"],
        ["DEBUG", "DIGEST-VALUE", "k"],
        ["DEBUG", "PROTOCOL", "map"],
        ["DEBUG", "OBJECT", "k"],
        ["DEBUG", "HELP"],
      ]
    ) await pair.same(args);
  },
);

differentialTest(
  "differential: DEBUG POPULATE, ERROR, LOG, LEAK and CONFIG-REWRITE-FORCE-ALL",
  async (pair) => {
    await pair.same(["DEBUG", "POPULATE", "3"]);
    await pair.sameUnordered(["KEYS", "*"]);
    await pair.same(["GET", "key:2"]);
    await pair.same(["OBJECT", "ENCODING", "key:0"]);
    // Existing keys are kept; a size pads with zeros or cuts the value.
    await pair.same(["SET", "p:1", "mine"]);
    await pair.same(["DEBUG", "POPULATE", "2", "p", "12"]);
    await pair.same(["GET", "p:0"]);
    await pair.same(["GET", "p:1"]);
    await pair.same(["DEBUG", "POPULATE", "2", "short", "3"]);
    await pair.same(["GET", "short:1"]);
    await pair.same(["DEBUG", "POPULATE", "1", "big", "100"]);
    await pair.same(["OBJECT", "ENCODING", "big:0"]);
    await pair.same(["DEBUG", "POPULATE", "1", "x".repeat(130)]);
    await pair.same(["KEYS", "xxx*"]);
    await pair.same(["DEBUG", "POPULATE", "1", "nul\0cut"]);
    await pair.same(["EXISTS", "nul:0"]);
    await pair.same(["DEBUG", "POPULATE", "0"]);
    await pair.same(["DBSIZE"]);
    for (const bad of ["-1", "abc", "1.5"]) {
      await pair.same(["DEBUG", "POPULATE", bad]);
      await pair.same(["DEBUG", "POPULATE", "1", "k", bad]);
    }
    await pair.same(["DEBUG", "POPULATE", "1", "a", "1", "extra"]);
    await pair.same(["DEBUG", "ERROR", "WRONGTYPE made up"]);
    await pair.same(["DEBUG", "ERROR", "no code here"]);
    await pair.same(["DEBUG", "ERROR"]);
    await pair.same(["DEBUG", "LOG", "a line"]);
    await pair.same(["DEBUG", "LEAK", "bytes"]);
    // Neither server has a config file here.
    await pair.same(["DEBUG", "CONFIG-REWRITE-FORCE-ALL"]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG POPULATE keys are seen by WATCH",
  async (pair) => {
    await pair.same(["WATCH", "key:0"]);
    const other = await Promise.all(
      [pair.ours, pair.oracle].map((server) => RespClient.connect(server.port)),
    );
    try {
      for (const client of other) {
        await client.call("DEBUG", "POPULATE", "1");
      }
    } finally {
      for (const client of other) client.close();
    }
    await pair.same(["MULTI"]);
    await pair.same(["PING"]);
    await pair.same(["EXEC"]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG SET-SKIP-CHECKSUM-VALIDATION lets RESTORE take a payload with a wrong checksum",
  async (pair) => {
    await pair.same(["SET", "k", "value"]);
    const payload = await pair.oracleClient.call("DUMP", "k") as string;
    const corrupt = payload.slice(0, -1) +
      String.fromCharCode(payload.charCodeAt(payload.length - 1) ^ 1);
    await pair.same(["RESTORE", "r", "0", corrupt]);
    await pair.same(["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"]);
    await pair.same(["RESTORE", "r", "0", corrupt]);
    await pair.same(["GET", "r"]);
    // The version is still checked.
    const future = payload.slice(0, -10) + "\xff\xff" + payload.slice(-8);
    await pair.same(["RESTORE", "f", "0", future]);
    await pair.same(["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"]);
    await pair.same(["RESTORE", "r2", "0", corrupt]);
    await pair.same(["DEBUG", "SET-SKIP-CHECKSUM-VALIDATION"]);
  },
  DEBUG_FLAGS,
);

differentialTest(
  "differential: DEBUG SET-DISABLE-DENY-SCRIPTS lets scripts call noscript commands",
  async (pair) => {
    const script = "return redis.call('debug', 'log', 'from a script')";
    await pair.same(["EVAL", script, "0"]);
    await pair.same(["DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"]);
    await pair.same(["EVAL", script, "0"]);
    await pair.same(["DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"]);
    await pair.same(["EVAL", script, "0"]);
  },
  DEBUG_FLAGS,
);
