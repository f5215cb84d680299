import assert from "node:assert/strict";
import type { Reply } from "../helpers/resp_client.ts";
import { differentialTest, type Pair, prng } from "../helpers/differential.ts";

/** RESP3 maps as flat arrays tagged "%map", so replies can be edited alike. */
function flatten(reply: Reply): Reply {
  if (reply instanceof Map) {
    const out: Reply[] = ["%map"];
    for (const [k, v] of reply) out.push(flatten(k), flatten(v));
    return out;
  }
  return Array.isArray(reply) ? reply.map(flatten) : reply;
}

/** Sets the value after `key` in a flat key/value array to 0. */
function zeroAfter(items: Reply[], key: string): void {
  const at = items.indexOf(key);
  if (at >= 0) items[at + 1] = 0;
}

/** Applies `edit` to the array that follows `key` in a flat key/value array. */
function editAfter(
  items: Reply[],
  key: string,
  edit: (value: Reply[]) => Reply[],
): void {
  const at = items.indexOf(key);
  if (at >= 0 && Array.isArray(items[at + 1])) {
    items[at + 1] = edit(items[at + 1] as Reply[]);
  }
}

/**
 * Replaces the time-dependent parts of a parsed reply (idle times, delivery
 * and seen times) so that both servers' replies compare equal.
 */
function normalize(args: string[], raw: Reply): Reply {
  const reply = flatten(raw);
  const name = args[0].toUpperCase();
  const sub = (args[1] ?? "").toUpperCase();
  if (!Array.isArray(reply)) return reply;
  const rows = (at: number) => (list: Reply[]) =>
    list.map((row) =>
      Array.isArray(row) ? row.map((v, i) => (i === at ? 0 : v)) : row
    );
  if (name === "XPENDING") return rows(2)(reply);
  if (name === "XINFO" && sub === "CONSUMERS") {
    return reply.map((c) => {
      if (!Array.isArray(c)) return c;
      const consumer = [...c];
      zeroAfter(consumer, "idle");
      return consumer;
    });
  }
  const out = [...reply];
  editAfter(out, "groups", (groups) =>
    groups.map((g) => {
      if (!Array.isArray(g)) return g;
      const group = [...g];
      editAfter(group, "pending", rows(2));
      editAfter(group, "consumers", (consumers) =>
        consumers.map((c) => {
          if (!Array.isArray(c)) return c;
          const consumer = [...c];
          zeroAfter(consumer, "seen-time");
          editAfter(consumer, "pending", rows(1));
          return consumer;
        }));
      return group;
    }));
  return out;
}

/** Commands whose replies contain times and are compared after {@linkcode normalize}. */
function timeDependent(args: string[]): boolean {
  const name = args[0].toUpperCase();
  const sub = (args[1] ?? "").toUpperCase();
  return (name === "XPENDING" && args.length > 3) ||
    (name === "XINFO" && sub === "CONSUMERS") ||
    (name === "XINFO" && sub === "STREAM" && args.length > 3);
}

/** Asserts equal replies: raw bytes when time-free, else after {@linkcode normalize}. */
async function same(pair: Pair, args: string[], context = ""): Promise<void> {
  if (!timeDependent(args)) {
    await pair.same(args, context);
    return;
  }
  const [a, b] = await Promise.all([
    pair.ourClient.call(...args),
    pair.oracleClient.call(...args),
  ]);
  assert.deepEqual(
    normalize(args, a),
    normalize(args, b),
    `${context}${JSON.stringify(args)}`,
  );
}

const EDGE_CASES: string[][] = [
  ["XADD", "s", "0-0", "a", "1"],
  ["XADD", "s", "0-*", "a", "1"],
  ["XADD", "s", "0-*", "a", "1"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "1", "a", "1"],
  ["XADD", "s", "1-*", "b", "2", "c", "3"],
  ["XADD", "s", "0-*", "a", "1"],
  ["XADD", "s", "2-*", "b", "2", "c", "3"],
  ["XADD", "s", "5-9", "a"],
  ["XADD", "s", "5-9"],
  ["XADD", "s", "NOMKSTREAM"],
  ["XADD", "missing", "NOMKSTREAM", "1-1", "a", "1"],
  ["XADD", "s", "LIMIT", "5", "9-1", "a", "1"],
  ["XADD", "s", "LIMIT", "0", "9-1", "a", "1"],
  ["XADD", "s", "MAXLEN", "5", "LIMIT", "5", "9-1", "a", "1"],
  ["XADD", "s", "MAXLEN", "5", "MINID", "1", "9-1", "a", "1"],
  ["XADD", "s", "MAXLEN", "-1", "9-1", "a", "1"],
  ["XADD", "s", "MAXLEN", "x", "9-1", "a", "1"],
  ["XADD", "s", "MINID", "x", "9-1", "a", "1"],
  ["XADD", "s", "MAXLEN", "~", "10", "LIMIT", "-1", "9-1", "a", "1"],
  ["XADD", "s", "bad-id", "a", "1"],
  ["XADD", "s", "-", "a", "1"],
  ["XADD", "s", "9-1-1", "a", "1"],
  ["XADD", "s", "18446744073709551616-1", "a", "1"],
  ["XADD", "s", "9007199254740993-5", "a", "1"],
  ["XADD", "s", "9007199254740993-*", "a", "1"],
  ["XADD", "s", "18446744073709551615-18446744073709551614", "x", "y"],
  ["XADD", "s", "18446744073709551615-*", "x", "y"],
  ["XADD", "s", "18446744073709551615-*", "x", "y"],
  ["XADD", "s", "*", "x", "y"],
  ["XLEN", "s"],
  ["XLEN", "missing"],
  ["XRANGE", "s", "-", "+"],
  ["XRANGE", "s", "-", "+", "COUNT", "0"],
  ["XRANGE", "s", "-", "+", "COUNT", "-3"],
  ["XRANGE", "s", "-", "+", "COUNT", "2", "COUNT", "3"],
  ["XRANGE", "s", "-", "+", "COUNT"],
  ["XRANGE", "s", "-", "+", "FOO", "1"],
  ["XRANGE", "s", "(1-1", "(5-9"],
  ["XRANGE", "s", "1", "2"],
  ["XRANGE", "s", "(-", "+"],
  ["XRANGE", "s", "-", "(-"],
  ["XRANGE", "s", "(0-0", "+"],
  ["XRANGE", "s", "-", "(0-0"],
  ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"],
  ["XRANGE", "s", "+", "-"],
  ["XRANGE", "s", "(", "+"],
  ["XRANGE", "s", "x", "+"],
  ["XRANGE", "missing", "-", "+"],
  ["XREVRANGE", "s", "+", "-", "COUNT", "2"],
  ["XREVRANGE", "s", "(5-9", "(1-1"],
  ["XREVRANGE", "s", "2", "1"],
  ["XDEL", "s", "1-1", "2-0", "99-1"],
  ["XDEL", "s", "bad"],
  ["XDEL", "missing", "bad"],
  ["XDEL", "s", "+"],
  ["XINFO", "STREAM", "s"],
  ["XINFO", "STREAM", "s", "FULL"],
  ["XINFO", "STREAM", "s", "FULL", "COUNT", "1"],
  ["XINFO", "STREAM", "s", "FULL", "COUNT", "-1"],
  ["XINFO", "STREAM", "s", "FULL", "COUNT"],
  ["XINFO", "STREAM", "s", "FOO"],
  ["XINFO", "STREAM", "missing"],
  ["XINFO", "GROUPS", "missing"],
  ["XSETID", "s", "1-1"],
  [
    "XSETID",
    "s",
    "18446744073709551615-18446744073709551615",
    "ENTRIESADDED",
    "1",
  ],
  [
    "XSETID",
    "s",
    "18446744073709551615-18446744073709551615",
    "ENTRIESADDED",
    "-1",
  ],
  ["XSETID", "s", "5-5", "MAXDELETEDID", "6-6"],
  [
    "XSETID",
    "s",
    "18446744073709551615-18446744073709551615",
    "ENTRIESADDED",
    "100",
    "MAXDELETEDID",
    "5-5",
  ],
  ["XSETID", "s", "1-1", "FOO"],
  ["XSETID", "missing", "1-1"],
  ["XSETID", "s", "bad"],
  ["XINFO", "STREAM", "s"],
  ["SET", "str", "x"],
  ["XADD", "str", "*", "a", "b"],
  ["XRANGE", "str", "-", "+"],
  ["XLEN", "str"],
  ["XREAD", "STREAMS", "str", "0"],
  ["XGROUP", "CREATE", "str", "g", "$"],
  ["XINFO", "STREAM", "str"],
  ["XTRIM", "str", "MAXLEN", "1"],
  ["XTRIM", "s", "LIMIT", "5"],
  ["XTRIM", "s", "FOO", "1"],
  ["XTRIM", "s", "MAXLEN", "~"],
  ["XTRIM", "s", "MAXLEN", "=", "100"],
  ["XTRIM", "missing", "MAXLEN", "1"],
  ["XTRIM", "s", "MINID", "3"],
  ["XTRIM", "s", "MAXLEN", "1"],
  ["XRANGE", "s", "-", "+"],
  ["DEL", "s"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "2-1", "b", "2"],
  ["XADD", "s", "3-1", "c", "3"],
  ["XGROUP", "CREATE", "s", "g", "0"],
  ["XGROUP", "CREATE", "s", "g", "0"],
  ["XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "2"],
  ["XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "-2"],
  ["XGROUP", "CREATE", "s", "g3", "0", "MKSTREAM", "FOO"],
  ["XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD"],
  ["XGROUP", "CREATE", "s", "g3", "bad"],
  ["XGROUP", "CREATE", "missing", "g", "0"],
  ["XGROUP", "CREATE", "missing2", "g", "bad", "MKSTREAM"],
  ["EXISTS", "missing2"],
  ["XGROUP", "CREATE", "missing", "g", "$", "MKSTREAM"],
  ["XINFO", "STREAM", "missing"],
  ["XGROUP", "SETID", "s", "nogroup", "0"],
  ["XGROUP", "SETID", "missing3", "g", "0"],
  ["XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD", "1"],
  ["XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD", "x"],
  ["XGROUP", "SETID", "s", "g", "1-1", "FOO", "1"],
  ["XGROUP", "SETID", "s", "g", "1-1", "ENTRIESREAD"],
  ["XINFO", "GROUPS", "s"],
  ["XGROUP", "SETID", "s", "g", "0"],
  ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
  ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "(0"],
  ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "1-1"],
  ["XINFO", "GROUPS", "s"],
  ["XPENDING", "s", "g"],
  ["XPENDING", "s", "g", "-", "+", "10"],
  ["XPENDING", "s", "g", "-", "+", "10", "bob"],
  ["XPENDING", "s", "g", "-", "+", "10", "nobody"],
  ["XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"],
  ["XPENDING", "s", "g", "IDLE", "100000000", "-", "+", "10"],
  ["XPENDING", "s", "g", "IDLE", "0", "-", "+"],
  ["XPENDING", "s", "g", "IDLE", "x", "-", "+", "1"],
  ["XPENDING", "s", "g", "-", "+"],
  ["XPENDING", "s", "g", "-", "+", "x"],
  ["XPENDING", "s", "g", "(1-1", "+", "-5"],
  ["XPENDING", "s", "g", "(1-1", "(3-1", "5"],
  ["XPENDING", "s", "nogroup"],
  ["XPENDING", "missing4", "g"],
  ["XACK", "s", "g", "1-1", "9-9"],
  ["XACK", "s", "g", "bad"],
  ["XACK", "s", "nogroup", "bad"],
  ["XPENDING", "s", "g"],
  ["XDEL", "s", "2-1"],
  ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
  ["XINFO", "GROUPS", "s"],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "10"],
  ["XPENDING", "s", "g", "-", "+", "10"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "2-1"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "JUSTID"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "FOO"],
  ["XCLAIM", "s", "g", "dave", "x", "3-1"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "IDLE", "x"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "TIME", "x"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "RETRYCOUNT", "x"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "LASTID", "x"],
  ["XCLAIM", "s", "nogroup", "dave", "0", "3-1"],
  ["XCLAIM", "s", "g", "erin", "0", "1-1", "FORCE", "JUSTID"],
  ["XCLAIM", "s", "g", "erin", "100000000", "3-1", "JUSTID"],
  ["XPENDING", "s", "g", "-", "+", "10"],
  [
    "XCLAIM",
    "s",
    "g",
    "erin",
    "0",
    "3-1",
    "RETRYCOUNT",
    "7",
    "JUSTID",
    "LASTID",
    "5-5",
  ],
  ["XINFO", "GROUPS", "s"],
  ["XINFO", "STREAM", "s", "FULL"],
  ["XINFO", "CONSUMERS", "s", "g"],
  ["XGROUP", "CREATECONSUMER", "s", "g", "zed"],
  ["XGROUP", "CREATECONSUMER", "s", "g", "zed"],
  ["XGROUP", "CREATECONSUMER", "s", "nogroup", "zed"],
  ["XGROUP", "DELCONSUMER", "s", "g", "dave"],
  ["XGROUP", "DELCONSUMER", "s", "g", "nobody"],
  ["XPENDING", "s", "g"],
  ["XINFO", "CONSUMERS", "s", "nogroup"],
  ["XINFO", "CONSUMERS", "s", "g"],
  ["XGROUP", "DESTROY", "s", "g3"],
  ["XGROUP", "DESTROY", "s", "g2"],
  ["XGROUP", "DESTROY", "missing5", "g"],
  ["XGROUP", "FOO", "s", "g"],
  ["XINFO", "FOO", "s"],
  ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "$"],
  ["XREAD", "STREAMS", "s", ">"],
  ["XREAD", "STREAMS", "s"],
  ["XREAD", "STREAMS", "s", "s", "0"],
  ["XREAD", "GROUP", "g", "a", "STREAMS", "s", "0"],
  ["XREAD", "NOACK", "STREAMS", "s", "0"],
  ["XREAD", "FOO", "STREAMS", "s", "0"],
  ["XREAD", "COUNT", "1"],
  ["XREADGROUP", "STREAMS", "s", "0"],
  ["XREADGROUP", "GROUP", "nogroup", "a", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "missing6", ">"],
  ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "bad"],
  ["XREAD", "COUNT", "1", "STREAMS", "s", "s", "0", "1-1"],
  ["XREAD", "COUNT", "1", "STREAMS", "missing", "s", "0", "1-1"],
  ["XREAD", "COUNT", "-1", "STREAMS", "s", "0"],
  ["XREAD", "STREAMS", "s", "$"],
  ["XREAD", "STREAMS", "s", "9"],
  ["XREAD", "BLOCK", "-1", "STREAMS", "s", "0"],
  ["XREAD", "BLOCK", "x", "STREAMS", "s", "0"],
  ["XREAD", "BLOCK", "9223372036854775807", "STREAMS", "s", "0"],
  ["XREAD", "BLOCK", "9223372036854775808", "STREAMS", "s", "0"],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "0"],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "1", "JUSTID"],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "0", "FOO"],
  ["XAUTOCLAIM", "s", "nogroup", "carol", "0", "0"],
  ["XAUTOCLAIM", "s", "g", "carol", "x", "0"],
  [
    "XAUTOCLAIM",
    "s",
    "g",
    "carol",
    "0",
    "(18446744073709551615-18446744073709551615",
  ],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "-", "COUNT", "576460752303423488"],
  ["XAUTOCLAIM", "s", "g", "carol", "0", "-"],
  ["XGROUP", "SETID", "s", "g", "$"],
  ["XINFO", "GROUPS", "s"],
  ["XADD", "s", "MAXLEN", "~", "1", "10-1", "z", "9"],
  ["XINFO", "GROUPS", "s"],
  ["TYPE", "s"],
  ["OBJECT", "ENCODING", "s"],
  ["COPY", "s", "scopy"],
  ["XINFO", "STREAM", "scopy"],
  ["XINFO", "STREAM", "scopy", "FULL"],
  ["XPENDING", "scopy", "g"],
  ["XGROUP", "HELP"],
  ["XINFO", "HELP"],
  ["XGROUP", "HELP", "x"],
  ["XINFO", "FOO"],
];

differentialTest(
  "differential: stream command edge cases match redis-server",
  async (pair) => {
    for (const args of EDGE_CASES) await same(pair, args);
    // The same again in RESP3.
    await same(pair, ["FLUSHALL"]);
    // Client ids differ, so HELLO's reply is not compared.
    await pair.ourClient.call("HELLO", "3");
    await pair.oracleClient.call("HELLO", "3");
    for (const args of EDGE_CASES) await same(pair, args, "RESP3 ");
  },
);

/** One random command over a small key space, with explicit IDs. */
function randomCommand(rand: () => number): string[] {
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(rand() * items.length)];
  const int = (n: number) => Math.floor(rand() * n);
  const key = pick(["s1", "s1", "s2", "str"]);
  const id = () => `${int(40)}-${int(3)}`;
  const bound = () =>
    pick(["-", "+", `${int(40)}`, id(), `(${id()}`, `(${int(40)}`]);
  const group = pick(["g1", "g2"]);
  const consumer = pick(["c1", "c2", "c3"]);
  const fields = () =>
    pick([["f", `${int(100)}`], ["f", "v", "g", "w"], ["x", "y"]]);
  const trim = () =>
    pick([
      [],
      [],
      ["MAXLEN", `${int(8)}`],
      ["MAXLEN", "~", `${int(8)}`],
      ["MINID", pick(["=", "~"]), id()],
      ["MAXLEN", "~", `${int(8)}`, "LIMIT", `${int(3)}`],
    ]);
  switch (int(22)) {
    case 0:
    case 1:
    case 2:
      return ["XADD", key, ...trim(), id(), ...fields()];
    case 3:
      return ["XADD", key, `${int(40)}-*`, ...fields()];
    case 4:
      return ["XDEL", key, id(), id()];
    case 5:
      return ["XRANGE", key, bound(), bound(), "COUNT", `${int(5)}`];
    case 6:
      return ["XREVRANGE", key, bound(), bound()];
    case 7:
      return [
        "XTRIM",
        key,
        ...pick([["MAXLEN", `${int(6)}`], [
          "MINID",
          id(),
        ]]),
      ];
    case 8:
      return ["XREAD", "COUNT", `${int(4)}`, "STREAMS", key, "s2", id(), id()];
    case 9:
      return [
        "XGROUP",
        "CREATE",
        key,
        group,
        pick(["0", "$", id()]),
        ...pick([[], ["MKSTREAM"], ["ENTRIESREAD", `${int(5)}`]]),
      ];
    case 10:
      return ["XGROUP", "SETID", key, group, pick(["0", "$", id()])];
    case 11:
    case 12:
    case 13:
      return [
        "XREADGROUP",
        "GROUP",
        group,
        consumer,
        "COUNT",
        `${1 + int(3)}`,
        ...pick([[], [], ["NOACK"]]),
        "STREAMS",
        key,
        pick([">", ">", "0", id()]),
      ];
    case 14:
      return ["XACK", key, group, id(), id()];
    case 15:
      return pick([
        ["XPENDING", key, group],
        ["XPENDING", key, group, bound(), bound(), `${int(5)}`],
        ["XPENDING", key, group, "-", "+", "10", consumer],
      ]);
    case 16:
      return [
        "XCLAIM",
        key,
        group,
        consumer,
        pick(["0", "100000000"]),
        id(),
        id(),
        ...pick([[], ["JUSTID"], ["FORCE"], ["RETRYCOUNT", "5"], [
          "LASTID",
          id(),
        ]]),
      ];
    case 17:
      return [
        "XAUTOCLAIM",
        key,
        group,
        consumer,
        "0",
        bound(),
        "COUNT",
        `${1 + int(3)}`,
        ...pick([[], ["JUSTID"]]),
      ];
    case 18:
      return pick([
        ["XINFO", "STREAM", key],
        ["XINFO", "STREAM", key, "FULL"],
        ["XINFO", "GROUPS", key],
        ["XINFO", "CONSUMERS", key, group],
      ]);
    case 19:
      return pick([
        ["XGROUP", "CREATECONSUMER", key, group, consumer],
        ["XGROUP", "DELCONSUMER", key, group, consumer],
        ["XGROUP", "DESTROY", key, group],
      ]);
    case 20:
      return pick([["XLEN", key], ["XSETID", key, id()], ["DEL", key]]);
    default:
      return pick([["SET", "str", "x"], ["XSETID", key, `${40 + int(5)}-0`]]);
  }
}

differentialTest(
  "differential: random stream command sequences match redis-server",
  async (pair) => {
    for (let seed = 1; seed <= 10; seed++) {
      const rand = prng(seed);
      await same(pair, ["FLUSHALL"]);
      // Mostly small nodes, so that approximate trimming and node
      // boundaries matter.
      const nodeSize = seed % 3 === 0 ? "100" : String(2 + seed % 4);
      await same(pair, ["CONFIG", "SET", "stream-node-max-entries", nodeSize]);
      for (let i = 0; i < 400; i++) {
        await same(pair, randomCommand(rand), `seed ${seed} step ${i}: `);
      }
    }
  },
);
