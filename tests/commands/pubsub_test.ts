import assert from "node:assert/strict";
import { encodeCommand, RespPush } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";
import { bytesToString } from "../../lib/util/bytes.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("messages reach RESP2 and RESP3 subscribers and pattern subscribers", async () => {
  await withServer(
    { clients: 4 },
    async ([resp2, resp3, pattern, publisher]) => {
      await resp3.call("HELLO", "3");
      assert.deepEqual(await resp2.call("SUBSCRIBE", "room"), [
        "subscribe",
        "room",
        1,
      ]);
      assert.deepEqual(
        await resp3.call("SUBSCRIBE", "room"),
        new RespPush(["subscribe", "room", 1]),
      );
      assert.deepEqual(await pattern.call("PSUBSCRIBE", "r*"), [
        "psubscribe",
        "r*",
        1,
      ]);
      const stats = await publisher.call("INFO", "stats") as string;
      assert.match(stats, /\r\npubsub_channels:1\r\n/);
      assert.match(stats, /\r\npubsub_patterns:1\r\n/);
      assert.match(stats, /\r\npubsubshard_channels:0\r\n/);
      assert.equal(await publisher.call("PUBLISH", "room", "hello"), 3);
      assert.deepEqual(await resp2.read(), ["message", "room", "hello"]);
      assert.deepEqual(
        await resp3.read(),
        new RespPush(["message", "room", "hello"]),
      );
      assert.deepEqual(await pattern.read(), [
        "pmessage",
        "r*",
        "room",
        "hello",
      ]);
      // RESP3 subscribers may run any command.
      assert.equal(await resp3.call("SET", "k", "v"), "OK");
      assert.equal(await publisher.call("PUBLISH", "rome", "x"), 1);
      assert.deepEqual(await pattern.read(), ["pmessage", "r*", "rome", "x"]);
      // A subscriber that disconnects no longer counts.
      resp2.close();
      await sleep(50);
      assert.equal(await publisher.call("PUBLISH", "room", "again"), 2);
      assert.deepEqual(
        await publisher.call("PUBSUB", "NUMSUB", "room"),
        ["room", 1],
      );
    },
  );
});

Deno.test("a subscriber that never reads is disconnected at the hard limit", async () => {
  await withServer({
    flags: [
      "--client-output-buffer-limit",
      "pubsub 1mb 0 0",
    ],
    clients: 3,
  }, async ([slow, publisher, other]) => {
    await slow.call("SUBSCRIBE", "firehose");
    await other.call("SET", "alive", "yes");
    const message = "x".repeat(64 * 1024);
    let published = 0;
    // Socket buffers absorb some output first; the limit must still trip.
    while (await publisher.call("PUBLISH", "firehose", message) === 1) {
      published++;
      assert.ok(published < 2000, "slow subscriber was never disconnected");
      // Other clients are served meanwhile.
      if (published % 10 === 0) {
        assert.equal(await other.call("GET", "alive"), "yes");
      }
    }
    assert.deepEqual(await other.call("PUBSUB", "NUMSUB", "firehose"), [
      "firehose",
      0,
    ]);
    assert.equal(await slow.closedByServer(), true);
    assert.equal(await other.call("PING"), "PONG");
  });
});

Deno.test("a subscriber over the soft limit for too long is disconnected", async () => {
  await withServer({
    flags: [
      "--client-output-buffer-limit",
      "pubsub 0 512kb 1",
    ],
    clients: 2,
  }, async ([slow, publisher]) => {
    await slow.call("SUBSCRIBE", "c");
    const message = "y".repeat(64 * 1024);
    const start = Date.now();
    let receivers = 1;
    while (receivers === 1) {
      assert.ok(Date.now() - start < 15_000, "never disconnected");
      receivers = await publisher.call("PUBLISH", "c", message) as number;
      await sleep(5);
    }
    // Soft seconds are whole seconds past the first time over the limit.
    assert.ok(Date.now() - start >= 1000);
    assert.equal(await slow.closedByServer(), true);
  });
});

Deno.test("a normal client whose reply exceeds its hard limit is disconnected", async () => {
  await withServer({
    flags: [
      "--client-output-buffer-limit",
      "normal 1mb 0 0",
    ],
    clients: 2,
  }, async ([client, other]) => {
    await other.call("SET", "big", "z".repeat(2 * 1024 * 1024));
    await client.send("GET", "big");
    assert.equal(await client.closedByServer(), true);
    assert.equal(client.buffered.length, 0);
    assert.equal(await other.call("STRLEN", "big"), 2 * 1024 * 1024);
  });
});

Deno.test("shard channels are separate from channels", async () => {
  await withServer({ clients: 2 }, async ([sub, publisher]) => {
    await sub.call("SUBSCRIBE", "c");
    assert.deepEqual(await sub.call("SSUBSCRIBE", "c"), [
      "ssubscribe",
      "c",
      1,
    ]);
    assert.equal(await publisher.call("SPUBLISH", "c", "s"), 1);
    assert.deepEqual(await sub.read(), ["smessage", "c", "s"]);
    assert.equal(await publisher.call("PUBLISH", "c", "p"), 1);
    assert.deepEqual(await sub.read(), ["message", "c", "p"]);
    assert.deepEqual(await publisher.call("PUBSUB", "SHARDCHANNELS"), ["c"]);
    assert.deepEqual(await sub.call("SUNSUBSCRIBE"), ["sunsubscribe", "c", 0]);
    assert.equal(await publisher.call("SPUBLISH", "c", "s"), 0);
  });
});

Deno.test("large messages published together reach each subscriber intact", async () => {
  await withServer(
    { clients: 4 },
    async ([resp2, resp3, pattern, publisher]) => {
      await resp3.call("HELLO", "3");
      await resp2.call("SUBSCRIBE", "c");
      await resp3.call("SUBSCRIBE", "c");
      await pattern.call("PSUBSCRIBE", "*");
      // Frames around 64 KiB (65502 bytes make a "message" frame of exactly
      // 64 KiB), with distinct bytes so a reused buffer would show, and more
      // than socket buffers hold, so frames wait in the server meanwhile.
      const cycle = [65502, 65502, 70_000, 65480, 10, 200_000];
      const sizes = Array.from({ length: 150 }, (_, i) => cycle[i % 6]);
      const messages = sizes.map((size, i) => {
        const bytes = new Uint8Array(size);
        for (let j = 0; j < size; j++) bytes[j] = (i * 37 + j) & 0xff;
        return bytes;
      });
      // One write: every PUBLISH runs before any subscriber output leaves.
      const parts = messages.map((m) => encodeCommand(["PUBLISH", "c", m]));
      const batch = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        batch.set(part, at);
        at += part.length;
      }
      await publisher.write(batch);
      for (let i = 0; i < messages.length; i++) {
        assert.equal(await publisher.read(), 3);
      }
      // Compared without deepEqual: a diff of such strings would be unreadable.
      const same = (reply: unknown, expected: unknown[], what: string) =>
        assert.ok(
          JSON.stringify(reply) === JSON.stringify(expected),
          `${what} frame differs`,
        );
      for (let i = 0; i < messages.length; i++) {
        const expected = bytesToString(messages[i]);
        same(await resp2.read(), ["message", "c", expected], `RESP2 #${i}`);
        const pushed = await resp3.read();
        assert.ok(pushed instanceof RespPush);
        same(pushed.items, ["message", "c", expected], `RESP3 #${i}`);
        same(await pattern.read(), ["pmessage", "*", "c", expected], `#${i}`);
      }
    },
  );
});
