/**
 * `deno run -A bench/zset_scaling.ts`: checks that sorted set operations
 * grow logarithmically with the set size. For each size from a thousand to
 * a million members it fills a sorted set and a geo set, then times
 * pipelined batches of ZADD, ZPOPMIN, ZRANGE by rank and by score, ZRANK and
 * GEOSEARCH, on our server and, when installed, on redis-server.
 *
 * @module
 */

import {
  encodeCommand,
  type RespClient,
} from "../tests/helpers/resp_client.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
/** Operations timed per measurement. */
const OPS = 10_000;
/** Commands sent per pipelined batch. */
const BATCH = 50;
/** Members added per command while filling. */
const CHUNK = 10_000;

/** Sends `commands` in pipelined batches and waits for every reply. */
async function pipeline(
  client: RespClient,
  commands: readonly (readonly string[])[],
): Promise<void> {
  for (let i = 0; i < commands.length; i += BATCH) {
    const parts = commands.slice(i, i + BATCH).map((c) => encodeCommand(c));
    let total = 0;
    for (const p of parts) total += p.length;
    const joined = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      joined.set(p, pos);
      pos += p.length;
    }
    await client.write(joined);
    for (let j = 0; j < parts.length; j++) await client.readRaw();
  }
}

/** Operations per second for `commands`. */
async function measure(
  client: RespClient,
  commands: readonly (readonly string[])[],
): Promise<number> {
  const start = performance.now();
  await pipeline(client, commands);
  return commands.length / ((performance.now() - start) / 1000);
}

/** A random integer below `n` (the same sequence on both servers). */
function randomBelow(state: { seed: number }, n: number): number {
  state.seed = (state.seed * 1103515245 + 12345) % 2147483648;
  return state.seed % n;
}

/** Fills "z" with `size` members and "g" with `size` points. */
async function fill(client: RespClient, size: number): Promise<void> {
  for (let i = 0; i < size; i += CHUNK) {
    const zadd = ["ZADD", "z"];
    const geoadd = ["GEOADD", "g"];
    for (let j = i; j < Math.min(size, i + CHUNK); j++) {
      zadd.push(String(j), `m${j}`);
      const side = Math.ceil(Math.sqrt(size));
      geoadd.push(
        (12 + (j % side) * (2 / side)).toFixed(6),
        (37 + Math.floor(j / side) * (1 / side)).toFixed(6),
        `p${j}`,
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
  try {
    for (const size of SIZES) {
      await client.call("FLUSHALL");
      await fill(client, size);
      const state = { seed: 42 };
      const rand = () => randomBelow(state, size);
      const ops = (make: (i: number) => string[]) =>
        Array.from({ length: OPS }, (_, i) => make(i));
      record(
        "ZADD",
        await measure(
          client,
          ops((i) => ["ZADD", "z", String(rand()), `n${i}`]),
        ),
      );
      record(
        "ZRANGE rank",
        await measure(
          client,
          ops(() => {
            const r = String(rand());
            return ["ZRANGE", "z", r, r + "9"];
          }),
        ),
      );
      record(
        "ZRANGE score",
        await measure(
          client,
          ops(
            () => [
              "ZRANGE",
              "z",
              String(rand()),
              "+inf",
              "BYSCORE",
              "LIMIT",
              "0",
              "10",
            ],
          ),
        ),
      );
      record(
        "ZRANK",
        await measure(client, ops(() => ["ZRANK", "z", `m${rand()}`])),
      );
      record(
        "GEOSEARCH",
        await measure(
          client,
          ops(() => [
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            `p${rand()}`,
            "BYRADIUS",
            "2",
            "km",
            "COUNT",
            "10",
          ]),
        ),
      );
      record("ZPOPMIN", await measure(client, ops(() => ["ZPOPMIN", "z"])));
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

async function main(): Promise<void> {
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
