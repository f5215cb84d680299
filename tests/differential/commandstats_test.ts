/**
 * INFO commandstats counts commands run by EXEC and blocked commands (served,
 * timed out, unblocked) the way redis-server 7.0 counts them: the same script
 * on both servers, then calls, rejected_calls and failed_calls compared.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { waitBlocked } from "../helpers/servers.ts";

/** Per-command counters without the timings, which differ. */
function counters(info: string): string[] {
  return info.split("\r\n")
    .filter((line) => line.startsWith("cmdstat_"))
    .filter((line) => !line.startsWith("cmdstat_info:"))
    .map((line) => line.replace(/usec=\d+,usec_per_call=[\d.]+,/, ""))
    .sort();
}

/** total_commands_processed less the INFO calls made while waiting. */
function commandsProcessed(stats: string, commandstats: string): number {
  const total = Number(/total_commands_processed:(\d+)/.exec(stats)![1]);
  const info = /cmdstat_info:calls=(\d+)/.exec(commandstats);
  return total - (info === null ? 0 : Number(info[1]));
}

/**
 * Runs `blocking` on a second client of each server, waits until it
 * blocks, runs `wake` on the main clients, and checks both blocked clients
 * got the same reply.
 */
async function blockThen(
  pair: Pair,
  blocked: [RespClient, RespClient],
  blocking: string[],
  wake: (pair: Pair) => Promise<void>,
): Promise<void> {
  const replies = blocked.map((client) => client.callRaw(...blocking));
  await waitBlocked(pair.ourClient, 1);
  await waitBlocked(pair.oracleClient, 1);
  await wake(pair);
  const [ours, theirs] = await Promise.all(replies);
  assert.deepEqual(ours, theirs, JSON.stringify(blocking));
}

differentialTest(
  "differential: INFO commandstats counts EXEC'd and blocked commands like redis-server",
  async (pair) => {
    const blocked: [RespClient, RespClient] = [
      await pair.ours.connect(),
      await pair.oracle.connect(),
    ];
    try {
      const ids = await Promise.all(blocked.map((c) => c.call("CLIENT", "ID")));
      await pair.same(["CONFIG", "RESETSTAT"]);

      // Commands run by EXEC count each; errors inside fail only their command.
      await pair.same(["MULTI"]);
      await pair.same(["SET", "a", "1"]);
      await pair.same(["INCR", "a"]);
      await pair.same(["LPUSH", "a", "x"]);
      await pair.same(["EXEC"]);
      // A rejected command aborts EXEC.
      await pair.same(["MULTI"]);
      await pair.same(["SET", "a"]);
      await pair.same(["GET", "a"]);
      await pair.same(["EXEC"]);
      await pair.same(["EXEC"]);

      // Blocked commands count once, when served or timed out.
      await blockThen(pair, blocked, ["BLPOP", "l", "0"], async (p) => {
        await p.same(["RPUSH", "l", "v"]);
      });
      await pair.same(["BLPOP", "l", "0.01"]);
      await pair.same(["RPUSH", "src", "v0"]);
      await pair.same(["BLMOVE", "src", "dst", "left", "right", "0"]);
      await blockThen(
        pair,
        blocked,
        ["BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"],
        async (p) => {
          await p.same(["DEL", "dst"]);
          await p.same(["SET", "dst", "string"]);
          await p.same(["RPUSH", "src", "v"]);
        },
      );
      await blockThen(
        pair,
        blocked,
        ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"],
        async (p) => {
          await p.both(["XADD", "s", "1-1", "f", "v"]);
        },
      );
      await blockThen(pair, blocked, ["BZPOPMIN", "z", "0"], async () => {
        await pair.ourClient.call("CLIENT", "UNBLOCK", String(ids[0]));
        await pair.oracleClient.call("CLIENT", "UNBLOCK", String(ids[1]));
      });
      await blockThen(pair, blocked, ["BRPOP", "l", "0"], async () => {
        await pair.ourClient.call(
          "CLIENT",
          "UNBLOCK",
          String(ids[0]),
          "ERROR",
        );
        await pair.oracleClient.call(
          "CLIENT",
          "UNBLOCK",
          String(ids[1]),
          "ERROR",
        );
      });

      const [ours, theirs] = await pair.both(["INFO", "commandstats"]);
      assert.deepEqual(counters(ours), counters(theirs));
      const [ourStats, theirStats] = await pair.both(["INFO", "stats"]);
      assert.equal(
        commandsProcessed(ourStats, ours),
        commandsProcessed(theirStats, theirs),
      );
      await pair.same(["INFO", "errorstats"]);
    } finally {
      for (const client of blocked) client.close();
    }
  },
);

/** The script cases of the errorstats test: each alone after a reset. */
const SCRIPT_ERROR_CASES = [
  "return redis.error_reply('MY err')",
  "return redis.error_reply('-CODE with dash')",
  "return redis.error_reply('nospace')",
  "return {err='X y'}",
  "return {err='-MINUS x'}",
  "return {err='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA x'}",
  "return {err='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA x'}",
  "return {1, {err='NESTED e'}}",
  "return redis.pcall('incr', 'x', 'y')",
  "return redis.call('incr', 'x', 'y')",
  "return redis.pcall('nosuch')",
  "return redis.call('nosuch')",
  "return redis.pcall('debug', 'sleep', '0')",
  "redis.call('set', 's', 'a'); return redis.pcall('lpush', 's', 'x')",
  "redis.call('set', 's', 'a'); return redis.call('lpush', 's', 'x')",
  "local t = redis.pcall('incr', 'x', 'y'); t.ignore_error_stats_update = nil; return t",
  "error(redis.pcall('incr', 'x', 'y'))",
  "return redis.pcall()",
  "return redis.call()",
  "error('boom')",
  "error({err='-E y'})",
];

differentialTest(
  "differential: INFO errorstats and commandstats count script errors like redis-server",
  async (pair) => {
    for (const script of SCRIPT_ERROR_CASES) {
      await pair.same(["CONFIG", "RESETSTAT"]);
      await pair.same(["DEL", "s"]);
      await pair.same(["EVAL", script, "0"], `${script}: `);
      await pair.same(["INFO", "errorstats"], `${script}: `);
      const [ours, theirs] = await pair.both(["INFO", "commandstats"]);
      assert.deepEqual(counters(ours), counters(theirs), script);
    }
    // EVAL_RO's refusal of a write, and ACL denials inside scripts.
    await pair.same(["CONFIG", "RESETSTAT"]);
    await pair.same(["EVAL_RO", "return redis.pcall('set', 'a', 'b')", "0"]);
    await pair.same(["ACL", "SETUSER", "u", "on", "nopass", "+@all", "-get"]);
    await pair.same(["AUTH", "u", "x"]);
    await pair.same(["EVAL", "return redis.pcall('get', 'x')", "0"]);
    await pair.same(["AUTH", "default", "x"]);
    await pair.same(["INFO", "errorstats"]);
    const [ours, theirs] = await pair.both(["INFO", "commandstats"]);
    assert.deepEqual(counters(ours), counters(theirs));
    // DEBUG ERROR's reply is raw: no error counted, DEBUG not failed.
    await pair.same(["CONFIG", "RESETSTAT"]);
    await pair.same(["DEBUG", "ERROR", "CODE a\r\nb"]);
    await pair.same(["INFO", "errorstats"]);
    const after = await pair.both(["INFO", "commandstats"]);
    assert.deepEqual(counters(after[0]), counters(after[1]));
  },
  { flags: ["--enable-debug-command", "yes"] },
);
