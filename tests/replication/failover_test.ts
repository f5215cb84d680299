/**
 * FAILOVER: its argument errors against redis-server, a coordinated
 * failover from our master to our replica with a Redis replica following,
 * and a failover that times out because its target never catches up.
 */

import assert from "node:assert/strict";
import { hasRedisServer } from "../helpers/servers.ts";
import { infoField, startReplicated, waitFor } from "../helpers/replication.ts";
import { latin1 } from "../helpers/bytes.ts";

Deno.test({
  name:
    "failover: FAILOVER checks its arguments and state as redis-server does",
  ignore: !hasRedisServer(),
  async fn() {
    const replies: string[][] = [];
    for (const oracle of [false, true]) {
      const servers = await startReplicated(oracle, [oracle]);
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
    const servers = await startReplicated(false, [false, true]);
    const [master, target] = servers;
    const clients = await Promise.all(servers.map((s) => s.connect()));
    try {
      const [m, t, o] = clients;
      await m.call("SET", "before", "1");
      await waitFor(
        "target caught up",
        async () => (await t.call("GET", "before")) === "1",
      );
      const fullSyncs = await infoField(m, "sync_full");
      assert.equal(
        await m.call("FAILOVER", "TO", "127.0.0.1", String(target.port)),
        "OK",
      );
      await waitFor(
        "roles swapped",
        async () =>
          (await t.call("ROLE") as unknown[])[0] === "master" &&
          (await m.call("ROLE") as unknown[])[0] === "slave" &&
          (await infoField(m, "master_link_status")) === "up",
      );
      assert.equal(await infoField(m, "master_failover_state"), "no-failover");
      assert.equal(await infoField(m, "master_port"), String(target.port));
      // The old master continued the new one's history without a snapshot.
      assert.equal(await infoField(t, "sync_full"), "0");
      assert.equal(await infoField(t, "sync_partial_ok"), "1");
      assert.equal(
        await infoField(t, "master_replid2"),
        await infoField(m, "master_replid2"),
      );
      await t.call("SET", "after", "2");
      await waitFor(
        "the write reached both replicas",
        async () =>
          (await m.call("GET", "after")) === "2" &&
          (await o.call("GET", "after")) === "2",
      );
      // The Redis replica stayed with the old master and resynchronised
      // partially when it learnt the new replication id.
      assert.equal(await infoField(o, "master_port"), String(master.port));
      assert.equal(await infoField(m, "sync_full"), fullSyncs);
      assert.equal(
        await infoField(o, "master_replid"),
        await infoField(t, "master_replid"),
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
    const servers = await startReplicated(false, [false]);
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
        await infoField(client, "master_failover_state"),
        "waiting-for-sync",
      );
      // Writes wait for the failover to end.
      const started = Date.now();
      assert.equal(await client.call("SET", "k", "w"), "OK");
      assert.ok(Date.now() - started >= 300);
      assert.equal(
        await infoField(client, "master_failover_state"),
        "no-failover",
      );
      assert.equal((await client.call("ROLE") as unknown[])[0], "master");
    } finally {
      Deno.kill(target.pid, "SIGCONT");
      client.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
});
