/**
 * End to end with node-redis (a test-only dependency pinned in
 * tests/clients/node/package.json, installed by .ci/run): its client-side
 * cache, which needs RESP3 CLIENT TRACKING and invalidation push frames.
 */

import assert from "node:assert/strict";
import { withServer } from "../helpers/servers.ts";
import { text } from "../helpers/bytes.ts";

const CLIENTS = new URL("./node/", import.meta.url).pathname;

/** Whether the node-redis dependency has been installed (npm ci). */
function installed(): boolean {
  try {
    Deno.statSync(`${CLIENTS}node_modules/redis/package.json`);
    return true;
  } catch {
    return false;
  }
}

const ready = installed();
if (!ready) {
  console.warn(
    "node-redis not installed (npm ci --prefix tests/clients/node): client tests skipped",
  );
}

Deno.test({
  name: "node-redis: clientSideCache is invalidated when another client writes",
  ignore: !ready,
  async fn() {
    await withServer({ clients: 0 }, async (_clients, server) => {
      const out = await new Deno.Command("node", {
        args: ["client_side_cache.mjs", String(server.port)],
        cwd: CLIENTS,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(
        out.success,
        `node-redis script failed:\n${text(out.stdout)}\n${text(out.stderr)}`,
      );
      assert.equal(text(out.stdout).trim(), "ok");
    });
  },
});
