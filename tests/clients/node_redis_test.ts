/**
 * End to end with node-redis (a test-only dependency pinned in
 * tests/clients/node/package.json, installed by .ci/run): its client-side
 * cache, which needs RESP3 CLIENT TRACKING and invalidation push frames.
 */

import assert from "node:assert/strict";
import { withServer } from "../helpers/servers.ts";
import { nodeClientsInstalled, runNode } from "../helpers/node_clients.ts";

const ready = nodeClientsInstalled("client tests", "redis");

Deno.test({
  name: "node-redis: clientSideCache is invalidated when another client writes",
  ignore: !ready,
  async fn() {
    await withServer({ clients: 0 }, async (_clients, server) => {
      const out = await runNode(["client_side_cache.mjs", String(server.port)]);
      assert.equal(out.trim(), "ok");
    });
  },
});
