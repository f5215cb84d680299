import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import {
  differentialTest,
  type Pair,
  Picker,
  prng,
  withPair,
} from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer } from "../helpers/servers.ts";

const ignore = !hasRedisServer();
if (ignore) {
  console.warn("redis-server not found: pub/sub differential tests skipped");
}

/** The same subscriber connected to both servers. */
class Subscriber {
  constructor(readonly ours: RespClient, readonly theirs: RespClient) {}

  static async open(pair: Pair, protocol: 2 | 3): Promise<Subscriber> {
    const sub = new Subscriber(
      await pair.ours.connect(),
      await pair.oracle.connect(),
    );
    if (protocol === 3) {
      await sub.ours.call("HELLO", "3");
      await sub.theirs.call("HELLO", "3");
    }
    return sub;
  }

  /** Sends a command and compares the next `frames` raw replies. */
  async same(args: string[], frames: number, context = ""): Promise<void> {
    await Promise.all([this.ours.send(...args), this.theirs.send(...args)]);
    const read = async (client: RespClient) => {
      let raw = "";
      for (let i = 0; i < frames; i++) raw += latin1(await client.readRaw());
      return raw;
    };
    const [a, b] = await Promise.all([read(this.ours), read(this.theirs)]);
    assert.equal(a, b, `${context}subscriber ${JSON.stringify(args)}`);
  }

  /**
   * Compares the messages received so far. A PING marks the end; messages
   * from one PUBLISH may come in a different order (Redis walks its
   * pattern table in hash order), so each side's frames are sorted.
   */
  async sameMessages(context = ""): Promise<void> {
    const drain = async (client: RespClient) => {
      await client.send("PING");
      const frames: string[] = [];
      while (true) {
        const raw = latin1(await client.readRaw());
        if (raw === "+PONG\r\n" || raw.startsWith("*2\r\n$4\r\npong\r\n")) {
          return frames.sort();
        }
        frames.push(raw);
      }
    };
    const [a, b] = await Promise.all([drain(this.ours), drain(this.theirs)]);
    assert.deepEqual(a, b, `${context}messages`);
  }

  close(): void {
    this.ours.close();
    this.theirs.close();
  }
}

Deno.test({
  name: "pub/sub replies and messages match redis-server in RESP2 and RESP3",
  ignore,
  async fn() {
    await withPair({}, async (pair) => {
      for (const protocol of [2, 3] as const) {
        const ctx = `RESP${protocol} `;
        const sub = await Subscriber.open(pair, protocol);
        try {
          await sub.same(["UNSUBSCRIBE"], 1, ctx);
          await sub.same(["PUNSUBSCRIBE"], 1, ctx);
          await sub.same(["SUNSUBSCRIBE"], 1, ctx);
          await sub.same(["SUBSCRIBE", "news", "sport", "news"], 3, ctx);
          await sub.same(["PSUBSCRIBE", "n*", "s?ort", "[a-m]x"], 3, ctx);
          await sub.same(["SSUBSCRIBE", "shard1"], 1, ctx);
          await sub.same(["PING"], 1, ctx);
          await sub.same(["PING", "hello"], 1, ctx);
          await sub.same(["GET", "x"], 1, ctx);
          await sub.same(["SET", "x", "1"], 1, ctx);
          await sub.same(["MULTI"], 1, ctx);
          await sub.same(["EXEC"], 1, ctx);
          await pair.same(["PUBLISH", "news", "hi"], ctx);
          await pair.same(["PUBLISH", "sport", "goal"], ctx);
          await pair.same(["PUBLISH", "nothing", "x"], ctx);
          await pair.same(["PUBLISH", "bx", "\x00\xff\r\n"], ctx);
          await pair.same(["PUBLISH", "zzz", "nobody"], ctx);
          await pair.same(["SPUBLISH", "shard1", "s"], ctx);
          await pair.same(["SPUBLISH", "news", "not a shard channel"], ctx);
          await sub.sameMessages(ctx);
          await pair.same(["PUBSUB", "NUMSUB", "news", "sport", "none"], ctx);
          await pair.same(["PUBSUB", "NUMSUB"], ctx);
          await pair.same(["PUBSUB", "NUMPAT"], ctx);
          await pair.same(["PUBSUB", "SHARDNUMSUB", "shard1", "news"], ctx);
          await pair.sameUnordered(["PUBSUB", "CHANNELS"], false, ctx);
          await pair.same(["PUBSUB", "CHANNELS", "n*"], ctx);
          await pair.same(["PUBSUB", "SHARDCHANNELS"], ctx);
          await pair.same(["PUBSUB", "SHARDCHANNELS", "x*"], ctx);
          await pair.same(["PUBSUB", "CHANNELS", "a", "b"], ctx);
          await pair.same(["PUBSUB", "NUMPAT", "x"], ctx);
          await pair.same(["PUBSUB", "HELP"], ctx);
          await pair.same(["PUBSUB", "nope"], ctx);
          await pair.same(["PUBSUB"], ctx);
          await pair.same(["PUBLISH", "a"], ctx);
          await sub.same(["UNSUBSCRIBE", "news", "never"], 2, ctx);
          await sub.same(["PUNSUBSCRIBE", "n*"], 1, ctx);
          await sub.same(["SUNSUBSCRIBE", "shard1"], 1, ctx);
          await sub.same(["UNSUBSCRIBE"], 1, ctx);
          await sub.same(["PUNSUBSCRIBE", "s?ort"], 1, ctx);
          await sub.same(["PING"], 1, ctx);
          await sub.same(["PUNSUBSCRIBE"], 1, ctx);
          // Out of subscribed mode: everything is allowed again.
          await sub.same(["PING"], 1, ctx);
          await sub.same(["GET", "x"], 1, ctx);
          await pair.same(["PUBSUB", "NUMPAT"], ctx);
          await pair.same(["PUBSUB", "CHANNELS"], ctx);
          // Subscribing inside a transaction.
          await sub.same(["MULTI"], 1, ctx);
          await sub.same(["SUBSCRIBE", "q"], 1, ctx);
          await sub.same(["EXEC"], 1, ctx);
          await pair.same(["PUBLISH", "q", "in"], ctx);
          await sub.sameMessages(ctx);
          // RESET leaves subscribed mode silently.
          await sub.same(["RESET"], 1, ctx);
          await pair.same(["PUBLISH", "q", "gone"], ctx);
          await sub.same(["PING"], 1, ctx);
        } finally {
          sub.close();
        }
      }
    });
  },
});

Deno.test({
  name: "randomized subscriptions and publishes match redis-server",
  ignore,
  async fn() {
    await withPair({}, async (pair) => {
      const subscribers = [
        await Subscriber.open(pair, 2),
        await Subscriber.open(pair, 3),
        await Subscriber.open(pair, 2),
      ];
      const pick = new Picker(prng(7_0_15));
      const channels = ["a", "b", "ab", "ba", "c\x00"];
      const patterns = ["a*", "?b", "*", "[ab]", "c\\*"];
      try {
        for (let round = 0; round < 250; round++) {
          const ctx = `round ${round}: `;
          const sub = pick.pick(subscribers);
          const roll = pick.random();
          // Messages already delivered come before a command's replies.
          if (roll < 0.6) await sub.sameMessages(ctx);
          if (roll < 0.2) {
            const names = [pick.pick(channels), pick.pick(channels)];
            await sub.same(["SUBSCRIBE", ...names], 2, ctx);
          } else if (roll < 0.3) {
            await sub.same(["UNSUBSCRIBE", pick.pick(channels)], 1, ctx);
          } else if (roll < 0.45) {
            await sub.same(["PSUBSCRIBE", pick.pick(patterns)], 1, ctx);
          } else if (roll < 0.55) {
            await sub.same(["PUNSUBSCRIBE", pick.pick(patterns)], 1, ctx);
          } else if (roll < 0.6) {
            await sub.same(["SSUBSCRIBE", pick.pick(channels)], 1, ctx);
          } else if (roll < 0.65) {
            await pair.same(["SPUBLISH", pick.pick(channels), "s"], ctx);
          } else {
            const message = `m${round}`;
            await pair.same(["PUBLISH", pick.pick(channels), message], ctx);
          }
          if (round % 10 === 9) {
            for (const s of subscribers) await s.sameMessages(ctx);
            await pair.same(["PUBSUB", "NUMPAT"], ctx);
            await pair.same(["PUBSUB", "NUMSUB", ...channels], ctx);
            await pair.sameUnordered(["PUBSUB", "CHANNELS"], false, ctx);
          }
        }
      } finally {
        for (const s of subscribers) s.close();
      }
    });
  },
});

differentialTest(
  "differential: RESP3 push frames get through CLIENT REPLY OFF",
  async (pair) => {
    const clients = [await pair.ours.connect(), await pair.oracle.connect()];
    try {
      const frames: string[][] = [[], []];
      for (const [i, client] of clients.entries()) {
        await client.call("HELLO", "3");
        await client.send("CLIENT", "REPLY", "OFF");
        await client.send("SUBSCRIBE", "ch");
        frames[i].push(latin1(await client.readRaw()));
      }
      await pair.same(["PUBLISH", "ch", "hello"]);
      for (const [i, client] of clients.entries()) {
        frames[i].push(latin1(await client.readRaw()));
        await client.send("UNSUBSCRIBE", "ch");
        frames[i].push(latin1(await client.readRaw()));
        await client.send("PING");
        await client.send("CLIENT", "REPLY", "ON");
        frames[i].push(latin1(await client.readRaw()));
        frames[i].push(latin1(await client.callRaw("PING")));
      }
      assert.deepEqual(frames[0], frames[1]);
      assert.equal(frames[0][0], ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    } finally {
      for (const client of clients) client.close();
    }
  },
);
