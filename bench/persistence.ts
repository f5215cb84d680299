/**
 * Persistence benchmark, ours against Redis on the same data: load time of
 * an RDB file of 1M small keys, BGSAVE duration of that dataset, and SET
 * throughput with `appendonly yes` and `appendfsync everysec`. Run it with
 * `deno task bench --suite persistence`.
 *
 * @module
 */

import { RespClient } from "../tests/helpers/resp_client.ts";
import { type BenchServer, startServer } from "./servers.ts";

const startOurServer = (flags: string[]) => startServer("ours", flags);
const startRedisServer = (flags: string[]) => startServer("redis", flags);

/** One measured figure for both servers. */
export interface PersistenceResult {
  readonly label: string;
  readonly unit: string;
  readonly ours: number;
  readonly redis: number;
  /** Whether bigger is better (throughput) or smaller (durations). */
  readonly higherIsBetter: boolean;
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!await condition()) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Starts a server on the RDB file in `dir` and returns it with the load
 * time it logged ("DB loaded from disk: <seconds> seconds", as both log).
 */
async function timeLoad(
  start: (flags: string[]) => Promise<BenchServer>,
  dir: string,
  keys: number,
): Promise<[BenchServer, number]> {
  const log = `${dir}/server.log`;
  const server = await start(["--dir", dir, "--save", "", "--logfile", log]);
  const client = await RespClient.connect(server.port);
  try {
    await until(async () => await client.call("DBSIZE") === keys);
  } finally {
    client.close();
  }
  const match = /DB loaded from disk: ([\d.]+) seconds/.exec(
    await Deno.readTextFile(log),
  );
  return [server, match ? Number(match[1]) : NaN];
}

/**
 * Has redis-server write `dir`/dump.rdb holding `keys` small keys (DEBUG
 * POPULATE: key:N, values value:N), the file the benchmarks load.
 */
export async function writePopulatedRdb(
  dir: string,
  keys: number,
): Promise<void> {
  const maker = await startRedisServer([
    "--dir",
    dir,
    "--enable-debug-command",
    "yes",
  ]);
  const client = await maker.connect();
  try {
    await client.call("DEBUG", "POPULATE", String(keys), "key", "10");
    await client.call("SAVE");
  } finally {
    client.close();
    await maker.stop();
  }
}

async function timeBgsave(server: BenchServer): Promise<number> {
  const client = await server.connect();
  try {
    const began = performance.now();
    await client.call("BGSAVE");
    await until(async () =>
      (await client.call("INFO", "persistence") as string).includes(
        "rdb_bgsave_in_progress:0",
      )
    );
    return (performance.now() - began) / 1000;
  } finally {
    client.close();
  }
}

async function setThroughput(
  server: BenchServer,
  requests: number,
): Promise<number> {
  const output = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-t",
      "set",
      "-n",
      String(requests),
      "-c",
      "50",
      "-q",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const match =
    /SET: ([\d.]+) requests per second/.exec(text.split("\r").at(-1) ?? text) ??
      /SET: ([\d.]+) requests per second/.exec(text);
  return match ? Number(match[1]) : NaN;
}

/** Runs the persistence benchmark with `keys` keys in the RDB file. */
export async function runPersistenceBench(
  keys = 1_000_000,
  requests = 100_000,
): Promise<PersistenceResult[]> {
  const dir = await Deno.makeTempDir({ prefix: "bench-persistence-" });
  const results: PersistenceResult[] = [];
  try {
    // Redis writes the file both servers load.
    await writePopulatedRdb(dir, keys);
    const ourDir = `${dir}/ours`;
    const redisDir = `${dir}/redis`;
    for (const d of [ourDir, redisDir]) {
      await Deno.mkdir(d);
      await Deno.copyFile(`${dir}/dump.rdb`, `${d}/dump.rdb`);
    }

    const [ours, ourLoad] = await timeLoad(startOurServer, ourDir, keys);
    let ourSave: number;
    try {
      ourSave = await timeBgsave(ours);
    } finally {
      await ours.stop();
    }
    const [redis, redisLoad] = await timeLoad(startRedisServer, redisDir, keys);
    let redisSave: number;
    try {
      redisSave = await timeBgsave(redis);
    } finally {
      await redis.stop();
    }
    results.push(
      {
        label: `RDB load, ${keys} keys`,
        unit: "s",
        ours: ourLoad,
        redis: redisLoad,
        higherIsBetter: false,
      },
      {
        label: `BGSAVE, ${keys} keys`,
        unit: "s",
        ours: ourSave,
        redis: redisSave,
        higherIsBetter: false,
      },
    );

    const aofFlags = [
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--save",
      "",
    ];
    const oursAof = await startOurServer(aofFlags);
    let ourSets: number;
    try {
      ourSets = await setThroughput(oursAof, requests);
    } finally {
      await oursAof.stop();
    }
    const redisAof = await startRedisServer(aofFlags);
    let redisSets: number;
    try {
      redisSets = await setThroughput(redisAof, requests);
    } finally {
      await redisAof.stop();
    }
    results.push({
      label: "SET, appendonly everysec",
      unit: "req/s",
      ours: ourSets,
      redis: redisSets,
      higherIsBetter: true,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return results;
}
