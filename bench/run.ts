/**
 * `deno task bench [options]`: runs redis-benchmark against our server and
 * Debian's redis-server, started side by side on free loopback ports, and
 * prints requests per second for both and the ratio ours/redis.
 *
 * Each case runs against both servers back to back with the same
 * parameters, so machine noise affects both alike; compare ratios, not
 * absolute numbers.
 *
 * Options:
 *   -n <requests>      requests per run (default 100000)
 *   -c <clients>       parallel connections (default 50)
 *   -P <list>          pipeline depths, comma separated (default "1,16")
 *   -r <keyspace>      random keys in __rand_int__ (default: none)
 *   --suite <name>     run only this suite (repeatable; default: all);
 *                      "persistence" is the RDB load / BGSAVE / AOF suite
 *   --persistence-keys <n>  keys in its RDB file (default 1000000)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runPersistenceBench } from "./persistence.ts";
import { SUITES } from "./suites.ts";
import type { BenchCase, BenchSuite } from "./suite.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
  type TestServer,
} from "../tests/helpers/servers.ts";

/** Parameters shared by every redis-benchmark run. */
interface BenchOptions {
  requests: number;
  clients: number;
  pipelines: number[];
  keyspace: number | null;
  suites: string[];
  /** Keys in the RDB file of the persistence benchmark. */
  persistenceKeys: number;
}

/** One row of the result table. */
interface BenchRow {
  suite: string;
  label: string;
  pipeline: number;
  /** Requests per second, or the reason the run failed. */
  ours: number | string;
  redis: number | string | null;
}

const USAGE =
  "usage: deno task bench [-n requests] [-c clients] [-P 1,16] [-r keyspace] [--suite name]... [--persistence-keys N]";

function usage(message: string): never {
  console.error(message);
  console.error(USAGE);
  Deno.exit(2);
}

function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) usage(`${flag} needs a positive integer`);
  return n;
}

function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        n: { type: "string", short: "n" },
        c: { type: "string", short: "c" },
        P: { type: "string", short: "P" },
        r: { type: "string", short: "r" },
        suite: { type: "string", multiple: true },
        "persistence-keys": { type: "string" },
      },
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  return {
    requests: values.n === undefined ? 100_000 : positiveInt(values.n, "-n"),
    clients: values.c === undefined ? 50 : positiveInt(values.c, "-c"),
    pipelines: values.P === undefined
      ? [1, 16]
      : values.P.split(",").map((p) => positiveInt(p, "-P")),
    keyspace: values.r === undefined ? null : positiveInt(values.r, "-r"),
    suites: values.suite ?? [],
    persistenceKeys: values["persistence-keys"] === undefined
      ? 1_000_000
      : positiveInt(values["persistence-keys"], "--persistence-keys"),
  };
}

/** Runs one case with redis-benchmark against `port`; returns requests/s. */
async function runCase(
  port: number,
  benchCase: BenchCase,
  pipeline: number,
  options: BenchOptions,
): Promise<number> {
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-n",
    String(options.requests),
    "-c",
    String(options.clients),
    "-P",
    String(pipeline),
    "--csv",
  ];
  if (options.keyspace !== null) args.push("-r", String(options.keyspace));
  args.push(...benchCase.args);
  const out = await new Deno.Command("redis-benchmark", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `redis-benchmark failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  // --csv prints a header row, then "test","rps",... for the test run.
  const row = text.split("\n").find((line) =>
    line.startsWith('"') && !line.startsWith('"test"')
  );
  const rps = row === undefined ? NaN : Number(row.split(",")[1]?.slice(1, -1));
  if (!Number.isFinite(rps)) {
    throw new Error(`unexpected redis-benchmark output:\n${text}`);
  }
  return rps;
}

async function prepare(server: TestServer, benchCase: BenchCase) {
  if (benchCase.setup === undefined) return;
  const client = await server.connect();
  try {
    for (const command of benchCase.setup) await client.call(...command);
  } finally {
    client.close();
  }
}

/** Like runCase, but a failed run yields its error text instead of throwing. */
async function tryCase(
  port: number,
  benchCase: BenchCase,
  pipeline: number,
  options: BenchOptions,
): Promise<number | string> {
  try {
    return await runCase(port, benchCase, pipeline, options);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return "failed";
  }
}

function formatRps(rps: number | string | null): string {
  if (rps === null) return "-";
  return typeof rps === "number" ? rps.toFixed(0) : rps;
}

function formatTable(rows: readonly BenchRow[]): string {
  const header = ["suite", "test", "-P", "ours rps", "redis rps", "ours/redis"];
  const lines = rows.map((r) => [
    r.suite,
    r.label,
    String(r.pipeline),
    formatRps(r.ours),
    formatRps(r.redis),
    typeof r.ours === "number" && typeof r.redis === "number"
      ? (r.ours / r.redis).toFixed(2)
      : "-",
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map((l) => l[i].length))
  );
  const format = (cells: string[]) =>
    cells.map((c, i) => i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))
      .join("  ");
  return [format(header), ...lines.map(format)].join("\n");
}

async function main(): Promise<void> {
  const options = parseOptions(Deno.args);
  const all = options.suites.length === 0;
  const selected: BenchSuite[] = all ? [...SUITES] : options.suites
    .filter((name) => name !== "persistence")
    .map((name) =>
      SUITES.find((s) => s.name === name) ?? usage(`unknown suite ${name}`)
    );
  const withPersistence = all || options.suites.includes("persistence");
  const withRedis = hasRedisServer();
  if (!withRedis) {
    console.error("redis-server not found: measuring our server only");
  }
  const ours = await startOurServer(["--save", ""]);
  let redis: TestServer | null = null;
  const rows: BenchRow[] = [];
  try {
    if (withRedis) redis = await startRedisServer();
    for (const suite of selected) {
      for (const benchCase of suite.cases) {
        for (const pipeline of options.pipelines) {
          await prepare(ours, benchCase);
          const oursRps = await tryCase(
            ours.port,
            benchCase,
            pipeline,
            options,
          );
          let redisRps: number | string | null = null;
          if (redis !== null) {
            await prepare(redis, benchCase);
            redisRps = await tryCase(redis.port, benchCase, pipeline, options);
          }
          const row = {
            suite: suite.name,
            label: benchCase.label,
            pipeline,
            ours: oursRps,
            redis: redisRps,
          };
          rows.push(row);
          console.error(formatTable([row]).split("\n")[1]);
        }
      }
    }
  } finally {
    await ours.stop();
    await redis?.stop();
  }
  console.log(
    `\nredis-benchmark -n ${options.requests} -c ${options.clients}${
      options.keyspace === null ? "" : ` -r ${options.keyspace}`
    }\n`,
  );
  if (rows.length > 0) console.log(formatTable(rows));
  if (withPersistence && withRedis) {
    console.log("\npersistence (same RDB file for both servers)\n");
    for (
      const r of await runPersistenceBench(
        options.persistenceKeys,
        options.requests,
      )
    ) {
      const digits = r.unit === "s" ? 2 : 0;
      console.log(
        `${r.label.padEnd(30)} ours ${r.ours.toFixed(digits).padStart(9)} ${
          r.unit.padEnd(5)
        }` +
          ` redis ${r.redis.toFixed(digits).padStart(9)} ${
            r.unit.padEnd(5)
          } ours/redis ${(r.ours / r.redis).toFixed(2)}`,
      );
    }
  }
}

if (import.meta.main) await main();
