import assert from "node:assert/strict";
import { RespError } from "../helpers/resp_client.ts";
import { utf8 } from "../helpers/bytes.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("network: pipelined commands are answered in order", async () => {
  await withServer({}, async ([client]) => {
    const batch: string[] = [];
    for (let i = 0; i < 100; i++) {
      batch.push(
        `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${String(i).length}\r\n${i}\r\n`,
      );
      batch.push(`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`);
    }
    await client.write(batch.join(""));
    for (let i = 0; i < 100; i++) {
      assert.equal(await client.read(), "OK");
      assert.equal(await client.read(), String(i));
    }
  });
});

Deno.test("network: protocol error is reported and closes the connection", async () => {
  await withServer({}, async ([client]) => {
    await client.write("PING\r\n*1\r\nx\r\n");
    assert.equal(await client.read(), "PONG");
    assert.deepEqual(
      await client.read(),
      new RespError("ERR Protocol error: expected '$', got 'x'"),
    );
    assert.equal(await client.closedByServer(), true);
  });
});

Deno.test("network: many concurrent clients are all served", async () => {
  await withServer({ clients: 0 }, async (clients, server) => {
    clients.push(
      ...await Promise.all(Array.from({ length: 100 }, () => server.connect())),
    );
    const seen = await Promise.all(clients.map(async (client, i) => {
      const replies: number[] = [];
      for (let j = 0; j < 20; j++) {
        replies.push(await client.call("INCR", "counter") as number);
        assert.equal(await client.call("ECHO", `c${i}:${j}`), `c${i}:${j}`);
      }
      return replies;
    }));
    // Every INCR ran exactly once: the replies are 1..2000, each once.
    const all = seen.flat().sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 2000 }, (_, i) => i + 1));
  });
});

Deno.test("network: a client that never reads does not stall others", async () => {
  await withServer({ clients: 2 }, async ([setup, other], server) => {
    const stalled = await Deno.connect({
      hostname: "127.0.0.1",
      port: server.port,
    });
    try {
      const value = "v".repeat(512 * 1024);
      assert.equal(await setup.call("SET", "big", value), "OK");
      // 20000 pipelined GETs ask for 10 GB of replies that are never read.
      const request = utf8("GET big\r\n".repeat(20000));
      const writing = (async () => {
        let offset = 0;
        try {
          while (offset < request.length) {
            offset += await stalled.write(request.subarray(offset));
          }
        } catch {
          // Closed at the end of the test while blocked.
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 50; i++) {
        assert.equal(await other.call("INCR", "n"), i + 1);
      }
      assert.equal(await other.call("STRLEN", "big"), value.length);
      stalled.close();
      await writing;
    } finally {
      try {
        stalled.close();
      } catch {
        // Already closed.
      }
    }
  });
});

Deno.test("network: large replies are written through partial writes", async () => {
  await withServer({}, async ([client]) => {
    const value = "x".repeat(3 * 1024 * 1024);
    assert.equal(await client.call("SET", "big", value), "OK");
    await client.write("GET big\r\nGET big\r\nPING\r\n");
    assert.equal(await client.read(), value);
    assert.equal(await client.read(), value);
    assert.equal(await client.read(), "PONG");
  });
});
