/**
 * End to end with node-redis and ioredis (test-only dependencies pinned in
 * tests/clients/node/package.json, installed by .ci/run) logged in as an
 * ACL user limited to `~app:* +@read`: it can GET app:x, cannot GET other
 * nor SET anything, and the clients see Redis's exact error replies.
 * node/acl_clients.mjs runs against our server and, when it is installed,
 * against redis-server too: both runs must report the same.
 */

import assert from "node:assert/strict";
import { nodeClientsInstalled, runNode } from "../helpers/node_clients.ts";
import { hasRedisServer, startServer } from "../helpers/servers.ts";
import { SELF_CHECK } from "../differential/acl_common.ts";

const ready = nodeClientsInstalled("ACL client tests", "redis", "ioredis");

type Outcome = { ok?: unknown; error?: string };

/** Starts a server, creates the user and keys, runs the client script. */
async function runAgainst(oracle: boolean): Promise<Record<string, Outcome>> {
  const server = await startServer({ oracle });
  try {
    const admin = await server.connect();
    try {
      for (
        const args of [
          ["ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@read"],
          ["SET", "app:x", "hello"],
          ["SET", "app:y", "y2"],
          ["HSET", "app:h", "f", "v"],
          ["SET", "other", "secret"],
        ]
      ) await admin.call(...args);
    } finally {
      admin.close();
    }
    return JSON.parse(await runNode(["acl_clients.mjs", String(server.port)]));
  } finally {
    await server.stop();
  }
}

const KEY_DENIED =
  "NOPERM this user has no permissions to access one of the keys used as arguments";
const denied = (command: string) =>
  `NOPERM this user has no permissions to run the '${command}' command`;

Deno.test({
  name: "node-redis and ioredis as a user limited to ~app:* +@read",
  ignore: !ready,
  async fn() {
    const ours = await runAgainst(SELF_CHECK);
    for (const p of ["node-redis RESP2", "node-redis RESP3"]) {
      assert.deepEqual(ours[`${p} GET app:x`], { ok: "hello" });
      assert.deepEqual(ours[`${p} GET app:missing`], { ok: null });
      assert.deepEqual(ours[`${p} MGET`], { ok: ["hello", "y2"] });
      assert.deepEqual(ours[`${p} HGETALL app:h`], { ok: { f: "v" } });
      assert.deepEqual(ours[`${p} GET other`], { error: KEY_DENIED });
      assert.deepEqual(ours[`${p} MGET mixed`], { error: KEY_DENIED });
      assert.deepEqual(ours[`${p} SET app:x`], { error: denied("set") });
      assert.deepEqual(ours[`${p} SET other`], { error: denied("set") });
      assert.deepEqual(ours[`${p} DEL app:x`], { error: denied("del") });
      assert.deepEqual(ours[`${p} CONFIG GET`], {
        error: denied("config|get"),
      });
      assert.deepEqual(ours[`${p} whoami`], { error: denied("acl|whoami") });
      assert.deepEqual(ours[`${p} GET app:x again`], { ok: "hello" });
    }
    assert.deepEqual(ours["node-redis wrong password"], {
      error: "WRONGPASS invalid username-password pair or user is disabled.",
    });
    assert.deepEqual(ours["ioredis GET app:x"], { ok: "hello" });
    assert.deepEqual(ours["ioredis GET other"], { error: KEY_DENIED });
    assert.deepEqual(ours["ioredis SET app:x"], { error: denied("set") });
    assert.deepEqual(ours["ioredis SET other"], { error: denied("set") });
    assert.deepEqual(ours["ioredis pipeline"], {
      ok: ["hello", `error: ${denied("set")}`, `error: ${KEY_DENIED}`],
    });
    assert.deepEqual(ours["ioredis multi"], {
      ok: `error: EXECABORT Transaction discarded because of: ${
        denied("exec")
      }`,
    });
    assert.deepEqual(ours["ioredis eval"], { error: denied("eval") });
    if (hasRedisServer()) assert.deepEqual(ours, await runAgainst(true));
  },
});
