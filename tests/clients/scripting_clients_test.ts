/**
 * End to end with the client libraries that need Lua scripting (test-only
 * dependencies pinned in tests/clients/node/package.json, installed by
 * .ci/run): a BullMQ queue and worker, ioredis defineCommand and node-redis
 * defineScript.
 */

import assert from "node:assert/strict";
import { withServer } from "../helpers/servers.ts";
import { text } from "../helpers/bytes.ts";

const CLIENTS = new URL("./node/", import.meta.url).pathname;

function installed(name: string): boolean {
  try {
    Deno.statSync(`${CLIENTS}node_modules/${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const ready = installed("bullmq") && installed("ioredis");
if (!ready) {
  console.warn(
    "bullmq/ioredis not installed (npm ci --prefix tests/clients/node): client tests skipped",
  );
}

/** Runs a client script against a fresh server; it must print "ok". */
async function runClientScript(script: string): Promise<void> {
  await withServer({ clients: 0 }, async (_clients, server) => {
    const out = await new Deno.Command("node", {
      args: [script, String(server.port)],
      cwd: CLIENTS,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(
      out.success,
      `${script} failed:\n${text(out.stdout)}\n${text(out.stderr)}`,
    );
    assert.equal(text(out.stdout).trim(), "ok");
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
