/**
 * maxmemory against redis-server: with a limit far below the memory in use
 * (1 byte) both servers are always out of memory, so the outcome does not
 * depend on how each counts its bytes: which commands get Redis's OOM
 * error (denyoom ones, anything queued in MULTI but EXEC and DISCARD,
 * scripts by their flags), which keys each policy evicts, and how
 * evictions show (evicted_keys, "evicted" events).
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";

const FLAGS = { flags: ["--enable-debug-command", "yes"] };

/** Keys with and without a TTL, written before the limit is set. */
async function fill(pair: Pair): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await pair.same(["SET", `plain:${i}`, "x".repeat(100)]);
    await pair.same(["SET", `ttl:${i}`, "y".repeat(100), "EX", `${1000 + i}`]);
  }
  await pair.same(["HSET", "hash", "f", "v"]);
  await pair.same(["EXPIRE", "hash", "5000"]);
}

differentialTest(
  "differential: noeviction above maxmemory refuses what may grow memory",
  async (pair) => {
    await fill(pair);
    await pair.same(["CONFIG", "SET", "maxmemory", "1"]);
    await pair.same(["SET", "new", "v"]);
    await pair.same(["INCR", "counter"]);
    await pair.same(["LPUSH", "list", "a"]);
    await pair.same(["APPEND", "plain:1", "more"]);
    // Reads, deletions and admin commands still run.
    await pair.same(["GET", "plain:1"]);
    await pair.same(["DEL", "plain:2"]);
    await pair.same(["EXPIRE", "plain:3", "100"]);
    await pair.same(["DBSIZE"]);
    await pair.same(["PING"]);
    // In MULTI everything but EXEC and DISCARD is refused; EXEC aborts.
    await pair.same(["MULTI"]);
    await pair.same(["GET", "plain:1"]);
    await pair.same(["SET", "a", "b"]);
    await pair.same(["EXEC"]);
    await pair.same(["MULTI"]);
    await pair.same(["PING"]);
    await pair.same(["DISCARD"]);
    // Scripts without flags fail at their first denyoom command.
    await pair.same(["EVAL", "return redis.call('get', 'plain:1')", "0"]);
    await pair.same(["EVAL", "return redis.call('set', 'a', 'b')", "0"]);
    await pair.same(["EVAL", "return redis.pcall('set', 'a', 'b')", "0"]);
    await pair.same([
      "EVAL",
      "redis.call('del', 'plain:4'); return redis.pcall('set', 'a', 'b')",
      "0",
    ]);
    // Scripts with flags are refused up front unless allow-oom or no-writes.
    await pair.same([
      "EVAL",
      "#!lua\nreturn redis.call('get', 'plain:1')",
      "0",
    ]);
    await pair.same([
      "EVAL",
      "#!lua flags=allow-oom\nreturn redis.call('set', 'a', 'b')",
      "0",
    ]);
    await pair.same([
      "EVAL",
      "#!lua flags=no-writes\nreturn redis.call('get', 'a')",
      "0",
    ]);
    await pair.same(["INFO", "errorstats"]);
    await pair.same(["CONFIG", "SET", "maxmemory", "0"]);
    await pair.same(["SET", "new", "v"]);
    await pair.same(["EXISTS", "plain:1", "ttl:1"]);
  },
  FLAGS,
);

/** Evicted keys of a stats line. */
function evictedKeys(info: string): number {
  return Number(/evicted_keys:(\d+)/.exec(info)![1]);
}

for (
  const [policy, survivors] of [
    ["allkeys-lru", []],
    ["allkeys-lfu", []],
    ["allkeys-random", []],
    ["volatile-lru", ["plain:"]],
    ["volatile-lfu", ["plain:"]],
    ["volatile-random", ["plain:"]],
    ["volatile-ttl", ["plain:"]],
  ] as const
) {
  differentialTest(
    `differential: ${policy} evicts every eligible key when nothing else helps`,
    async (pair) => {
      await fill(pair);
      await pair.same(["SELECT", "3"]);
      await pair.same(["SET", "other-db", "v", "EX", "1000"]);
      await pair.same(["SELECT", "0"]);
      await pair.same(["CONFIG", "SET", "maxmemory-policy", policy]);
      // No time budget: a slow first eviction must not defer to the timer.
      await pair.same(["CONFIG", "SET", "maxmemory-eviction-tenacity", "100"]);
      await pair.same(["CONFIG", "SET", "notify-keyspace-events", "Ee"]);
      const listeners = await Promise.all([
        pair.ours.connect(),
        pair.oracle.connect(),
      ]);
      try {
        for (const listener of listeners) {
          await listener.call("PSUBSCRIBE", "__keyevent@*__:evicted");
        }
        await pair.same(["CONFIG", "SET", "maxmemory", "1"]);
        // Evictions run before each command; with nothing left to evict
        // a write is refused.
        await pair.same(["SET", "new", "v"]);
        await pair.sameUnordered(["KEYS", "*"]);
        const keys = await pair.ourClient.call("KEYS", "*") as string[];
        assert.ok(
          keys.every((key) => survivors.some((p) => key.startsWith(p))),
          `${policy} left ${keys}`,
        );
        await pair.same(["SELECT", "3"]);
        await pair.same(["DBSIZE"]);
        await pair.same(["SELECT", "0"]);
        const [ours, theirs] = await pair.both(["INFO", "stats"]);
        assert.equal(evictedKeys(ours), evictedKeys(theirs));
        const evicted = await Promise.all(listeners.map(async (listener) => {
          const events: string[] = [];
          for (let i = 0; i < evictedKeys(ours); i++) {
            const message = await listener.read() as string[];
            events.push(`${message[2]} ${message[3]}`);
          }
          return events.sort();
        }));
        assert.deepEqual(evicted[0], evicted[1]);
        await pair.same(["CONFIG", "SET", "maxmemory", "0"]);
        await pair.same(["SET", "new", "v"]);
      } finally {
        for (const listener of listeners) listener.close();
      }
    },
    FLAGS,
  );
}
