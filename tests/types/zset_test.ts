import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { RespDouble, RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, waitBlocked, withServer } from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();

Deno.test("zset: basic commands, scores and ranks", async () => {
  await withServer({}, async ([c]) => {
    assert.equal(await c.call("ZADD", "z", "1", "a", "2", "b", "3", "c"), 3);
    assert.equal(await c.call("ZADD", "z", "CH", "5", "a", "2", "b"), 1);
    assert.equal(await c.call("ZCARD", "z"), 3);
    assert.equal(await c.call("ZSCORE", "z", "a"), "5");
    assert.equal(
      await c.call("ZINCRBY", "z", "1.1", "b"),
      "3.1000000000000001",
    );
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1"), ["c", "b", "a"]);
    assert.equal(await c.call("ZRANK", "z", "a"), 2);
    assert.equal(await c.call("ZREVRANK", "z", "a"), 0);
    assert.equal(await c.call("ZCOUNT", "z", "(3", "+inf"), 2);
    assert.deepEqual(
      await c.call(
        "ZRANGEBYSCORE",
        "z",
        "-inf",
        "+inf",
        "WITHSCORES",
        "LIMIT",
        "1",
        "1",
      ),
      ["b", "3.1000000000000001"],
    );
    assert.equal(await c.call("ZREM", "z", "a", "b", "c", "d"), 3);
    assert.equal(await c.call("EXISTS", "z"), 0);
    await c.call("HELLO", "3");
    await c.call("ZADD", "z", "1.5", "a");
    assert.deepEqual(await c.call("ZSCORE", "z", "a"), new RespDouble("1.5"));
    assert.deepEqual(await c.call("ZPOPMIN", "z", "1"), [[
      "a",
      new RespDouble("1.5"),
    ]]);
  });
});

Deno.test("zset: binary-safe members and lex ranges", async () => {
  await withServer({}, async ([c]) => {
    const members = ["a\x00b", "a", "\xff", "", "a\x00"];
    for (const m of members) await c.call("ZADD", "z", "0", m);
    const sorted = [...members].sort();
    assert.deepEqual(await c.call("ZRANGE", "z", "0", "-1"), sorted);
    assert.deepEqual(
      await c.call("ZRANGEBYLEX", "z", "(a", "+"),
      sorted.filter((m) => m > "a"),
    );
    assert.equal(await c.call("ZLEXCOUNT", "z", "[a\x00", "[a\x00b"), 2);
  });
});

Deno.test("zset: generic key commands work on sorted sets", async () => {
  await withServer({}, async ([c]) => {
    await c.call("ZADD", "z", "1", "a", "2", "b");
    assert.equal(await c.call("TYPE", "z"), "zset");
    assert.deepEqual(await c.call("SCAN", "0", "TYPE", "zset"), ["0", ["z"]]);
    assert.equal(await c.call("OBJECT", "ENCODING", "z"), "listpack");
    assert.equal(await c.call("COPY", "z", "z2"), 1);
    await c.call("ZADD", "z2", "9", "c");
    assert.equal(await c.call("ZCARD", "z"), 2);
    assert.equal(await c.call("RENAME", "z2", "z3"), "OK");
    assert.deepEqual(await c.call("ZRANGE", "z3", "0", "-1"), ["a", "b", "c"]);
    assert.equal(await c.call("MOVE", "z3", "1"), 1);
    await c.call("SELECT", "1");
    assert.equal(await c.call("ZCARD", "z3"), 3);
    assert.equal(await c.call("PEXPIRE", "z3", "20"), 1);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await c.call("ZCARD", "z3"), 0);
    assert.equal(await c.call("EXISTS", "z3"), 0);
  });
});

Deno.test("zset: encoding converts at Redis's thresholds", async () => {
  await withServer({}, async ([c]) => {
    for (let i = 0; i < 128; i++) await c.call("ZADD", "z", String(i), `m${i}`);
    assert.equal(await c.call("OBJECT", "ENCODING", "z"), "listpack");
    await c.call("ZADD", "z", "200", "m200");
    assert.equal(await c.call("OBJECT", "ENCODING", "z"), "skiplist");
    await c.call("ZREMRANGEBYRANK", "z", "0", "-3");
    assert.equal(await c.call("OBJECT", "ENCODING", "z"), "skiplist");
    await c.call("ZADD", "long", "1", "x".repeat(64));
    assert.equal(await c.call("OBJECT", "ENCODING", "long"), "listpack");
    await c.call("ZADD", "long", "1", "y".repeat(65));
    assert.equal(await c.call("OBJECT", "ENCODING", "long"), "skiplist");
    await c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
    await c.call("ZADD", "zero", "1", "a");
    assert.equal(await c.call("OBJECT", "ENCODING", "zero"), "skiplist");
  });
});

Deno.test("zset: ZSCAN visits every member of a large set once", async () => {
  await withServer({}, async ([c]) => {
    const args = ["ZADD", "z"];
    for (let i = 0; i < 1000; i++) args.push(String(i), `m${i}`);
    await c.call(...args);
    const seen = new Map<string, string>();
    let cursor = "0";
    do {
      const [next, items] = await c.call(
        "ZSCAN",
        "z",
        cursor,
        "COUNT",
        "50",
      ) as [
        string,
        string[],
      ];
      for (let i = 0; i < items.length; i += 2) {
        seen.set(items[i], items[i + 1]);
      }
      // Churn during the scan must not hide members that stay.
      await c.call("ZADD", "z", "5", `extra${next}`);
      await c.call("ZREM", "z", `extra${cursor}`);
      cursor = next;
    } while (cursor !== "0");
    for (let i = 0; i < 1000; i++) assert.equal(seen.get(`m${i}`), String(i));
  });
});

Deno.test("zset: BZPOPMIN is served by a later ZADD, FIFO", async () => {
  await withServer({ clients: 3 }, async ([b1, b2, w]) => {
    await b1.send("BZPOPMIN", "z", "0");
    await waitBlocked(w, 1);
    await b2.send("BZPOPMAX", "y", "z", "0");
    await waitBlocked(w, 2);
    assert.equal(await w.call("ZADD", "z", "1", "a", "2", "b"), 2);
    assert.deepEqual(await b1.read(), ["z", "a", "1"]);
    assert.deepEqual(await b2.read(), ["z", "b", "2"]);
    assert.equal(await w.call("EXISTS", "z"), 0);
    await waitBlocked(w, 0);
  });
});

Deno.test("zset: BZMPOP waits, serves from the key that got members", async () => {
  await withServer({ clients: 2 }, async ([b, w]) => {
    await b.send("BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "5");
    await waitBlocked(w, 1);
    await w.call("ZADD", "z2", "1", "a", "2", "b");
    assert.deepEqual(await b.read(), ["z2", [["b", "2"], ["a", "1"]]]);
  });
});

Deno.test("zset: blocking pops time out and do not block in MULTI", async () => {
  await withServer({}, async ([c]) => {
    const start = Date.now();
    assert.equal(await c.call("BZPOPMIN", "z", "0.1"), null);
    assert.ok(Date.now() - start >= 90);
    assert.equal(await c.call("MULTI"), "OK");
    assert.equal(await c.call("BZPOPMAX", "z", "0"), "QUEUED");
    assert.equal(await c.call("BZMPOP", "0", "1", "z", "MIN"), "QUEUED");
    assert.deepEqual(await c.call("EXEC"), [null, null]);
    const error = await c.call("BZPOPMIN", "z", "-1");
    assert.ok(error instanceof RespError);
    assert.equal(error.message, "ERR timeout is negative");
  });
});

Deno.test("zset: a ZADD in MULTI wakes blocked clients after EXEC", async () => {
  await withServer({ clients: 2 }, async ([b, w]) => {
    await b.send("BZPOPMIN", "z", "0");
    await waitBlocked(w, 1);
    await w.call("MULTI");
    await w.call("ZADD", "z", "1", "a");
    await w.call("ZREM", "z", "a");
    await w.call("ZADD", "z", "2", "b");
    assert.deepEqual(await w.call("EXEC"), [1, 1, 1]);
    assert.deepEqual(await b.read(), ["z", "b", "2"]);
  });
});

Deno.test("zset: ZUNIONSTORE accepts plain sets as inputs", async () => {
  await withServer({}, async ([c]) => {
    await c.call("SADD", "s", "a", "b");
    await c.call("ZADD", "z", "5", "a");
    assert.equal(await c.call("ZUNIONSTORE", "d", "2", "s", "z"), 2);
    assert.deepEqual(await c.call("ZRANGE", "d", "0", "-1", "WITHSCORES"), [
      "b",
      "1",
      "a",
      "6",
    ]);
  });
});

const COMMANDS = [
  "zadd",
  "zincrby",
  "zrem",
  "zcard",
  "zscore",
  "zmscore",
  "zrank",
  "zrevrank",
  "zcount",
  "zlexcount",
  "zrange",
  "zrangestore",
  "zrevrange",
  "zrangebyscore",
  "zrevrangebyscore",
  "zrangebylex",
  "zrevrangebylex",
  "zremrangebyrank",
  "zremrangebyscore",
  "zremrangebylex",
  "zpopmin",
  "zpopmax",
  "bzpopmin",
  "bzpopmax",
  "zmpop",
  "bzmpop",
  "zrandmember",
  "zunion",
  "zinter",
  "zdiff",
  "zunionstore",
  "zinterstore",
  "zdiffstore",
  "zintercard",
  "zscan",
  "geoadd",
  "geopos",
  "geodist",
  "geohash",
  "geosearch",
  "geosearchstore",
  "georadius",
  "georadiusbymember",
  "georadius_ro",
  "georadiusbymember_ro",
  "sort",
  "sort_ro",
];

const GETKEYS = [
  ["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"],
  ["ZMPOP", "2", "a", "b", "MIN"],
  ["BZMPOP", "0", "2", "a", "b", "MIN"],
  ["BZPOPMIN", "a", "b", "0"],
  ["GEORADIUS", "a", "1", "2", "3", "km", "STORE", "d"],
  ["GEOSEARCHSTORE", "d", "a", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km"],
  ["SORT", "a", "BY", "w_*", "STORE", "d", "LIMIT", "0", "1"],
  ["ZRANGESTORE", "d", "a", "0", "-1"],
];

Deno.test({
  name: "zset/geo/sort: COMMAND INFO and GETKEYS match redis-server",
  ignore: NO_ORACLE,
  async fn() {
    const collect = async (oracle: boolean) => {
      const out: string[] = [];
      await withServer({ oracle }, async ([c]) => {
        for (const name of COMMANDS) {
          out.push(latin1(await c.callRaw("COMMAND", "INFO", name)));
        }
        for (const args of GETKEYS) {
          out.push(latin1(await c.callRaw("COMMAND", "GETKEYS", ...args)));
        }
      });
      return out;
    };
    const ours = await collect(false);
    const theirs = await collect(true);
    const names = [...COMMANDS, ...GETKEYS.map((g) => g.join(" "))];
    for (let i = 0; i < ours.length; i++) {
      assert.equal(ours[i], theirs[i], names[i]);
    }
  },
});
