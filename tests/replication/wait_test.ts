/**
 * WAIT and min-replicas-to-write with real replicas, our server and
 * redis-server each as master of two replicas of their own kind, with the
 * same replies expected from both.
 */

import assert from "node:assert/strict";
import { hasRedisServer, type TestServer } from "../helpers/servers.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { infoField, startReplicated, waitFor } from "../helpers/replication.ts";

/** A master with two replicas, all ours or all Redis's. */
interface Trio {
  readonly master: TestServer;
  readonly replicas: TestServer[];
  readonly client: RespClient;
}

async function startTrio(oracle: boolean): Promise<Trio> {
  const [master, ...replicas] = await startReplicated(oracle, [oracle, oracle]);
  return { master, replicas, client: await master.connect() };
}

async function stopTrio(trio: Trio): Promise<void> {
  trio.client.close();
  await Promise.all([trio.master, ...trio.replicas].map((s) => s.stop()));
}

/** Runs `body` on both trios and returns what each produced. */
async function onBoth<T>(body: (trio: Trio) => Promise<T>): Promise<[T, T]> {
  const results: T[] = [];
  for (const oracle of [false, true]) {
    const trio = await startTrio(oracle);
    try {
      results.push(await body(trio));
    } finally {
      await stopTrio(trio);
    }
  }
  return [results[0], results[1]];
}

Deno.test({
  name: "replication: WAIT counts replicas that acknowledged the writes",
  ignore: !hasRedisServer(),
  async fn() {
    const [ours, theirs] = await onBoth(async ({ client, replicas }) => {
      const replies: unknown[] = [];
      replies.push(await client.call("WAIT", "0", "0"));
      replies.push(await client.call("SET", "k", "v"));
      replies.push(await client.call("WAIT", "2", "5000"));
      const started = Date.now();
      replies.push(await client.call("WAIT", "3", "300"));
      replies.push(Date.now() - started >= 290);
      // A replica that is gone no longer counts.
      await replicas[1].stop();
      await waitFor(
        "one replica left",
        async () => (await infoField(client, "connected_slaves")) === "1",
      );
      replies.push(await client.call("SET", "k", "w"));
      replies.push(await client.call("WAIT", "2", "200"));
      replies.push(await client.call("WAIT", "1", "5000"));
      const replica = await replicas[0].connect();
      replies.push(await replica.call("GET", "k"));
      replies.push(await replica.call("WAIT", "1", "0"));
      replica.close();
      return replies;
    });
    assert.deepEqual(ours, theirs);
  },
});

Deno.test({
  name:
    "replication: min-replicas-to-write refuses writes without enough good replicas",
  ignore: !hasRedisServer(),
  async fn() {
    const [ours, theirs] = await onBoth(async ({ client, replicas }) => {
      const replies: unknown[] = [];
      replies.push(
        await client.call("CONFIG", "SET", "min-replicas-to-write", "2"),
      );
      replies.push(await infoField(client, "min_slaves_good_slaves"));
      replies.push(await client.call("SET", "k", "v"));
      await replicas[1].stop();
      await waitFor(
        "one replica left",
        async () => (await infoField(client, "connected_slaves")) === "1",
      );
      replies.push(await infoField(client, "min_slaves_good_slaves"));
      replies.push(await client.call("SET", "k", "w"));
      replies.push(await client.call("GET", "k"));
      replies.push(await client.call("MULTI"));
      replies.push(await client.call("INCR", "n"));
      replies.push(await client.call("EXEC"));
      replies.push(
        await client.call("EVAL", "return redis.call('set','k','x')", "0"),
      );
      replies.push(
        await client.call(
          "EVAL",
          "#!lua\nreturn redis.call('set','k','x')",
          "0",
        ),
      );
      replies.push(
        await client.call("CONFIG", "SET", "min-replicas-to-write", "1"),
      );
      replies.push(await client.call("SET", "k", "y"));
      return replies;
    });
    assert.deepEqual(ours, theirs);
  },
});
