/**
 * The dispatcher's one execution path, without the network: batches of 16
 * PING, SET, GET and INCR and one MSET of 10 keys, run by a client of a
 * server in this process on a keyspace of 100k keys, replies encoded and
 * taken as the connection would write them. Each batch ends with a
 * microtask turn, where the dispatcher charges the batch's statistics.
 *
 * Run: `deno bench bench/micro/dispatch_bench.ts` (or `deno task bench:micro`).
 *
 * @module
 */

import { utf8 } from "../../lib/util/bytes.ts";
import { inProcessServer } from "../in_process.ts";

const KEYS = 100_000;
const BATCH = 16;

const { server, run } = inProcessServer();

const value = utf8("v".repeat(16));
const keyAt = (i: number) => utf8(`key:${i}`);
await run(
  Array.from({ length: KEYS }, (_, i) => [utf8("SET"), keyAt(i), value]),
);
if (server.keyspace.databases[0].size !== KEYS) throw new Error("not loaded");

let next = 0;
/** `count` pseudo-random keys of the loaded ones. */
function keys(count: number): Uint8Array[] {
  return Array.from({ length: count }, () => {
    next = (next + 7919) % KEYS;
    return keyAt(next);
  });
}

const cases: [string, Uint8Array[][]][] = [
  ["PING", Array.from({ length: BATCH }, () => [utf8("PING")])],
  ["SET", keys(BATCH).map((key) => [utf8("SET"), key, value])],
  ["GET", keys(BATCH).map((key) => [utf8("GET"), key])],
  ["INCR", keys(BATCH).map((_, i) => [utf8("INCR"), utf8(`counter:${i}`)])],
  ["MSET of 10 keys", [
    [utf8("MSET"), ...keys(10).flatMap((key) => [key, value])],
  ]],
];

for (const [name, commands] of cases) {
  Deno.bench({
    name: `${name} (${commands.length} per batch)`,
    group: "dispatch",
    baseline: name === "PING",
    fn: () => run(commands),
  });
}
