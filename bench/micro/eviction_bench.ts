/**
 * SET under maxmemory without the network: batches of 16 SETs of keys
 * drawn from a million, on a server in this process allowed 8 MB of data, so
 * that nearly every SET stores a new key and evicts one (sampling, pool,
 * delete, notifications). The server is made before the batches: it
 * counts the heap of the process at its creation (used_memory_startup) as
 * its own, so a heap grown first would leave no room under the limit.
 *
 * Run: `deno bench bench/micro/eviction_bench.ts` (or `deno task bench:micro`).
 *
 * @module
 */

import { utf8 } from "../../lib/util/bytes.ts";
import { inProcessServer } from "../in_process.ts";

const BATCH = 16;
/** Batches cycled through: enough distinct keys to keep evicting. */
const BATCHES = 20_000;

// Made first: the server counts the heap it starts with as its own.
const { server, run } = inProcessServer();

let seed = 12345;
/** A deterministic pseudo-random key of a million. */
function randomKey(): Uint8Array {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return utf8(`key:${String(seed % 1_000_000).padStart(12, "0")}`);
}

const SET = utf8("SET");
const value = utf8("xxx");
const batches = Array.from(
  { length: BATCHES },
  () => Array.from({ length: BATCH }, () => [SET, randomKey(), value]),
);

// 8 MB of data over what the server started with.
const maxmemory = server.memory.startup + 8 * 1024 * 1024;
await run([
  ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"].map(utf8),
  ["CONFIG", "SET", "maxmemory", String(maxmemory)].map(utf8),
]);
for (const batch of batches) await run(batch);
if (server.stats.evictedKeys === 0) throw new Error("no eviction");

let next = 0;
Deno.bench({
  name: `SET x${BATCH} of new keys, each evicting one (allkeys-lru)`,
  group: "maxmemory",
  fn: () => run(batches[next++ % BATCHES]),
});
