/**
 * LATENCY against redis-server: slow commands are recorded per event class,
 * one sample per second, with the same reply shapes and errors.
 */

import assert from "node:assert/strict";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import type { Reply } from "../helpers/resp_client.ts";
import { LATENCY_COMMANDS } from "../../lib/commands/latency.ts";

commandInfoTest(
  "latency",
  LATENCY_COMMANDS[0].subcommands!.map((sub) => ({
    name: `latency|${sub.name}`,
  })),
);

/** LATEST without the time, which differs by a second at most. */
function latest(reply: Reply): unknown[] {
  assert.ok(Array.isArray(reply));
  return reply.map((entry) => {
    const [event, time, last, max] = entry as Reply[];
    assert.ok(Math.abs(Number(time) - Date.now() / 1000) < 60);
    // Each server measured its own sleep: equal within a few ms.
    return [event, Math.round(Number(last) / 10), Math.round(Number(max) / 10)];
  });
}

differentialTest(
  "differential: LATENCY records commands slower than the threshold",
  async (pair) => {
    await pair.same(["LATENCY", "LATEST"]);
    await pair.same(["CONFIG", "SET", "latency-monitor-threshold", "10"]);
    await pair.same(["SET", "k", "v"]);
    await pair.same(["DEBUG", "SLEEP", "0.03"]);
    const [ours, theirs] = await Promise.all([
      pair.ourClient.call("LATENCY", "LATEST"),
      pair.oracleClient.call("LATENCY", "LATEST"),
    ]);
    assert.deepEqual(latest(ours), latest(theirs));
    assert.equal((ours as Reply[][])[0][0], "command");
    const history = await Promise.all([
      pair.ourClient.call("LATENCY", "HISTORY", "command"),
      pair.oracleClient.call("LATENCY", "HISTORY", "command"),
    ]);
    assert.equal((history[0] as Reply[]).length, 1);
    assert.equal((history[1] as Reply[]).length, 1);
    await pair.same(["LATENCY", "HISTORY", "nosuch"]);
    await pair.same(["LATENCY", "RESET", "command", "nosuch"]);
    await pair.same(["LATENCY", "LATEST"]);
    await pair.same(["LATENCY", "RESET"]);
    await pair.same(["LATENCY", "HELP"]);
    await pair.same(["LATENCY"]);
    await pair.same(["LATENCY", "FOO"]);
    await pair.same(["LATENCY", "HISTORY"]);
  },
  { flags: ["--enable-debug-command", "yes"] },
);
