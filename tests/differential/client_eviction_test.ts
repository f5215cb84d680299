/**
 * maxmemory-clients against redis-server: a client whose query buffer
 * takes the clients past the limit is disconnected, CLIENT NO-EVICT
 * clients are kept (others go in their place), and evicted_clients counts
 * them; limits given as a percentage of maxmemory.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import type { TestServer } from "../helpers/servers.ts";

/** Sends half of a 3 MB SET, so the server holds 1.5 MB for the client. */
async function bigPartialRequest(client: RespClient): Promise<void> {
  await client.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n");
  await client.write(new Uint8Array(1_500_000).fill(120));
}

/** Whether the server closed `client` within a second. */
async function closedSoon(client: RespClient): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 1000);
  });
  try {
    return await Promise.race([client.closedByServer(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function evictedClients(pair: Pair): Promise<[number, number]> {
  const [ours, theirs] = await pair.both(["INFO", "stats"]);
  const field = (info: string) =>
    Number(/evicted_clients:(\d+)/.exec(info)![1]);
  return [field(ours), field(theirs)];
}

/** Runs `body` with a fresh client on each server, closing them after. */
async function withClients(
  pair: Pair,
  body: (clients: RespClient[]) => Promise<void>,
): Promise<void> {
  const servers: TestServer[] = [pair.ours, pair.oracle];
  const clients = await Promise.all(servers.map((s) => s.connect()));
  try {
    await body(clients);
  } finally {
    for (const client of clients) client.close();
  }
}

differentialTest(
  "differential: maxmemory-clients disconnects a client with a big query buffer",
  async (pair) => {
    await pair.same(["CONFIG", "SET", "maxmemory-clients", "1mb"]);
    await withClients(pair, async (victims) => {
      const closed = await Promise.all(victims.map(async (victim) => {
        await bigPartialRequest(victim).catch(() => {});
        return closedSoon(victim);
      }));
      assert.deepEqual(closed, [true, true]);
    });
    const [ours, theirs] = await evictedClients(pair);
    assert.equal(ours, theirs);
    assert.equal(ours, 1);
    await pair.same(["CONFIG", "SET", "maxmemory-clients", "0"]);
    await pair.same(["GET", "k"]);
  },
);

differentialTest(
  "differential: CLIENT NO-EVICT clients stay; the others are evicted instead",
  async (pair) => {
    await withClients(pair, async (kept) => {
      for (const client of kept) {
        assert.equal(await client.call("CLIENT", "NO-EVICT", "on"), "OK");
      }
      await pair.same(["CONFIG", "SET", "maxmemory-clients", "1mb"]);
      await Promise.all(kept.map((client) => bigPartialRequest(client)));
      // The main clients are the evictable ones left: they go.
      const closed = await Promise.all(
        [pair.ourClient, pair.oracleClient].map(closedSoon),
      );
      assert.deepEqual(closed, [true, true]);
      // The kept clients still get their reply once the request is whole.
      for (const client of kept) {
        await client.write(new Uint8Array(1_500_000).fill(120));
        await client.write("\r\n");
        assert.equal(await client.read(), "OK");
        assert.equal(
          await client.call("CONFIG", "SET", "maxmemory-clients", "0"),
          "OK",
        );
        assert.equal(await client.call("STRLEN", "k"), 3_000_000);
      }
    });
  },
);

differentialTest(
  "differential: maxmemory-clients as a percentage of maxmemory",
  async (pair) => {
    await pair.same(["CONFIG", "SET", "maxmemory-clients", "10%"]);
    await pair.same(["CONFIG", "GET", "maxmemory-clients"]);
    // No maxmemory: no limit.
    await withClients(pair, async (clients) => {
      await Promise.all(clients.map((client) => bigPartialRequest(client)));
      const closed = await Promise.all(clients.map(closedSoon));
      assert.deepEqual(closed, [false, false]);
    });
    await pair.same(["CONFIG", "SET", "maxmemory", "10mb"]);
    await withClients(pair, async (clients) => {
      await Promise.all(
        clients.map((client) => bigPartialRequest(client).catch(() => {})),
      );
      const closed = await Promise.all(clients.map(closedSoon));
      assert.deepEqual(closed, [true, true]);
    });
    await pair.same(["CONFIG", "SET", "maxmemory-clients", "0"]);
    await pair.same(["CONFIG", "SET", "maxmemory", "0"]);
  },
);
