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
 *   --suite <name>     run only this suite (repeatable; default: all)
 *
 * @module
 */

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

function usage(message: string): never {
  console.error(message);
  console.error(
    "usage: deno task bench [-n requests] [-c clients] [-P 1,16] [-r keyspace] [--suite name]...",
  );
  Deno.exit(2);
}

function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) usage(`${flag} needs a positive integer`);
  return n;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    requests: 100_000,
    clients: 50,
    pipelines: [1, 16],
    keyspace: null,
    suites: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "-n":
        options.requests = positiveInt(value, flag);
        break;
      case "-c":
        options.clients = positiveInt(value, flag);
        break;
      case "-P":
        options.pipelines = (value ?? "").split(",").map((p) =>
          positiveInt(p, flag)
        );
        break;
      case "-r":
        options.keyspace = positiveInt(value, flag);
        break;
      case "--suite":
        if (value === undefined) usage("--suite needs a name");
        options.suites.push(value);
        break;
      default:
        usage(`unknown option ${flag}`);
    }
    i++;
  }
  return options;
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
  const selected: BenchSuite[] = options.suites.length === 0
    ? [...SUITES]
    : options.suites.map((name) =>
      SUITES.find((s) => s.name === name) ?? usage(`unknown suite ${name}`)
    );
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
  console.log(formatTable(rows));
}

if (import.meta.main) await main();
