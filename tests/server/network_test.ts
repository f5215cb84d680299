import assert from "node:assert/strict";
import { RespError } from "../helpers/resp_client.ts";
import { startOurServer } from "../helpers/servers.ts";

Deno.test("network: pipelined commands are answered in order", async () => {
  const server = await startOurServer();
  const client = await server.connect();
  try {
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
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("network: protocol error is reported and closes the connection", async () => {
  const server = await startOurServer();
  const client = await server.connect();
  try {
    await client.write("PING\r\n*1\r\nx\r\n");
    assert.equal(await client.read(), "PONG");
    assert.deepEqual(
      await client.read(),
      new RespError("ERR Protocol error: expected '$', got 'x'"),
    );
    assert.equal(await client.closedByServer(), true);
  } finally {
    client.close();
    await server.stop();
  }
});
