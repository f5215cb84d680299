/**
 * Connection limits (proto-max-bulk-len, client-query-buffer-limit,
 * maxclients, timeout) compared with redis-server, and binary safety of the
 * whole path from socket to store and back, up to a 100+ MB value.
 */

import assert from "node:assert/strict";
import { latin1, utf8 } from "../helpers/bytes.ts";
import { encodeCommand } from "../helpers/resp_client.ts";
import {
  hasRedisServer,
  type TestServer,
  withServer,
} from "../helpers/servers.ts";

const NO_ORACLE = !hasRedisServer();
if (NO_ORACLE) console.warn("redis-server not installed: skipping limit tests");

/** Writes all of `data` to `conn`. */
async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await conn.write(data.subarray(offset));
  }
}

/**
 * Reads from `conn` until it closes or `quietMs` pass without data; returns
 * the bytes and whether the server closed the connection.
 */
async function drain(
  conn: Deno.Conn,
  quietMs = 300,
): Promise<{ reply: string; closed: boolean }> {
  const buf = new Uint8Array(65536);
  let reply = "";
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"quiet">((resolve) =>
      timer = setTimeout(() => resolve("quiet"), quietMs)
    );
    const read = conn.read(buf).catch(() => null);
    const n = await Promise.race([read, timeout]);
    clearTimeout(timer);
    if (n === "quiet") {
      conn.close();
      await read;
      return { reply, closed: false };
    }
    if (n === null) {
      conn.close();
      return { reply, closed: true };
    }
    reply += latin1(buf.subarray(0, n));
  }
}

/** Sends `parts` on a new connection and drains the answer. */
async function exchange(
  port: number,
  parts: readonly Uint8Array[],
): Promise<{ reply: string; closed: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    for (const part of parts) await writeAll(conn, part);
  } catch {
    // The server may close while the request is still being written.
  }
  return drain(conn);
}

/**
 * Starts our server and redis-server with `flags` and no client, runs
 * `check` against each, and asserts that it returns the same result.
 */
function bothServers(
  flags: string[],
  check: (server: TestServer) => Promise<unknown>,
): Promise<void> {
  return withServer(
    { flags, clients: 0 },
    (_, ours) =>
      withServer({ oracle: true, flags, clients: 0 }, async (_, redis) => {
        assert.deepEqual(await check(ours), await check(redis));
      }),
  );
}

Deno.test({
  name: "limits: proto-max-bulk-len rejects longer bulks like redis-server",
  ignore: NO_ORACLE,
  fn: () =>
    bothServers(["--proto-max-bulk-len", "1mb"], async (server) => [
      await exchange(server.port, [
        utf8(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${1024 * 1024}\r\n`),
        new Uint8Array(1024 * 1024),
        utf8("\r\n*2\r\n$6\r\nSTRLEN\r\n$1\r\nk\r\n"),
      ]),
      await exchange(server.port, [utf8("*1\r\n$1048577\r\n")]),
    ]),
});

Deno.test({
  name:
    "limits: commands queued behind a blocked command count toward client-query-buffer-limit",
  ignore: NO_ORACLE,
  fn: () =>
    bothServers(["--client-query-buffer-limit", "1mb"], async (server) => {
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      await writeAll(conn, encodeCommand(["BLPOP", "nolist", "0"]));
      const value = "v".repeat(100_000);
      try {
        for (let i = 0; i < 30; i++) {
          await writeAll(conn, encodeCommand(["SET", `k${i}`, value]));
        }
      } catch {
        // Dropped while writing: expected.
      }
      const result = await drain(conn);
      assert.deepEqual(result, { reply: "", closed: true });
      const client = await server.connect();
      try {
        return [result, await client.call("EXISTS", "k0")];
      } finally {
        client.close();
      }
    }),
});

Deno.test({
  name: "limits: client-query-buffer-limit drops the client like redis-server",
  ignore: NO_ORACLE,
  fn: () =>
    bothServers(["--client-query-buffer-limit", "1mb"], async (server) => {
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      await writeAll(
        conn,
        utf8("PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n"),
      );
      try {
        for (let i = 0; i < 30; i++) {
          await writeAll(conn, new Uint8Array(100_000));
        }
      } catch {
        // Dropped while writing: expected.
      }
      const result = await drain(conn);
      assert.deepEqual(result, { reply: "+PONG\r\n", closed: true });
      const client = await server.connect();
      try {
        return [result, await client.call("EXISTS", "k")];
      } finally {
        client.close();
      }
    }),
});

Deno.test({
  name: "limits: maxclients refuses extra connections like redis-server",
  ignore: NO_ORACLE,
  fn: () =>
    bothServers(["--maxclients", "2"], async (server) => {
      const first = await server.connect();
      const second = await server.connect();
      try {
        assert.equal(await first.call("PING"), "PONG");
        assert.equal(await second.call("PING"), "PONG");
        const third = await exchange(server.port, [utf8("PING\r\n")]);
        first.close();
        // Once a slot is free, a new client is accepted again.
        let fourth = { reply: "", closed: false };
        for (let i = 0; i < 50; i++) {
          fourth = await exchange(server.port, [utf8("PING\r\n")]);
          if (fourth.reply === "+PONG\r\n") break;
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.deepEqual(third, {
          reply: "-ERR max number of clients reached\r\n",
          closed: true,
        });
        return [third, fourth];
      } finally {
        first.close();
        second.close();
      }
    }),
});

Deno.test("limits: idle clients are closed after timeout seconds, subscribers (shard ones too) kept", async () => {
  await withServer(
    { flags: ["--timeout", "1"], clients: 4 },
    async ([idle, busy, subscriber, shardSubscriber]) => {
      assert.equal(await idle.call("PING"), "PONG");
      assert.deepEqual(await subscriber.call("SUBSCRIBE", "ch"), [
        "subscribe",
        "ch",
        1,
      ]);
      assert.deepEqual(await shardSubscriber.call("SSUBSCRIBE", "sch"), [
        "ssubscribe",
        "sch",
        1,
      ]);
      const start = Date.now();
      while (Date.now() - start < 2500) {
        assert.equal(await busy.call("PING"), "PONG");
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(await idle.closedByServer(), true);
      assert.equal(await busy.call("PING"), "PONG");
      // Like Redis, a subscribed client (shard channels too) is never idle.
      assert.equal(await busy.call("PUBLISH", "ch", "hi"), 1);
      assert.deepEqual(await subscriber.read(), ["message", "ch", "hi"]);
      assert.equal(await busy.call("SPUBLISH", "sch", "hi"), 1);
      assert.deepEqual(await shardSubscriber.read(), ["smessage", "sch", "hi"]);
    },
  );
});

Deno.test("limits: keys and values are binary safe end to end", async () => {
  await withServer({}, async ([client]) => {
    const key = new Uint8Array([0, 0xff, 0xfe, 13, 10, 0xc3, 0x28, 32]);
    const value = new Uint8Array(256).map((_, i) => i);
    assert.equal(await client.call("SET", key, value), "OK");
    assert.equal(await client.call("GET", key), latin1(value));
    assert.deepEqual(await client.call("KEYS", "*"), [latin1(key)]);
    assert.equal(await client.call("STRLEN", key), 256);
    assert.equal(await client.call("GET", key.subarray(0, 7)), null);
  });
});

Deno.test("limits: a 100+ MB value makes the round trip intact", async () => {
  await withServer({ clients: 0 }, async (_clients, server) => {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: server.port,
    });
    try {
      const size = 100 * 1024 * 1024 + 7;
      const value = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) value[i] = (i / 4096) & 0xff;
      value[size - 1] = 0xab;
      const header = utf8(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${size}\r\n`);
      await writeAll(conn, header);
      await writeAll(conn, value);
      await writeAll(conn, utf8("\r\n"));
      await writeAll(conn, encodeCommand(["GET", "big"]));
      const expectedHead = `+OK\r\n$${size}\r\n`;
      const total = expectedHead.length + size + 2;
      const received = new Uint8Array(total);
      let filled = 0;
      while (filled < total) {
        const n = await conn.read(received.subarray(filled));
        assert.notEqual(n, null, "connection closed early");
        filled += n!;
      }
      assert.equal(
        latin1(received.subarray(0, expectedHead.length)),
        expectedHead,
      );
      const body = received.subarray(
        expectedHead.length,
        expectedHead.length + size,
      );
      for (let i = 0; i < size; i += 4096) {
        assert.equal(body[i], (i / 4096) & 0xff, `byte ${i}`);
      }
      assert.equal(body[size - 1], 0xab);
      assert.equal(latin1(received.subarray(total - 2)), "\r\n");
    } finally {
      conn.close();
    }
  });
});
