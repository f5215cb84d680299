/**
 * End to end with the client libraries that need Lua scripting (test-only
 * dependencies pinned in tests/clients/node/package.json, installed by
 * .ci/run): a BullMQ queue and worker, ioredis defineCommand and node-redis
 * defineScript; Debian's redis-py (python3-redis) Lock and register_script;
 * and `redis-cli --eval`.
 */

import assert from "node:assert/strict";
import { withServer } from "../helpers/servers.ts";
import { text } from "../helpers/bytes.ts";
import { nodeClientsInstalled, runNode } from "../helpers/node_clients.ts";
import { redisPyInstalled, runRedisPy } from "../helpers/python_clients.ts";

const ready = nodeClientsInstalled("client tests", "bullmq", "ioredis");

/** Runs a client script against a fresh server; it must print "ok". */
async function runClientScript(script: string): Promise<void> {
  await withServer({ clients: 0 }, async (_clients, server) => {
    assert.equal((await runNode([script, String(server.port)])).trim(), "ok");
  });
}

Deno.test({
  name: "BullMQ: 1,000 jobs with delays, priorities and a retry are processed",
  ignore: !ready,
  fn: () => runClientScript("bullmq_queue.mjs"),
});

Deno.test({
  name: "ioredis defineCommand and node-redis defineScript run scripts",
  ignore: !ready,
  fn: () => runClientScript("ioredis_scripts.mjs"),
});

Deno.test({
  name: "redis-py: Lock acquire, extend and release, and register_script",
  ignore: !redisPyInstalled("redis-py scripting test"),
  async fn() {
    await withServer({ clients: 0 }, async (_clients, server) => {
      const out = await runRedisPy("lock_and_scripts.py", server.port);
      assert.equal(out.trim(), "ok");
    });
  },
});

Deno.test("redis-cli --eval runs a script file with keys and arguments", async () => {
  await withServer({ clients: 0 }, async (_clients, server) => {
    const run = () =>
      new Deno.Command("redis-cli", {
        args: [
          "-p",
          String(server.port),
          "--eval",
          new URL("./counter.lua", import.meta.url).pathname,
          "hits",
          ",",
          "3",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    assert.equal(text((await run()).stdout), "hits\n3\n");
    assert.equal(text((await run()).stdout), "hits\n6\n");
  });
});
