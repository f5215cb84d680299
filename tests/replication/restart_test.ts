/**
 * Restarts: a replica restarted from its dump file continues its master's
 * stream, and a master restarted from its dump file lets its replicas (ours
 * and Redis's) continue, both with partial resynchronisations, because the
 * RDB files carry the replication id and offset. SAVE and SHUTDOWN on the
 * master are not passed on to replicas.
 */

import assert from "node:assert/strict";
import {
  hasRedisServer,
  startServer,
  type TestServer,
} from "../helpers/servers.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { infoField, waitFor } from "../helpers/replication.ts";

/** Waits for `check`, which fails while a server restarts. */
function until(what: string, check: () => Promise<boolean>): Promise<void> {
  return waitFor(what, () => check().catch(() => false));
}

/** Starts our server in `dir`, on `port` or a free one. */
function ours(
  dir: string,
  flags: string[],
  port?: number,
): Promise<TestServer> {
  return startServer({ dir, flags, port });
}

Deno.test({
  name:
    "restart: replicas and masters restarted from their dump files resynchronise partially",
  ignore: !hasRedisServer(),
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "replication-restart-" });
    const servers: TestServer[] = [];
    const clients: RespClient[] = [];
    const connect = async (server: TestServer) => {
      const client = await server.connect();
      clients.push(client);
      return client;
    };
    try {
      await Deno.mkdir(`${root}/master`);
      await Deno.mkdir(`${root}/replica`);
      const masterFlags = ["--repl-diskless-sync-delay", "0"];
      let master = await ours(`${root}/master`, masterFlags);
      servers.push(master);
      const replicaFlags = ["--replicaof", "127.0.0.1", String(master.port)];
      let replica = await ours(`${root}/replica`, replicaFlags);
      servers.push(replica);
      const redis = await startServer({ oracle: true, flags: replicaFlags });
      servers.push(redis);
      let m = await connect(master);
      const o = await connect(redis);
      await until(
        "both replicas online",
        async () =>
          (String(await m.call("INFO", "replication")).match(/state=online/g) ??
            []).length === 2,
      );
      await m.call("SELECT", "3");
      await m.call("SET", "in-db-3", "1");
      await m.call("SELECT", "0");
      await m.call("SET", "a", "1");
      await until(
        "replicas caught up",
        async () =>
          await infoField(o, "master_repl_offset") ===
            await infoField(m, "master_repl_offset"),
      );
      // SAVE is not a write: the replicas' offsets stay.
      const offset = await infoField(m, "master_repl_offset");
      assert.equal(await m.call("SAVE"), "OK");
      assert.equal(await infoField(m, "master_repl_offset"), offset);

      // The replica restarts from its dump file and continues.
      let r = await connect(replica);
      await r.send("SHUTDOWN", "SAVE");
      assert.equal((await replica.status).code, 0);
      await m.call("SET", "while-replica-down", "1");
      replica = await ours(`${root}/replica`, replicaFlags);
      servers.push(replica);
      r = await connect(replica);
      await until(
        "restarted replica up",
        async () =>
          await infoField(r, "master_link_status") === "up" &&
          await r.call("GET", "while-replica-down") === "1",
      );
      assert.equal(await infoField(r, "sync_full"), "0");
      assert.equal(await infoField(m, "sync_partial_ok"), "1");

      // The master restarts from its dump file; both replicas continue.
      const port = master.port;
      await m.send("SHUTDOWN", "SAVE");
      assert.equal((await master.status).code, 0);
      master = await ours(`${root}/master`, masterFlags, port);
      servers.push(master);
      m = await connect(master);
      await until(
        "replicas back",
        async () =>
          (String(await m.call("INFO", "replication")).match(/state=online/g) ??
            []).length === 2,
      );
      assert.equal(await infoField(m, "sync_full"), "0");
      assert.equal(await infoField(m, "sync_partial_ok"), "2");
      await m.call("SELECT", "3");
      await m.call("SET", "after-restart", "1");
      await until("writes after the restart arrive", async () => {
        await r.call("SELECT", "3");
        await o.call("SELECT", "3");
        return await r.call("GET", "after-restart") === "1" &&
          await o.call("GET", "after-restart") === "1";
      });
    } finally {
      for (const client of clients) client.close();
      await Promise.all(servers.map((s) => s.stop()));
      await Deno.remove(root, { recursive: true });
    }
  },
});
