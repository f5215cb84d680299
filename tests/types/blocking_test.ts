import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { type RespClient, RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, waitBlocked, withServer } from "../helpers/servers.ts";

Deno.test("blocking: BLPOP is served by a later push", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(pusher, 1);
    assert.equal(await pusher.call("RPUSH", "k", "v"), 1);
    assert.deepEqual(await blocked.read(), ["k", "v"]);
    assert.equal(await pusher.call("EXISTS", "k"), 0);
    await waitBlocked(pusher, 0);
  });
});

Deno.test("blocking: clients are served in the order they blocked", async () => {
  await withServer({ clients: 4 }, async ([a, b, c, pusher]) => {
    for (const client of [a, b, c]) {
      await client.send("BLPOP", "k", "0");
      await waitBlocked(pusher, [a, b, c].indexOf(client) + 1);
    }
    assert.equal(await pusher.call("RPUSH", "k", "1", "2", "3"), 3);
    assert.deepEqual(await a.read(), ["k", "1"]);
    assert.deepEqual(await b.read(), ["k", "2"]);
    assert.deepEqual(await c.read(), ["k", "3"]);
  });
});

Deno.test("blocking: a push to the second key serves that key", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BRPOP", "k1", "k2", "0");
    await waitBlocked(pusher, 1);
    await pusher.call("RPUSH", "k2", "x", "y");
    assert.deepEqual(await blocked.read(), ["k2", "y"]);
  });
});

Deno.test("blocking: timeouts reply with the null array in RESP2 and RESP3", async () => {
  await withServer({}, async ([client]) => {
    let start = Date.now();
    const raw2 = await client.callRaw("BLPOP", "k", "0.1");
    assert.equal(text(raw2), "*-1\r\n");
    assert.ok(Date.now() - start >= 90, "waited for the timeout");
    await client.call("HELLO", "3");
    start = Date.now();
    for (
      const args of [
        ["BLPOP", "k", "0.05"],
        ["BLMOVE", "k", "d", "LEFT", "RIGHT", "0.05"],
        ["BRPOPLPUSH", "k", "d", "0.05"],
        ["BLMPOP", "0.05", "1", "k", "LEFT"],
      ]
    ) {
      const raw = await client.callRaw(...args);
      assert.equal(text(raw), "_\r\n", args.join(" "));
    }
    assert.ok(Date.now() - start >= 190);
  });
});

Deno.test("blocking: a blocked client does not stall others", async () => {
  await withServer({ clients: 2 }, async ([blocked, other]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(other, 1);
    assert.equal(await other.call("PING"), "PONG");
    assert.equal(await other.call("SET", "x", "1"), "OK");
    await other.call("LPUSH", "k", "done");
    assert.deepEqual(await blocked.read(), ["k", "done"]);
  });
});

Deno.test("blocking: commands pipelined after a blocking one wait for it", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BLPOP", "k", "0");
    await blocked.send("PING");
    await waitBlocked(pusher, 1);
    await pusher.call("RPUSH", "k", "v");
    assert.deepEqual(await blocked.read(), ["k", "v"]);
    assert.equal(await blocked.read(), "PONG");
  });
});

Deno.test("blocking: a client that disconnects while blocked is forgotten", async () => {
  await withServer({ clients: 3 }, async ([gone, waiting, pusher]) => {
    await gone.send("BLPOP", "k", "0");
    await waitBlocked(pusher, 1);
    await waiting.send("BLPOP", "k", "0");
    await waitBlocked(pusher, 2);
    gone.close();
    await waitBlocked(pusher, 1);
    await pusher.call("RPUSH", "k", "only");
    assert.deepEqual(await waiting.read(), ["k", "only"]);
    assert.equal(await pusher.call("LLEN", "k"), 0);
  });
});

Deno.test("blocking: a push inside MULTI/EXEC serves clients after EXEC", async () => {
  await withServer({ clients: 2 }, async ([blocked, tx]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(tx, 1);
    assert.equal(await tx.call("MULTI"), "OK");
    assert.equal(await tx.call("RPUSH", "k", "a", "b"), "QUEUED");
    assert.equal(await tx.call("LLEN", "k"), "QUEUED");
    // Both elements are still there when LLEN runs: serving waits for EXEC.
    assert.deepEqual(await tx.call("EXEC"), [2, 2]);
    assert.deepEqual(await blocked.read(), ["k", "a"]);
    assert.deepEqual(await tx.call("LRANGE", "k", "0", "-1"), ["b"]);
  });
});

Deno.test("blocking: inside MULTI blocking commands do not block", async () => {
  await withServer({}, async ([client]) => {
    await client.call("MULTI");
    await client.call("BLPOP", "k", "0");
    await client.call("BRPOP", "k", "0");
    await client.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
    await client.call("BRPOPLPUSH", "k", "d", "0");
    await client.call("BLMPOP", "0", "1", "k", "LEFT");
    await client.call("RPUSH", "k", "v");
    await client.call("BLPOP", "k", "0");
    assert.deepEqual(await client.call("EXEC"), [
      null,
      null,
      null,
      null,
      null,
      1,
      ["k", "v"],
    ]);
  });
});

Deno.test("blocking: CLIENT UNBLOCK with TIMEOUT and ERROR", async () => {
  await withServer({ clients: 2 }, async ([blocked, admin]) => {
    const id = await blocked.call("CLIENT", "ID");
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(admin, 1);
    assert.equal(await admin.call("CLIENT", "UNBLOCK", String(id)), 1);
    assert.equal(await blocked.read(), null);
    await blocked.send("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
    await waitBlocked(admin, 1);
    assert.equal(
      await admin.call("CLIENT", "UNBLOCK", String(id), "ERROR"),
      1,
    );
    assert.deepEqual(
      await blocked.read(),
      new RespError("UNBLOCKED client unblocked via CLIENT UNBLOCK"),
    );
    assert.equal(await admin.call("CLIENT", "UNBLOCK", String(id)), 0);
  });
});

Deno.test("blocking: BLMOVE moves the element and wakes clients of the destination", async () => {
  await withServer({ clients: 3 }, async ([mover, popper, pusher]) => {
    await mover.send("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0");
    await waitBlocked(pusher, 1);
    await popper.send("BLPOP", "dst", "0");
    await waitBlocked(pusher, 2);
    await pusher.call("RPUSH", "src", "a", "b");
    assert.equal(await mover.read(), "b");
    assert.deepEqual(await popper.read(), ["dst", "b"]);
    assert.deepEqual(await pusher.call("LRANGE", "src", "0", "-1"), ["a"]);
    assert.equal(await pusher.call("EXISTS", "dst"), 0);
  });
});

Deno.test("blocking: BRPOPLPUSH onto a key of another type fails when served", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BRPOPLPUSH", "src", "dst", "0");
    await waitBlocked(pusher, 1);
    await pusher.call("SET", "dst", "string");
    await pusher.call("RPUSH", "src", "v");
    assert.deepEqual(
      await blocked.read(),
      new RespError(
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      ),
    );
    assert.deepEqual(await pusher.call("LRANGE", "src", "0", "-1"), ["v"]);
    await waitBlocked(pusher, 0);
  });
});

Deno.test("blocking: BLMPOP is served with up to COUNT elements", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2");
    await waitBlocked(pusher, 1);
    await pusher.call("RPUSH", "b", "1", "2", "3");
    assert.deepEqual(await blocked.read(), ["b", ["3", "2"]]);
    assert.deepEqual(await pusher.call("LRANGE", "b", "0", "-1"), ["1"]);
  });
});

Deno.test("blocking: a key recreated with another type keeps the client waiting", async () => {
  await withServer({ clients: 2 }, async ([blocked, other]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(other, 1);
    await other.call("SET", "k", "x");
    await other.call("DEL", "k");
    await other.call("SADD", "k", "m");
    await waitBlocked(other, 1);
    await other.call("DEL", "k");
    await other.call("LPUSH", "k", "v");
    assert.deepEqual(await blocked.read(), ["k", "v"]);
  });
});

Deno.test("blocking: timeouts accept decimals and reject bad values", async () => {
  await withServer({}, async ([client]) => {
    assert.deepEqual(
      await client.call("BLPOP", "k", "-1"),
      new RespError("ERR timeout is negative"),
    );
    assert.deepEqual(
      await client.call("BLPOP", "k", "one"),
      new RespError("ERR timeout is not a float or out of range"),
    );
    const start = Date.now();
    assert.equal(await client.call("BRPOP", "k", "0.03"), null);
    assert.ok(Date.now() - start >= 25);
  });
});

Deno.test("blocking: a list renamed onto the key serves the client", async () => {
  await withServer({ clients: 2 }, async ([blocked, other]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(other, 1);
    await other.call("RPUSH", "tmp", "moved");
    assert.equal(await other.call("RENAME", "tmp", "k"), "OK");
    assert.deepEqual(await blocked.read(), ["k", "moved"]);
  });
});

Deno.test("blocking: a list pushed and deleted in one transaction serves nobody", async () => {
  await withServer({ clients: 2 }, async ([blocked, tx]) => {
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(tx, 1);
    await tx.call("MULTI");
    await tx.call("RPUSH", "k", "a");
    await tx.call("DEL", "k");
    assert.deepEqual(await tx.call("EXEC"), [1, 1]);
    await waitBlocked(tx, 1);
    await tx.call("RPUSH", "k", "b");
    assert.deepEqual(await blocked.read(), ["k", "b"]);
  });
});

Deno.test("blocking: a push to the same key name in another database does not serve", async () => {
  await withServer({ clients: 2 }, async ([blocked, other]) => {
    await blocked.call("SELECT", "1");
    await blocked.send("BLPOP", "k", "0");
    await waitBlocked(other, 1);
    await other.call("RPUSH", "k", "db0");
    await waitBlocked(other, 1);
    await other.call("SELECT", "1");
    await other.call("RPUSH", "k", "db1");
    assert.deepEqual(await blocked.read(), ["k", "db1"]);
    await other.call("SELECT", "0");
    assert.equal(await other.call("LLEN", "k"), 1);
  });
});

Deno.test("blocking: a key named twice is served once", async () => {
  await withServer({ clients: 2 }, async ([blocked, pusher]) => {
    await blocked.send("BLPOP", "k", "k", "0");
    await waitBlocked(pusher, 1);
    await pusher.call("RPUSH", "k", "1", "2");
    assert.deepEqual(await blocked.read(), ["k", "1"]);
    assert.deepEqual(await pusher.call("LRANGE", "k", "0", "-1"), ["2"]);
    await blocked.send("BLPOP", "j", "j", "0.05");
    assert.equal(await blocked.read(), null);
    await waitBlocked(pusher, 0);
  });
});

/**
 * Runs a scenario of blocked and unblocking clients `a`, `b` and `c` of one
 * server; returns every reply, raw, in the order the scenario reads them.
 */
async function scenario([a, b, c]: RespClient[]): Promise<string[]> {
  const replies: string[] = [];
  const raw = async (client: RespClient) =>
    replies.push(text(await client.readRaw()));
  // The key signalled first inside a transaction serves the client.
  await a.send("BLPOP", "k1", "k2", "0");
  await waitBlocked(b, 1);
  for (
    const args of [["MULTI"], ["RPUSH", "k2", "x"], ["RPUSH", "k1", "y"]]
  ) {
    await b.send(...args);
    await raw(b);
  }
  await b.send("EXEC");
  await raw(b);
  await raw(a);
  // A move feeds a client blocked on the destination.
  await a.send("BRPOPLPUSH", "s", "d", "0");
  await waitBlocked(b, 1);
  await c.send("BLPOP", "d", "0");
  await waitBlocked(b, 2);
  await b.send("RPUSH", "s", "v1", "v2");
  await raw(b);
  await raw(a);
  await raw(c);
  // BLMPOP takes up to COUNT from the key that got elements.
  await a.send("BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "3");
  await waitBlocked(b, 1);
  await b.send("RPUSH", "m2", "1", "2");
  await raw(b);
  await raw(a);
  // RESP3 timeout replies.
  await c.send("HELLO", "3");
  await c.readRaw();
  for (
    const args of [
      ["BLMPOP", "0.01", "1", "none", "LEFT"],
      ["BLMOVE", "none", "d", "LEFT", "LEFT", "0.01"],
    ]
  ) {
    await c.send(...args);
    await raw(c);
  }
  await b.send("LRANGE", "k1", "0", "-1");
  await raw(b);
  await b.send("LRANGE", "s", "0", "-1");
  await raw(b);
  return replies;
}

Deno.test({
  name: "blocking: multi-client scenarios match redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    const results: string[][] = [];
    for (const oracle of [false, true]) {
      results.push(await withServer({ oracle, clients: 3 }, scenario));
    }
    assert.deepEqual(results[0], results[1]);
  },
});
