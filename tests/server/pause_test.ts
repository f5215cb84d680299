import assert from "node:assert/strict";
import { ClientPause } from "../../lib/server/pause.ts";
import { Client } from "../../lib/server/client.ts";
import { expiry } from "../../lib/store/database.ts";

const transport = { flush() {}, close() {} };

Deno.test("pause: CLIENT PAUSE, FAILOVER and SHUTDOWN each lift only their own pause", () => {
  const pause = new ClientPause();
  const resumed: number[] = [];
  pause.onRelease((client) => resumed.push(client.id));
  const client = new Client(
    1,
    "127.0.0.1:1",
    "127.0.0.1:2",
    8,
    transport,
    true,
  );
  try {
    pause.pause("all", 60_000);
    pause.pauseFor("failover");
    assert.equal(pause.mode, "all");
    pause.hold(client, [new Uint8Array([1])]);
    assert.equal(client.blocked, true);
    // CLIENT UNPAUSE leaves the failover's write pause in force.
    pause.unpause();
    assert.equal(pause.mode, "write");
    assert.equal(client.blocked, true);
    assert.equal(expiry.suspended, true);
    pause.pauseFor("shutdown");
    pause.resumeFor("failover");
    assert.equal(pause.mode, "write");
    assert.deepEqual(resumed, []);
    pause.resumeFor("shutdown");
    assert.equal(pause.mode, null);
    assert.equal(expiry.suspended, false);
    assert.equal(client.blocked, false);
    assert.deepEqual(resumed, [1]);
  } finally {
    pause.unpause();
  }
});
