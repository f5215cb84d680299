/**
 * `deno run -A bench/collections_scaling.ts`: checks that list push/pop,
 * HSET and SADD cost the same whether the key holds a thousand or a million
 * elements. For each size it fills a list, a hash and a set, then times
 * pipelined batches of operations that keep the size steady (push + pop,
 * and a hash or set used as a queue: the oldest element deleted, a new one
 * added) or add new elements (HSET, SADD), on our server and, when
 * installed, on redis-server for reference.
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
const OPS = 30_000;
/** Commands sent per pipelined batch. */
const BATCH = 500;
/** Elements added per command while filling. */
const CHUNK = 10_000;

/** Sends `commands` in pipelined batches and waits for every reply. */
async function pipeline(
  client: RespClient,
  commands: readonly (readonly string[])[],
): Promise<void> {
  for (let i = 0; i < commands.length; i += BATCH) {
    const batch = commands.slice(i, i + BATCH);
    const parts = batch.map((c) => encodeCommand(c));
    let total = 0;
    for (const p of parts) total += p.length;
    const joined = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      joined.set(p, pos);
      pos += p.length;
    }
    await client.write(joined);
    for (let j = 0; j < batch.length; j++) await client.readRaw();
  }
}

/** Fills `key` with `size` elements using `command` (RPUSH, HSET, SADD). */
async function fill(
  client: RespClient,
  command: string,
  key: string,
  size: number,
  pairs: boolean,
): Promise<void> {
  for (let i = 0; i < size; i += CHUNK) {
    const args = [command, key];
    for (let j = i; j < Math.min(size, i + CHUNK); j++) {
      args.push(`e${j}`);
      if (pairs) args.push("v");
    }
    await client.call(...args);
  }
}

/** Timed runs per measurement; the best counts, as noise only slows runs. */
const RUNS = 3;

/** Operations per second for the commands `make(run)` builds, best of RUNS. */
async function measure(
  client: RespClient,
  make: (run: number) => string[][],
): Promise<number> {
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    const commands = make(run);
    const start = performance.now();
    await pipeline(client, commands);
    const rate = commands.length / ((performance.now() - start) / 1000);
    best = Math.max(best, rate);
  }
  return best;
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
      await fill(client, "RPUSH", "list", size, false);
      await fill(client, "HSET", "hash", size, true);
      await fill(client, "SADD", "set", size, false);
      record(
        "RPUSH+LPOP",
        await measure(client, () => {
          const commands: string[][] = [];
          for (let i = 0; i < OPS / 2; i++) {
            commands.push(["RPUSH", "list", "x"], ["LPOP", "list"]);
          }
          return commands;
        }),
      );
      // Elements e0, e1... in insertion order: each pair deletes the oldest.
      let oldest = 0;
      const queue = (del: string, add: string, key: string, value: string[]) =>
        measure(client, () => {
          const commands: string[][] = [];
          for (let i = 0; i < OPS / 2; i++, oldest++) {
            commands.push(
              [del, key, `e${oldest}`],
              [add, key, `e${oldest + size}`, ...value],
            );
          }
          return commands;
        });
      record("HDEL+HSET", await queue("HDEL", "HSET", "hash", ["v"]));
      oldest = 0;
      record("SREM+SADD", await queue("SREM", "SADD", "set", []));
      record(
        "HSET",
        await measure(client, (run) =>
          Array.from(
            { length: OPS },
            (_, i) => ["HSET", "hash", `new${run}:${i}`, "v"],
          )),
      );
      record(
        "SADD",
        await measure(
          client,
          (run) =>
            Array.from(
              { length: OPS },
              (_, i) => ["SADD", "set", `new${run}:${i}`],
            ),
        ),
      );
    }
  } finally {
    client.close();
  }
  return results;
}

function print(label: string, results: Map<string, number[]>): void {
  console.log(`\n${label}: operations per second by key size`);
  const header = ["operation", ...SIZES.map((s) => s.toLocaleString("en"))];
  console.log(header.map((h) => h.padStart(12)).join(""));
  for (const [name, values] of results) {
    console.log(
      [name, ...values.map((v) => v.toFixed(0))].map((c) => c.padStart(12))
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
