/**
 * Replication end to end, against Debian's redis-server: our master with a
 * Redis replica, a Redis master with our replica, and ours with ours. Each
 * pairing does a full synchronisation of a dataset with every type, then a
 * pipelined stream of ~100k mixed writes (with blocked clients served
 * meanwhile), then a dropped link that must continue with a partial
 * resynchronisation. Chains (master -> replica -> sub-replica) and a
 * promotion (REPLICAOF NO ONE, then the other replica follows the new
 * master with PSYNC2's secondary id) mix both servers too. Datasets are
 * compared with DEBUG DIGEST, DEBUG DIGEST-VALUE per key, expiry times,
 * stream groups and function libraries; offsets and ids with INFO.
 */

import assert from "node:assert/strict";
import {
  assertSameDataset,
  info,
  type Kind,
  logOf,
  must,
  type Node,
  pipeline,
  replicaOf,
  waitFor,
  waitInSync,
  withNodes,
} from "../helpers/replication.ts";
import { hasRedisServer } from "../helpers/servers.ts";
import {
  populate,
  restoreCopies,
  startBlockers,
  Workload,
} from "./workload.ts";

const oracle = hasRedisServer();
if (!oracle) console.warn("redis-server not found: replication tests skipped");

const WRITES = 100_000;

/** Sends `workload` to `master`; fails when too many commands erred. */
async function send(master: Node, workload: Workload): Promise<void> {
  const result = await pipeline(master.port, workload.commands);
  assert.equal(result.replies, workload.commands.length);
  const counts = new Map<string, number>();
  for (const error of result.errors) {
    const kind = error.slice(0, 60);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  // Some errors are part of a random stream (RENAME of a missing key...),
  // but most commands must do something.
  assert.ok(
    result.errors.length < workload.commands.length * 0.05,
    `${result.errors.length} errors: ${JSON.stringify([...counts])}`,
  );
}

/** Fails when a replica replied errors (to its master's stream). */
async function assertNoErrors(node: Node): Promise<void> {
  const stats = await info(node, "errorstats");
  if (Object.keys(stats).length === 0) return;
  const failed = Object.entries(await info(node, "commandstats"))
    .filter(([, v]) =>
      !/failed_calls=0$/.test(v) || !/rejected_calls=0,/.test(v)
    );
  assert.fail(
    `${node.name} replied errors: ${JSON.stringify(stats)} ${
      JSON.stringify(failed)
    }`,
  );
}

/** INFO stats counters of full and partial synchronisations. */
async function syncCounts(node: Node) {
  const stats = await info(node, "stats");
  return {
    full: Number(stats.sync_full),
    partialOk: Number(stats.sync_partial_ok),
    partialErr: Number(stats.sync_partial_err),
  };
}

/** Kills the replica's link to its master, as a network failure would. */
async function dropMasterLink(replica: Node): Promise<void> {
  const killed = await must(replica.client, "CLIENT", "KILL", "TYPE", "master");
  assert.equal(killed, 1, `${replica.name} had no master link to kill`);
}

const PAIRINGS: [Kind, Kind][] = [
  ["ours", "redis"],
  ["redis", "ours"],
  ["ours", "ours"],
];
// Redis with Redis checks the checks themselves.
if (Deno.env.get("REPL_CONTROL") === "1") PAIRINGS.push(["redis", "redis"]);

for (const [masterKind, replicaKind] of PAIRINGS) {
  Deno.test({
    name:
      `replication: ${masterKind} master -> ${replicaKind} replica: full sync, ${WRITES} writes, dropped link`,
    ignore: !oracle,
  }, (t) =>
    withNodes([masterKind, replicaKind], async ([master, replica]) => {
      await populate(master, { shortTtl: true });

      const synced = await t.step(
        "full sync: same dataset and offset",
        async () => {
          await replicaOf(replica, master);
          // Same master_repl_offset on both, acknowledged by the replica.
          await waitInSync(master, [replica], { acked: true });
          const replicaInfo = await info(replica);
          const masterInfo = await info(master);
          assert.equal(replicaInfo.master_replid, masterInfo.master_replid);
          assert.equal((await syncCounts(master)).full, 1);
          await assertSameDataset(master, [replica]);
          await assertNoErrors(replica);
        },
      );
      if (!synced) throw new Error("full sync failed");

      const streamed = await t.step(`${WRITES} pipelined writes`, async () => {
        await restoreCopies(master);
        const blockers = await startBlockers(master);
        try {
          await waitFor(
            "4 blocked clients",
            async () => (await info(master, "clients")).blocked_clients === "4",
          );
          const workload = new Workload(masterKind.length * 31 + 7, {
            shortTtl: true,
            blocked: true,
          }).generate(WRITES).stopBlocked();
          await send(master, workload);
          const served = await blockers.done;
          assert.ok(served.every((n) => n > 1), `served ${served}`);
        } finally {
          blockers.close();
        }
        await assertSameDataset(master, [replica]);
        await assertNoErrors(replica);
        assert.equal((await syncCounts(master)).full, 1);
      });
      if (!streamed) throw new Error("the write stream failed");

      const resynced = await t.step(
        "dropped link: partial resync",
        async () => {
          const before = await syncCounts(master);
          await dropMasterLink(replica);
          // Written while the link is down (it reconnects within a second).
          await send(
            master,
            new Workload(99, { shortTtl: true }).generate(2000),
          );
          await waitInSync(master, [replica]);
          const after = await syncCounts(master);
          assert.deepEqual(after, {
            ...before,
            partialOk: before.partialOk + 1,
          });
          assert.match(
            await logOf(master),
            /Partial resynchronization request from 127\.0\.0\.1:\d+ accepted/,
          );
          assert.match(
            await logOf(replica),
            /Successful partial resynchronization with master/,
          );
          await assertSameDataset(master, [replica]);
          await assertNoErrors(replica);
        },
      );
      if (!resynced) throw new Error("the partial resync failed");
    }));
}

const CHAINS: [Kind, Kind, Kind][] = [
  ["ours", "redis", "ours"],
  ["redis", "ours", "redis"],
  ["ours", "ours", "ours"],
];

for (const [topKind, middleKind, bottomKind] of CHAINS) {
  Deno.test({
    name:
      `replication: chain ${topKind} -> ${middleKind} -> ${bottomKind}: same ids, offsets and data`,
    ignore: !oracle,
  }, () =>
    withNodes([
      topKind,
      // The middle one sends its snapshot from disk ($<length> payload).
      [middleKind, ["--repl-diskless-sync", "no"]],
      bottomKind,
    ], async ([top, middle, bottom]) => {
      await populate(top, { shortTtl: true });
      await replicaOf(middle, top);
      await waitInSync(top, [middle]);
      await replicaOf(bottom, middle);
      await waitInSync(top, [middle, bottom]);
      await send(
        top,
        new Workload(5, { shortTtl: true }).generate(WRITES / 10),
      );
      // The middle's link drops: it continues, and its replica stays.
      const middleSyncs = await syncCounts(middle);
      await dropMasterLink(middle);
      await send(top, new Workload(6, { shortTtl: true }).generate(1000));
      await waitFor("the bottom with the top's id and offset", async () => {
        await waitInSync(top, [middle, bottom]);
        const [topInfo, bottomInfo] = [await info(top), await info(bottom)];
        assert.equal(bottomInfo.master_replid, topInfo.master_replid);
        return bottomInfo.master_repl_offset === topInfo.master_repl_offset;
      });
      assert.deepEqual(await syncCounts(middle), middleSyncs);
      assert.equal((await syncCounts(top)).partialOk, 1);
      await assertSameDataset(top, [middle, bottom]);
      for (const node of [middle, bottom]) await assertNoErrors(node);
    }));
}

const PROMOTIONS: [Kind, Kind, Kind][] = [
  ["redis", "ours", "redis"],
  ["ours", "redis", "ours"],
  ["ours", "ours", "ours"],
];

for (const [masterKind, promotedKind, otherKind] of PROMOTIONS) {
  Deno.test({
    name:
      `replication: ${promotedKind} replica promoted, ${otherKind} replica follows it with a partial resync (master ${masterKind})`,
    ignore: !oracle,
  }, () =>
    withNodes([
      // No PING from the master may reach one replica and not the other.
      [masterKind, ["--repl-ping-replica-period", "3600"]],
      promotedKind,
      otherKind,
    ], async (nodes) => {
      const [master, promoted, other] = nodes;
      await populate(master);
      await replicaOf(promoted, master);
      await replicaOf(other, master);
      await send(master, new Workload(11).generate(5000));
      const offset = await waitInSync(master, [promoted, other]);
      const oldId = (await info(master)).master_replid;

      assert.equal(await must(promoted.client, "REPLICAOF", "NO", "ONE"), "OK");
      const promotedInfo = await info(promoted);
      assert.equal(promotedInfo.role, "master");
      assert.equal(promotedInfo.master_replid2, oldId);
      assert.notEqual(promotedInfo.master_replid, oldId);
      assert.equal(Number(promotedInfo.second_repl_offset), offset + 1);
      assert.equal(Number(promotedInfo.master_repl_offset), offset);
      // Writes on the new master before the other replica follows it.
      await send(promoted, new Workload(12).generate(500));

      await replicaOf(other, promoted);
      await waitInSync(promoted, [other]);
      assert.deepEqual(await syncCounts(promoted), {
        full: 0,
        partialOk: 1,
        partialErr: 0,
      });
      assert.match(
        await logOf(promoted),
        /Partial resynchronization request from 127\.0\.0\.1:\d+ accepted/,
      );
      const otherInfo = await info(other);
      assert.equal(otherInfo.master_replid, promotedInfo.master_replid);
      assert.equal(otherInfo.master_replid2, oldId);
      await send(promoted, new Workload(13).generate(500));
      await assertSameDataset(promoted, [other]);
      await assertNoErrors(other);
    }));
}

// Divergences from Redis found by the tests above, each on its own.

/**
 * Writes keys on `master` with an expiry time of 200 ms (by the `writes`
 * named) while our replica sleeps, then PERSISTs them: once awake, the
 * replica applies each expiry after its time and must keep the key, as
 * Redis does, until the master's DEL or (here) PERSIST.
 */
async function lateExpiries(
  masterKind: Kind,
  writes: readonly ("pexpire" | "getex" | "set" | "restore")[],
): Promise<void> {
  await withNodes([masterKind, "ours"], async ([master, replica]) => {
    for (const key of writes) await must(master.client, "SET", key, "v");
    const payload = await must(master.client, "DUMP", writes[0]) as string;
    await replicaOf(replica, master);
    await waitInSync(master, [replica]);
    const sleeper = await replica.server.connect();
    try {
      const slept = sleeper.call("DEBUG", "SLEEP", "0.5");
      // Closing the client on a failure below ends this read.
      slept.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const key of writes) {
        const command = {
          pexpire: ["PEXPIRE", key, "200"],
          getex: ["GETEX", key, "PX", "200"],
          set: ["SET", key, "v", "PX", "200"],
          restore: ["RESTORE", key, "200", payload, "REPLACE"],
        }[key];
        await must(master.client, ...command);
        await must(master.client, "PERSIST", key);
      }
      await slept;
    } finally {
      sleeper.close();
    }
    await waitInSync(master, [replica]);
    for (const key of writes) {
      assert.equal(await replica.client.call("GET", key), "v", key);
      assert.equal(await replica.client.call("PTTL", key), -1, key);
    }
  });
}

for (const masterKind of ["redis", "ours"] as const) {
  Deno.test({
    name:
      `replication: our replica keeps keys whose PEXPIREAT, SET PXAT or RESTORE ABSTTL it applies after that time, for the master's DEL or PERSIST (${masterKind} master)`,
    ignore: !oracle,
  }, () => lateExpiries(masterKind, ["pexpire", "getex", "set", "restore"]));
}

Deno.test({
  name:
    "replication: the consumer XREADGROUP NOACK creates is propagated (XGROUP CREATECONSUMER)",
  ignore: !oracle,
}, () =>
  withNodes(["ours", "redis"], async ([master, replica]) => {
    await replicaOf(replica, master);
    await waitInSync(master, [replica]);
    await must(master.client, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    await must(master.client, "XADD", "s", "1-1", "f", "v");
    await must(
      master.client,
      ...["XREADGROUP", "GROUP", "g", "new", "NOACK", "STREAMS", "s", ">"],
    );
    await waitInSync(master, [replica]);
    const consumers = await must(
      replica.client,
      "XINFO",
      "CONSUMERS",
      "s",
      "g",
    );
    assert.equal((consumers as unknown[]).length, 1);
  }));

Deno.test({
  name:
    "replication: a stream loaded from an RDB payload keeps the payload's nodes, deleted entries included, as Redis does",
  ignore: !oracle,
}, () =>
  withNodes(["redis", "ours"], async ([master, replica]) => {
    for (const node of [master, replica]) {
      await must(node.client, "CONFIG", "SET", "stream-node-max-entries", "4");
    }
    for (let i = 1; i <= 4; i++) {
      await must(master.client, "XADD", "s", `${i}-0`, "f", "v");
    }
    await must(master.client, "XDEL", "s", "2-0");
    await replicaOf(replica, master);
    await waitInSync(master, [replica]);
    // The node holds 4 entries (one deleted): this one starts a new node.
    await must(master.client, "XADD", "s", "5-0", "f", "v");
    await waitInSync(master, [replica]);
    const nodes = async (node: Node) => {
      const fields = await must(
        node.client,
        "XINFO",
        "STREAM",
        "s",
      ) as string[];
      return fields[fields.indexOf("radix-tree-keys") + 1];
    };
    assert.equal(await nodes(replica), await nodes(master));
  }));

for (
  const [masterKind, replicaKind] of [["ours", "redis"], ["redis", "ours"]]
) {
  Deno.test({
    name:
      `replication: a key expired but not yet deleted on the master is in its snapshot and kept by the replica (${masterKind} master, ${replicaKind} replica)`,
    ignore: !oracle,
  }, () =>
    withNodes(
      [masterKind as Kind, replicaKind as Kind],
      async ([master, replica]) => {
        await must(master.client, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
        await must(master.client, "SET", "expired", "v", "PX", "1");
        await must(master.client, "SET", "live", "v");
        await new Promise((resolve) => setTimeout(resolve, 20));
        await replicaOf(replica, master);
        await waitInSync(master, [replica]);
        assert.equal(
          await must(replica.client, "DEBUG", "DIGEST"),
          await must(master.client, "DEBUG", "DIGEST"),
        );
      },
    ));
}
