import assert from "node:assert/strict";
import { parseNotifyFlags } from "../../lib/server/notifications.ts";
import { text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

Deno.test("parseNotifyFlags expands A and separates K/E", () => {
  assert.deepEqual(parseNotifyFlags("AKE"), {
    classes: "g$lshzxetd",
    keyspace: true,
    keyevent: true,
  });
  assert.deepEqual(parseNotifyFlags("$xE"), {
    classes: "$x",
    keyspace: false,
    keyevent: true,
  });
  assert.deepEqual(parseNotifyFlags(""), {
    classes: "",
    keyspace: false,
    keyevent: false,
  });
});

/**
 * Reads the notifications a RESP2 pattern subscriber has received so far:
 * a PING marks the end, since its reply comes after every earlier message.
 */
async function drainEvents(subscriber: RespClient): Promise<string[]> {
  await subscriber.send("PING");
  const events: string[] = [];
  while (true) {
    const frame = await subscriber.read() as string[];
    if (frame[0] === "pong") return events;
    events.push(`${frame[2]} ${frame[3]}`);
  }
}

/**
 * Commands of each family whose keyspace events are compared with Redis.
 * Blocking forms get a timeout so that a wrong reply cannot hang the test.
 */
const FAMILIES: Record<string, string[][]> = {
  strings: [
    ["SET", "s", "1"],
    ["SETNX", "s2", "x"],
    ["SETEX", "s3", "100", "v"],
    ["PSETEX", "s4", "100000", "v"],
    ["GETSET", "s", "2"],
    ["GETDEL", "s2"],
    ["GETEX", "s", "EX", "100"],
    ["GETEX", "s", "PERSIST"],
    ["APPEND", "s", "abc"],
    ["APPEND", "new", "abc"],
    ["INCR", "n"],
    ["INCRBY", "n", "5"],
    ["DECR", "n"],
    ["DECRBY", "n", "2"],
    ["INCRBYFLOAT", "n", "1.5"],
    ["SETRANGE", "s", "1", "zz"],
    ["MSET", "m1", "a", "m2", "b"],
    ["MSETNX", "m3", "a", "m4", "b"],
    ["SET", "s", "v", "KEEPTTL"],
    ["SET", "s", "v", "EX", "100", "GET"],
  ],
  keys: [
    ["SET", "a", "1"],
    ["SET", "b", "2"],
    ["DEL", "a", "missing"],
    ["UNLINK", "b"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100"],
    ["PEXPIRE", "k", "100000"],
    ["EXPIREAT", "k", "99999999999"],
    ["PERSIST", "k"],
    ["RENAME", "k", "k2"],
    ["SET", "other", "x"],
    ["RENAMENX", "k2", "k3"],
    ["COPY", "k3", "k4"],
    ["MOVE", "k4", "1"],
    ["EXPIRE", "other", "-1"],
    ["SET", "t", "v", "PX", "100000"],
    ["PEXPIREAT", "t", "1"],
    ["SET", "g", "v"],
    ["GETEX", "g", "PX", "100000"],
    ["GETEX", "g", "PXAT", "1"],
    ["SET", "d", "v"],
    ["COPY", "d", "d2"],
    ["COPY", "d", "d2", "REPLACE"],
    ["RENAME", "d", "d"],
    ["MOVE", "d", "2"],
    ["SET", "s", "v", "EX", "100"],
    ["SET", "s", "v", "XX", "KEEPTTL"],
    ["SET", "s", "w", "NX"],
  ],
  lists: [
    ["LPUSH", "l", "a", "b"],
    ["RPUSH", "l", "c"],
    ["LPUSHX", "l", "d"],
    ["RPUSHX", "l", "e"],
    ["LPOP", "l"],
    ["RPOP", "l"],
    ["LINSERT", "l", "BEFORE", "a", "x"],
    ["LSET", "l", "0", "y"],
    ["LREM", "l", "0", "y"],
    ["RPUSH", "l", "p", "q", "r"],
    ["LTRIM", "l", "1", "-1"],
    ["RPOPLPUSH", "l", "l2"],
    ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
    ["LMPOP", "1", "l", "LEFT", "COUNT", "10"],
    ["BLPOP", "l2", "1"],
    ["BRPOP", "l2", "1"],
    ["RPUSH", "l3", "a"],
    ["LPOP", "l3", "5"],
    ["RPUSH", "l4", "a", "b", "a"],
    ["LREM", "l4", "0", "a"],
    ["LMOVE", "l4", "l4", "LEFT", "LEFT"],
    ["RPOPLPUSH", "l4", "l4"],
    ["BLMOVE", "l4", "l5", "RIGHT", "LEFT", "1"],
    ["BLMPOP", "1", "1", "l5", "RIGHT"],
    ["RPUSH", "l6", "3", "1", "2"],
    ["SORT", "l6", "STORE", "sorted"],
    ["SORT", "nothing", "STORE", "sorted"],
    ["LTRIM", "l6", "5", "10"],
  ],
  hashes: [
    ["HSET", "h", "a", "1", "b", "2"],
    ["HSETNX", "h", "c", "3"],
    ["HMSET", "h", "d", "4"],
    ["HINCRBY", "h", "a", "2"],
    ["HINCRBYFLOAT", "h", "a", "0.5"],
    ["HDEL", "h", "a", "missing"],
    ["HDEL", "h", "b", "c", "d"],
    ["HINCRBY", "h2", "n", "1"],
    ["HINCRBYFLOAT", "h3", "n", "1.5"],
    ["HSETNX", "h2", "n", "5"],
    ["HDEL", "h2", "missing"],
  ],
  sets: [
    ["SADD", "s1", "a", "b", "c"],
    ["SADD", "s2", "b", "c", "d"],
    ["SREM", "s1", "a"],
    ["SMOVE", "s1", "s3", "b"],
    ["SINTERSTORE", "dst", "s1", "s2"],
    ["SUNIONSTORE", "dst", "s1", "s2"],
    ["SDIFFSTORE", "dst", "s2", "s1"],
    ["SINTERSTORE", "dst", "s1", "nothing"],
    ["SREM", "s3", "b"],
    ["SPOP", "s1"],
    ["SADD", "s4", "a", "b", "c"],
    ["SADD", "s4", "a"],
    ["SPOP", "s4", "2"],
    ["SPOP", "s4", "5"],
    ["SMOVE", "s2", "s2", "b"],
    ["SMOVE", "s2", "s5", "missing"],
    ["SUNIONSTORE", "s2", "s2", "nothing"],
  ],
  zsets: [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
    ["ZINCRBY", "z", "5", "a"],
    ["ZREM", "z", "a"],
    ["ZADD", "z2", "1", "x", "2", "y"],
    ["ZUNIONSTORE", "zu", "2", "z", "z2"],
    ["ZINTERSTORE", "zi", "2", "z", "z2"],
    ["ZDIFFSTORE", "zd", "2", "z", "z2"],
    ["ZRANGESTORE", "zr", "z", "0", "-1"],
    ["ZPOPMIN", "z"],
    ["ZPOPMAX", "z"],
    ["ZREMRANGEBYSCORE", "zu", "0", "1"],
    ["ZREMRANGEBYRANK", "zu", "0", "0"],
    ["ZREMRANGEBYLEX", "z2", "-", "+"],
    ["ZMPOP", "1", "zu", "MIN"],
    ["BZPOPMIN", "zr", "1"],
    ["ZADD", "z3", "INCR", "1", "m"],
    ["ZADD", "z3", "NX", "5", "m"],
    ["ZADD", "z3", "XX", "CH", "5", "m"],
    ["ZINCRBY", "z3", "1", "new"],
    ["ZREM", "z3", "m", "new"],
    ["ZADD", "z4", "1", "a"],
    ["ZADD", "z4", "2", "b"],
    ["BZPOPMAX", "z4", "1"],
    ["BZMPOP", "1", "1", "z4", "MIN"],
    ["ZUNIONSTORE", "z5", "1", "nothing"],
  ],
  streams: [
    ["XADD", "x", "1-1", "f", "v"],
    ["XADD", "x", "2-1", "f", "v"],
    ["XADD", "x", "3-1", "f", "v"],
    ["XGROUP", "CREATE", "x", "g", "0"],
    ["XGROUP", "CREATECONSUMER", "x", "g", "c1"],
    ["XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "x", ">"],
    ["XACK", "x", "g", "1-1"],
    ["XCLAIM", "x", "g", "c3", "0", "1-1"],
    ["XAUTOCLAIM", "x", "g", "c3", "0", "0"],
    ["XDEL", "x", "2-1"],
    ["XTRIM", "x", "MAXLEN", "1"],
    ["XSETID", "x", "10-1"],
    ["XGROUP", "SETID", "x", "g", "0"],
    ["XGROUP", "DELCONSUMER", "x", "g", "c1"],
    ["XGROUP", "DESTROY", "x", "g"],
    ["XADD", "x2", "MAXLEN", "1", "*", "f", "v"],
    ["XADD", "x2", "MAXLEN", "1", "*", "f", "v"],
    ["XADD", "x3", "NOMKSTREAM", "*", "f", "v"],
    ["XGROUP", "CREATE", "x4", "g", "$", "MKSTREAM"],
    ["XTRIM", "x4", "MAXLEN", "0"],
    ["XDEL", "x4", "1-1"],
  ],
};

Deno.test({
  name: "keyspace events match redis-server for each command family",
  ignore: !hasRedisServer(),
  async fn() {
    // Every class but the module one, plus new-key events.
    await withPair({
      flags: [
        "--notify-keyspace-events",
        "KEg$lshzxetn",
      ],
    }, async (pair) => {
      const ourSub = await pair.ours.connect();
      const theirSub = await pair.oracle.connect();
      try {
        await ourSub.call("PSUBSCRIBE", "__key*__:*");
        await theirSub.call("PSUBSCRIBE", "__key*__:*");
        const missing: string[] = [];
        for (const [family, commands] of Object.entries(FAMILIES)) {
          for (const command of commands) {
            const info = await pair.ourClient.call(
              "COMMAND",
              "INFO",
              command[0],
            );
            if ((info as unknown[])[0] === null) {
              missing.push(command[0]);
              continue;
            }
            await pair.both(command);
            const [ours, theirs] = await Promise.all([
              drainEvents(ourSub),
              drainEvents(theirSub),
            ]);
            assert.deepEqual(
              ours,
              theirs,
              `${family}: ${command.join(" ")}`,
            );
          }
          await pair.both(["FLUSHALL"]);
        }
        if (missing.length > 0) {
          console.log(
            `not implemented yet: ${[...new Set(missing)].join(" ")}`,
          );
        }
      } finally {
        ourSub.close();
        theirSub.close();
      }
    });
  },
});

Deno.test({
  name: "expired and class filtering events match redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    await withPair({}, async (pair) => {
      const ourSub = await pair.ours.connect();
      const theirSub = await pair.oracle.connect();
      try {
        await ourSub.call("PSUBSCRIBE", "__key*__:*");
        await theirSub.call("PSUBSCRIBE", "__key*__:*");
        const steps: string[][] = [
          ["SET", "quiet", "1"],
          ["CONFIG", "SET", "notify-keyspace-events", "Ex"],
          ["SET", "e", "v", "PX", "20"],
          ["CONFIG", "SET", "notify-keyspace-events", "K$"],
          ["SET", "a", "1"],
          ["DEL", "a"],
          ["CONFIG", "SET", "notify-keyspace-events", "Eg"],
          ["SELECT", "3"],
          ["SET", "b\x00\xff", "1"],
          ["DEL", "b\x00\xff"],
        ];
        for (const step of steps) {
          await pair.same(step);
          const [ours, theirs] = await Promise.all([
            drainEvents(ourSub),
            drainEvents(theirSub),
          ]);
          assert.deepEqual(ours, theirs, step.join(" "));
        }
        await pair.same(["SELECT", "0"]);
        await pair.same(["CONFIG", "SET", "notify-keyspace-events", "Ex"]);
        await new Promise((r) => setTimeout(r, 50));
        await pair.same(["GET", "e"]);
        const [ours, theirs] = await Promise.all([
          drainEvents(ourSub),
          drainEvents(theirSub),
        ]);
        assert.deepEqual(ours, ["__keyevent@0__:expired e"]);
        assert.deepEqual(ours, theirs);
      } finally {
        ourSub.close();
        theirSub.close();
      }
    });
  },
});

Deno.test("active expiry publishes expired events to RESP3 subscribers", async () => {
  await withServer(
    { flags: ["--notify-keyspace-events", "Ex"], clients: 2 },
    async ([sub, client]) => {
      await sub.call("HELLO", "3");
      await sub.call("SUBSCRIBE", "__keyevent@0__:expired");
      await client.call("SET", "gone", "v", "PX", "30");
      const push = await sub.readRaw();
      assert.equal(
        text(push),
        ">3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$4\r\ngone\r\n",
      );
    },
  );
});
