/**
 * `deno run -A bench/zset_scaling.ts`: checks that sorted set operations
 * grow logarithmically with the set size. For each size from a thousand to
 * a million members it fills a sorted set and a geo set, then times
 * ZADD, ZPOPMIN, ZRANGE by rank and by score, ZRANK and GEOSEARCH with
 * redis-benchmark (random members and positions), on our server and on
 * redis-server for reference. It first times the skip list alone, in
 * process: random inserts, ranks and deletes at each size.
 *
 * @module
 */

import { SkipList } from "../lib/types/skiplist.ts";
import type { RespClient } from "../tests/helpers/resp_client.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
/** Requests per measurement. */
const OPS = 50_000;
/** Requests pipelined per connection. */
const PIPELINE = 16;
/** Members added per command while filling. */
const CHUNK = 10_000;

/**
 * Requests per second of one command line run by redis-benchmark against
 * `port`, with __rand_int__ drawn below `keyspace`.
 */
async function benchmark(
  port: number,
  keyspace: number,
  args: readonly string[],
): Promise<number> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-n",
      String(OPS),
      "-c",
      "10",
      "-P",
      String(PIPELINE),
      "-r",
      String(keyspace),
      "--csv",
      ...args,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return Number(JSON.parse(`[${lines[lines.length - 1]}]`)[1]);
}

/** Fills "z" with `size` members and "g" with `size` points. */
async function fill(client: RespClient, size: number): Promise<void> {
  for (let i = 0; i < size; i += CHUNK) {
    const zadd = ["ZADD", "z"];
    const geoadd = ["GEOADD", "g"];
    for (let j = i; j < Math.min(size, i + CHUNK); j++) {
      // redis-benchmark writes __rand_int__ as 12 zero-padded digits.
      const id = String(j).padStart(12, "0");
      zadd.push(String(j), `m${id}`);
      const side = Math.ceil(Math.sqrt(size));
      geoadd.push(
        (12 + (j % side) * (2 / side)).toFixed(6),
        (37 + Math.floor(j / side) * (1 / side)).toFixed(6),
        `p${id}`,
      );
    }
    await client.call(...zadd);
    await client.call(...geoadd);
  }
}

/** Measures every operation at every size on one server. */
async function run(server: TestServer): Promise<Map<string, number[]>> {
  const client = await server.connect();
  const results = new Map<string, number[]>();
  const record = (name: string, value: number) => {
    if (!results.has(name)) results.set(name, []);
    results.get(name)!.push(value);
  };
  const cases = (size: number): [string, string[]][] => [
    ["ZADD", ["ZADD", "z", "__rand_int__", "new:__rand_int__"]],
    // The middle of the set: reaching a rank costs O(log n) wherever it is.
    [
      "ZRANGE rank",
      ["ZRANGE", "z", String(size / 2), String(size / 2 + 9)],
    ],
    [
      "ZRANGE score",
      ["ZRANGE", "z", "__rand_int__", "+inf", "BYSCORE", "LIMIT", "0", "10"],
    ],
    ["ZRANK", ["ZRANK", "z", "m__rand_int__"]],
    [
      "GEOSEARCH",
      [
        "GEOSEARCH",
        "g",
        "FROMMEMBER",
        "p__rand_int__",
        "BYRADIUS",
        "1",
        "km",
        "COUNT",
        "10",
      ],
    ],
    ["ZPOPMIN", ["ZPOPMIN", "z"]],
  ];
  try {
    for (const size of SIZES) {
      await client.call("FLUSHALL");
      await fill(client, size);
      for (const [name, args] of cases(size)) {
        record(name, await benchmark(server.port, size, args));
      }
    }
  } finally {
    client.close();
  }
  return results;
}

function print(label: string, results: Map<string, number[]>): void {
  console.log(`\n${label}: operations per second by set size`);
  const header = ["operation", ...SIZES.map((s) => s.toLocaleString("en"))];
  console.log(header.map((h) => h.padStart(14)).join(""));
  for (const [name, values] of results) {
    console.log(
      [name, ...values.map((v) => v.toFixed(0))].map((c) => c.padStart(14))
        .join(""),
    );
  }
}

/**
 * Microseconds per skip list insert, rank and delete of `size` members in
 * random order, all with one score (so every comparison looks at member
 * bytes, as ZADD with a constant score does) and with distinct scores.
 */
function skipListCosts(size: number, sameScore: boolean): number[] {
  // A fixed LCG permutation keeps runs comparable.
  const members: string[] = [];
  let seed = 12345;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    members.push(`m:${String(seed).padStart(12, "0")}`);
  }
  const score = (i: number) => sameScore ? 1 : (i * 7919) % size;
  const list = new SkipList();
  const timed = (op: (i: number) => void) => {
    const start = performance.now();
    for (let i = 0; i < size; i++) op(i);
    return (performance.now() - start) * 1000 / size;
  };
  return [
    timed((i) => list.insert(score(i), members[i])),
    timed((i) => list.rank(score(i), members[i])),
    timed((i) => list.delete(score(i), members[i])),
  ];
}

function printSkipListCosts(): void {
  // Warm up so the first size is not charged with compilation.
  skipListCosts(10_000, true);
  console.log("skip list in process: microseconds per operation");
  console.log(
    ["members", "scores", "insert", "rank", "delete"].map((h) => h.padStart(12))
      .join(""),
  );
  for (const size of SIZES) {
    for (const sameScore of [true, false]) {
      const costs = skipListCosts(size, sameScore);
      console.log(
        [
          size.toLocaleString("en"),
          sameScore ? "equal" : "distinct",
          ...costs.map((c) => c.toFixed(2)),
        ].map((c) => c.padStart(12)).join(""),
      );
    }
  }
}

async function main(): Promise<void> {
  printSkipListCosts();
  const ours = await startOurServer(["--save", ""]);
  try {
    print("ours", await run(ours));
  } finally {
    await ours.stop();
  }
  if (!hasRedisServer()) return;
  const redis = await startRedisServer();
  try {
    print("redis-server", await run(redis));
  } finally {
    await redis.stop();
  }
}

if (import.meta.main) await main();
