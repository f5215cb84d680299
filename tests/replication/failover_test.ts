/**
 * FAILOVER: its argument errors against redis-server, a coordinated
 * failover from our master to our replica with a Redis replica following,
 * and a failover that times out because its target never catches up.
 */

import assert from "node:assert/strict";
import {
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { latin1 } from "../helpers/bytes.ts";

const MASTER_FLAGS = ["--repl-diskless-sync-delay", "0", "--save", ""];

async function field(client: RespClient, name: string): Promise<string> {
  const text = String(await client.call("INFO", "all"));
  return new RegExp(`^${name}:(.*)\r$`, "m").exec(text)?.[1] ?? "";
}

async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a master and replicas (`oracle` per replica), linked and online. */
async function start(
  masterOracle: boolean,
  replicaOracles: boolean[],
): Promise<TestServer[]> {
  const servers: TestServer[] = [];
  try {
    const master = await startServer({
      oracle: masterOracle,
      flags: MASTER_FLAGS,
    });
    servers.push(master);
    for (const oracle of replicaOracles) {
      servers.push(
        await startServer({
          oracle,
          flags: [
            "--replicaof",
            "127.0.0.1",
            String(master.port),
            "--save",
            "",
          ],
        }),
      );
    }
    const client = await master.connect();
    try {
      await until("replicas online", async () => {
        const text = String(await client.call("INFO", "replication"));
        return (text.match(/state=online/g) ?? []).length ===
          replicaOracles.length;
      });
    } finally {
      client.close();
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

Deno.test({
  name:
    "failover: FAILOVER checks its arguments and state as redis-server does",
  ignore: !hasRedisServer(),
  async fn() {
    const replies: string[][] = [];
    for (const oracle of [false, true]) {
      const servers = await start(oracle, [oracle]);
      const client = await servers[0].connect();
      const replica = await servers[1].connect();
      const out: string[] = [];
      try {
        const port = String(servers[1].port);
        for (
          const args of [
            ["FAILOVER", "ABORT"],
            ["FAILOVER", "TIMEOUT", "0"],
            ["FAILOVER", "TIMEOUT", "x"],
            ["FAILOVER", "TO", "127.0.0.1", "x"],
            ["FAILOVER", "TO"],
            ["FAILOVER", "FOO"],
            ["FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"],
            ["FAILOVER", "ABORT", "TIMEOUT", "10"],
            ["FAILOVER", "FORCE"],
            ["FAILOVER", "TO", "127.0.0.1", port, "FORCE"],
            ["FAILOVER", "TIMEOUT", "100", "FORCE"],
            ["FAILOVER", "TO", "127.0.0.1", "1"],
          ]
        ) out.push(latin1(await client.callRaw(...args)));
        for (
          const args of [
            ["FAILOVER"],
            ["FAILOVER", "ABORT"],
            ["FAILOVER", "TO", "127.0.0.1", "1"],
          ]
        ) out.push(latin1(await replica.callRaw(...args)));
        replies.push(out);
      } finally {
        client.close();
        replica.close();
        await Promise.all(servers.map((s) => s.stop()));
      }
    }
    assert.deepEqual(replies[0], replies[1]);
  },
});

Deno.test({
  name:
    "failover: our master hands over to our replica; a Redis replica follows with a partial resync",
  ignore: !hasRedisServer(),
  async fn() {
    const servers = await start(false, [false, true]);
    const [master, target] = servers;
    const clients = await Promise.all(servers.map((s) => s.connect()));
    try {
      const [m, t, o] = clients;
      await m.call("SET", "before", "1");
      await until(
        "target caught up",
        async () => (await t.call("GET", "before")) === "1",
      );
      const fullSyncs = await field(m, "sync_full");
      assert.equal(
        await m.call("FAILOVER", "TO", "127.0.0.1", String(target.port)),
        "OK",
      );
      await until(
        "roles swapped",
        async () =>
          (await t.call("ROLE") as unknown[])[0] === "master" &&
          (await m.call("ROLE") as unknown[])[0] === "slave" &&
          (await field(m, "master_link_status")) === "up",
      );
      assert.equal(await field(m, "master_failover_state"), "no-failover");
      assert.equal(await field(m, "master_port"), String(target.port));
      // The old master continued the new one's history without a snapshot.
      assert.equal(await field(t, "sync_full"), "0");
      assert.equal(await field(t, "sync_partial_ok"), "1");
      assert.equal(
        await field(t, "master_replid2"),
        await field(m, "master_replid2"),
      );
      await t.call("SET", "after", "2");
      await until(
        "the write reached both replicas",
        async () =>
          (await m.call("GET", "after")) === "2" &&
          (await o.call("GET", "after")) === "2",
      );
      // The Redis replica stayed with the old master and resynchronised
      // partially when it learnt the new replication id.
      assert.equal(await field(o, "master_port"), String(master.port));
      assert.equal(await field(m, "sync_full"), fullSyncs);
      assert.equal(
        await field(o, "master_replid"),
        await field(t, "master_replid"),
      );
      const written = await m.call("SET", "x", "1") as { message?: string };
      assert.equal(
        written.message,
        "READONLY You can't write against a read only replica.",
      );
    } finally {
      for (const client of clients) client.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
});

Deno.test({
  name: "failover: a target that never catches up times out and writes resume",
  async fn() {
    const servers = await start(false, [false]);
    const [master, target] = servers;
    const client = await master.connect();
    try {
      // A stopped replica never acknowledges the write below.
      Deno.kill(target.pid, "SIGSTOP");
      await client.call("SET", "k", "v");
      assert.equal(
        await client.call(
          "FAILOVER",
          "TO",
          "127.0.0.1",
          String(target.port),
          "TIMEOUT",
          "500",
        ),
        "OK",
      );
      assert.equal(
        await field(client, "master_failover_state"),
        "waiting-for-sync",
      );
      // Writes wait for the failover to end.
      const started = Date.now();
      assert.equal(await client.call("SET", "k", "w"), "OK");
      assert.ok(Date.now() - started >= 300);
      assert.equal(await field(client, "master_failover_state"), "no-failover");
      assert.equal((await client.call("ROLE") as unknown[])[0], "master");
    } finally {
      Deno.kill(target.pid, "SIGCONT");
      client.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
});
