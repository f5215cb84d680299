/**
 * A replica busy running a long script: its clients get -BUSY, but its
 * master's stream waits and is applied once the script ends, as in Redis.
 */

import assert from "node:assert/strict";
import { startServer, type TestServer } from "../helpers/servers.ts";
import { waitFor } from "../helpers/replication.ts";

/** A read-only script that runs for about `seconds`. */
const spin = (seconds: number) =>
  "#!lua flags=no-writes\n" +
  `local t = tonumber(redis.call('time')[1]) + ${seconds}\n` +
  "while tonumber(redis.call('time')[1]) < t do end\nreturn 1";

Deno.test("replication: the master's stream waits while a script is busy on the replica", async () => {
  const servers: TestServer[] = [];
  try {
    const master = await startServer({
      flags: ["--repl-diskless-sync-delay", "0"],
    });
    servers.push(master);
    const replica = await startServer({
      flags: [
        "--replicaof",
        "127.0.0.1",
        String(master.port),
        "--busy-reply-threshold",
        "100",
      ],
    });
    servers.push(replica);
    const [m, r, runner] = await Promise.all([
      master.connect(),
      replica.connect(),
      replica.connect(),
    ]);
    try {
      await waitFor(
        "link up",
        async () =>
          String(await r.call("INFO", "replication")).includes(
            "master_link_status:up",
          ),
      );
      const script = runner.call("EVAL", spin(2), "0");
      await waitFor("the script is busy", async () => {
        const reply = await r.call("PING") as { message?: string };
        return reply.message?.startsWith("BUSY") ?? false;
      });
      assert.equal(await m.call("SET", "k", "v"), "OK");
      assert.equal(await m.call("INCR", "n"), 1);
      assert.equal(await script, 1);
      await waitFor(
        "the writes arrived",
        async () =>
          await r.call("GET", "k") === "v" && await r.call("GET", "n") === "1",
      );
      const errors = String(await r.call("INFO", "errorstats"));
      // Only this test's PINGs were refused, never the master's commands.
      const pings = /errorstat_BUSY:count=(\d+)/.exec(errors)?.[1];
      const stats = String(await r.call("INFO", "commandstats"));
      const refused = /cmdstat_ping:.*rejected_calls=(\d+)/.exec(stats)?.[1];
      assert.equal(pings, refused);
    } finally {
      for (const client of [m, r, runner]) client.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});
