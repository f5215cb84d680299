/**
 * SLOWLOG against redis-server: with slowlog-log-slower-than 0 every
 * command is logged, so the same commands must leave the same entries
 * (durations, times and client ports aside).
 */

import assert from "node:assert/strict";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import type { Reply } from "../helpers/resp_client.ts";
import { SLOWLOG_COMMANDS } from "../../lib/commands/slowlog.ts";

/** SLOWLOG GET's entries without the fields that differ between servers. */
function comparable(reply: Reply): unknown[] {
  assert.ok(Array.isArray(reply));
  return reply.map((entry) => {
    assert.ok(Array.isArray(entry) && entry.length === 6, String(entry));
    const [id, time, micros, args, peer, name] = entry;
    assert.equal(typeof id, "number");
    assert.ok(Math.abs(Number(time) - Date.now() / 1000) < 60);
    assert.ok(Number(micros) >= 0);
    assert.match(String(peer), /^127\.0\.0\.1:\d+$/);
    return [id, args, name];
  });
}

// Redis lists a container's subcommands in its dict's order, which varies
// from run to run, so each is compared on its own.
commandInfoTest(
  "slowlog",
  SLOWLOG_COMMANDS[0].subcommands!.map((sub) => ({
    name: `slowlog|${sub.name}`,
  })),
);

differentialTest(
  "differential: SLOWLOG logs what redis-server logs, shortened the same way",
  async (pair) => {
    await pair.same(["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    await pair.same(["SET", "k", "v"]);
    await pair.same(["CLIENT", "SETNAME", "myname"]);
    await pair.same([
      "RPUSH",
      "l",
      ...Array.from({ length: 40 }, (_, i) => String(i)),
    ]);
    await pair.same(["SET", "big", "a".repeat(300)]);
    await pair.same(["AUTH", "secret"]);
    await pair.same([
      "CONFIG",
      "SET",
      "masterauth",
      "hidden",
      "maxclients",
      "100",
    ]);
    await pair.same(["MULTI"]);
    await pair.same(["SET", "a", "1"]);
    await pair.same(["EXEC"]);
    await pair.same(["GET"]);
    await pair.same(["SLOWLOG", "LEN"]);
    const [ours, theirs] = await Promise.all([
      pair.ourClient.call("SLOWLOG", "GET", "-1"),
      pair.oracleClient.call("SLOWLOG", "GET", "-1"),
    ]);
    assert.deepEqual(comparable(ours), comparable(theirs));
    for (const count of ["0", "2", "-2", "abc"]) {
      const [a, b] = await Promise.all([
        pair.ourClient.call("SLOWLOG", "GET", count),
        pair.oracleClient.call("SLOWLOG", "GET", count),
      ]);
      if (Array.isArray(a)) assert.deepEqual(comparable(a), comparable(b));
      else assert.deepEqual(a, b);
    }
    await pair.same(["SLOWLOG", "HELP"]);
    await pair.same(["SLOWLOG", "RESET"]);
    await pair.same(["SLOWLOG", "LEN"]);
    await pair.same(["CONFIG", "SET", "slowlog-max-len", "2"]);
    await pair.same(["SET", "k", "w"]);
    await pair.same(["SLOWLOG", "LEN"]);
    // A negative threshold turns the log off.
    await pair.same(["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
    await pair.same(["SLOWLOG", "RESET"]);
    await pair.same(["SET", "k", "x"]);
    await pair.same(["SLOWLOG", "LEN"]);
    await pair.same(["SLOWLOG", "NOSUCH"]);
  },
);

differentialTest(
  "differential: only commands slower than the threshold are logged",
  async (pair) => {
    await pair.same(["CONFIG", "SET", "slowlog-log-slower-than", "20000"]);
    await pair.same(["SET", "k", "v"]);
    await pair.same(["DEBUG", "SLEEP", "0.05"]);
    await pair.same(["SLOWLOG", "LEN"]);
    const [ours, theirs] = await Promise.all([
      pair.ourClient.call("SLOWLOG", "GET"),
      pair.oracleClient.call("SLOWLOG", "GET"),
    ]);
    assert.deepEqual(comparable(ours), comparable(theirs));
    const micros = Number((ours as Reply[][])[0][2]);
    assert.ok(micros >= 45_000 && micros < 1_000_000, String(micros));
  },
  { flags: ["--enable-debug-command", "yes"] },
);
