/**
 * `deno task bench [options]`: runs redis-benchmark against our server,
 * Debian's redis-server and, for the cases marked `ceiling: true`, the
 * ceiling servers (bench/ceiling.ts, the least a Deno RESP server can do,
 * reading with `conn.read` and, as "byob", through the BYOB reader of
 * `conn.readable` as ours must), all started side by side on free loopback
 * ports and stopped by pid at the end, whatever happens. Then it measures memory per key and persistence.
 *
 * Every case runs `--rounds` times against each server with the same
 * parameters; the servers' order is reversed every other round so that
 * neither sits always first or last while the machine's load drifts. The
 * table shows, per case, the median requests per second of each server, the
 * ratios to redis, and the median p50 and p99 latencies (ms) of the
 * servers. Compare ratios, not absolute numbers: the servers
 * share the machine with redis-benchmark.
 *
 * Options:
 *   -n <requests>      requests per run (default 100000)
 *   -c <clients>       parallel connections (default 50)
 *   -P <list>          pipeline depths, comma separated (default "1,16")
 *   -r <keyspace>      random keys in __rand_int__ (default: none)
 *   --rounds <n>       runs of each case per server (default 3)
 *   --warmup <n>       requests of an unmeasured run of each case on each
 *                      server before its first round (default 50000; 0 for
 *                      none), so that the table shows a server whose
 *                      JIT has compiled the command, as a long-running
 *                      server has, not its first moments
 *   --suite <name>     run only this suite (repeatable; default: all);
 *                      "memory" is the memory per key measurement,
 *                      "persistence" the RDB load / BGSAVE / AOF suite,
 *                      "replication" full sync and replica lag
 *   --memory-keys <n>  keys loaded by the memory suite (default 1000000)
 *   --persistence-keys <n>  keys in its RDB file (default 1000000)
 *   --replication-keys <n>  keys the replication suite syncs (default 1000000)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { median, runBenchmark, type Sample } from "./benchmark.ts";
import {
  formatMemory,
  measureMemory,
  type MemoryResult,
  VALUE_SIZE,
} from "./memory.ts";
import { runPersistenceBench } from "./persistence.ts";
import { formatReplication, runReplicationBench } from "./replication.ts";
import {
  type BenchServer,
  interrupted,
  type ServerKind,
  startServer,
  stopAll,
  stopAllOnSignal,
} from "./servers.ts";
import { SUITES } from "./suites.ts";
import type { BenchCase, BenchSuite } from "./suite.ts";
import { formatColumns } from "./table.ts";
import { hasRedisServer } from "../tests/helpers/servers.ts";

/** Suites that are measurements of their own, not redis-benchmark cases. */
const SPECIAL_SUITES = ["memory", "persistence", "replication"];

/** What `deno task bench` was asked to do. */
interface BenchOptions {
  requests: number;
  clients: number;
  pipelines: number[];
  keyspace: number | null;
  /** Runs of each case per server; the table shows medians. */
  rounds: number;
  /** Requests of the unmeasured run before each case's first round. */
  warmup: number;
  /** Suites by name; empty for all. */
  suites: string[];
  /** Keys the memory measurement loads. */
  memoryKeys: number;
  /** Keys in the RDB file of the persistence benchmark. */
  persistenceKeys: number;
  /** Keys the replication benchmark synchronises. */
  replicationKeys: number;
}

/** The servers of one run, by kind; absent ones are not measured. */
type Servers = Partial<Record<ServerKind, BenchServer>>;

/** Every round of one case at one pipeline depth. */
interface CaseResult {
  suite: string;
  label: string;
  pipeline: number;
  /** The successful runs of each server measured (absent: not measured). */
  samples: Partial<Record<ServerKind, Sample[]>>;
}

const USAGE = "usage: deno task bench [-n requests] [-c clients] [-P 1,16] " +
  "[-r keyspace] [--rounds N] [--warmup N] [--suite name]... [--memory-keys N] " +
  "[--persistence-keys N] [--replication-keys N]";

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

function nonNegativeInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    usage(`${flag} needs a non-negative integer`);
  }
  return n;
}

/** `flag`'s value as a positive integer, or `fallback` if it is absent. */
function intOption(
  text: string | undefined,
  flag: string,
  fallback: number,
): number {
  return text === undefined ? fallback : positiveInt(text, flag);
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
        rounds: { type: "string" },
        warmup: { type: "string" },
        suite: { type: "string", multiple: true },
        "memory-keys": { type: "string" },
        "persistence-keys": { type: "string" },
        "replication-keys": { type: "string" },
      },
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  return {
    requests: intOption(values.n, "-n", 100_000),
    clients: intOption(values.c, "-c", 50),
    pipelines: values.P === undefined
      ? [1, 16]
      : values.P.split(",").map((p) => positiveInt(p, "-P")),
    keyspace: values.r === undefined ? null : positiveInt(values.r, "-r"),
    rounds: intOption(values.rounds, "--rounds", 3),
    warmup: values.warmup === undefined
      ? 50_000
      : nonNegativeInt(values.warmup, "--warmup"),
    suites: values.suite ?? [],
    memoryKeys: intOption(values["memory-keys"], "--memory-keys", 1_000_000),
    persistenceKeys: intOption(
      values["persistence-keys"],
      "--persistence-keys",
      1_000_000,
    ),
    replicationKeys: intOption(
      values["replication-keys"],
      "--replication-keys",
      1_000_000,
    ),
  };
}

/** Whether the special suite `name` was selected (all are by default). */
function wants(options: BenchOptions, name: string): boolean {
  return options.suites.length === 0 || options.suites.includes(name);
}

/** The redis-benchmark suites selected. */
function selectedSuites(options: BenchOptions): BenchSuite[] {
  if (options.suites.length === 0) return [...SUITES];
  return options.suites
    .filter((name) => !SPECIAL_SUITES.includes(name))
    .map((name) =>
      SUITES.find((s) => s.name === name) ?? usage(`unknown suite ${name}`)
    );
}

/** Runs `commands` (a case's setup or teardown) on `server`. */
async function runCommands(
  server: BenchServer,
  commands: readonly (readonly string[])[] | undefined,
) {
  if (commands === undefined) return;
  const client = await server.connect();
  try {
    for (const command of commands) await client.call(...command);
  } finally {
    client.close();
  }
}

/**
 * The order servers run in during `round` (0-based): as given in even
 * rounds, reversed in odd ones.
 */
function roundOrder(kinds: readonly ServerKind[], round: number): ServerKind[] {
  return round % 2 === 0 ? [...kinds] : [...kinds].reverse();
}

/**
 * Runs `benchCase` at `pipeline` for every round against every server that
 * supports it; a failed run is reported and left out of the samples.
 */
async function runCase(
  servers: Servers,
  benchCase: BenchCase,
  pipeline: number,
  options: BenchOptions,
): Promise<CaseResult["samples"]> {
  const kinds = (["ours", "byob", "ceiling", "redis"] as const).filter((
    kind,
  ) =>
    servers[kind] !== undefined &&
    (kind === "ours" || kind === "redis" || benchCase.ceiling)
  );
  const samples: CaseResult["samples"] = {};
  for (const kind of kinds) samples[kind] = [];
  /** One redis-benchmark run of the case against `server`. */
  const benchmark = (server: BenchServer, requests: number, depth: number) =>
    runBenchmark({
      port: server.port,
      requests,
      clients: options.clients,
      pipeline: depth,
      keyspace: options.keyspace,
      args: benchCase.args,
      signal: interrupted,
    });
  if (options.warmup > 0) {
    for (const kind of kinds) {
      const server = servers[kind]!;
      try {
        await runCommands(server, benchCase.setup);
        await benchmark(server, options.warmup, pipeline);
        await runCommands(server, benchCase.teardown);
      } catch (error) {
        if (interrupted.aborted) throw error;
        // The measured rounds report the failure.
      }
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    const progress: string[] = [];
    for (const kind of roundOrder(kinds, round)) {
      const server = servers[kind]!;
      try {
        await runCommands(server, benchCase.setup);
        if (benchCase.warmupRequests !== undefined) {
          await benchmark(server, benchCase.warmupRequests, 16);
        }
        const sample = await benchmark(server, options.requests, pipeline);
        await runCommands(server, benchCase.teardown);
        samples[kind]!.push(sample);
        progress.push(`${kind} ${sample.rps.toFixed(0)}`);
      } catch (error) {
        if (interrupted.aborted) throw error;
        console.error(error instanceof Error ? error.message : String(error));
        progress.push(`${kind} failed`);
      }
    }
    console.error(
      `${benchCase.label} -P ${pipeline} round ${
        round + 1
      }/${options.rounds}: ${progress.join(", ")}`,
    );
  }
  return samples;
}

/** A median of one figure over a server's samples, or why there is none. */
function medianOf(
  samples: readonly Sample[] | undefined,
  figure: keyof Sample,
): number | string {
  if (samples === undefined) return "-";
  if (samples.length === 0) return "failed";
  return median(samples.map((s) => s[figure]));
}

/** `a / b` to two decimals, or "-" if either is not a number. */
function ratio(a: number | string, b: number | string): string {
  return typeof a === "number" && typeof b === "number"
    ? (a / b).toFixed(2)
    : "-";
}

function formatNumber(value: number | string, digits: number): string {
  return typeof value === "number" ? value.toFixed(digits) : value;
}

/** The result table: median rps of each server, ratios, latencies. */
function formatResults(results: readonly CaseResult[]): string {
  const header = [
    "suite",
    "test",
    "-P",
    "ours rps",
    "byob rps",
    "ceiling rps",
    "redis rps",
    "ours/redis",
    "byob/redis",
    "ceiling/redis",
    "ours p50",
    "ours p99",
    "byob p99",
    "ceiling p99",
    "redis p50",
    "redis p99",
  ];
  const rows = results.map((r) => {
    const rps = (kind: ServerKind) => medianOf(r.samples[kind], "rps");
    const ms = (kind: ServerKind, figure: "p50" | "p99") =>
      formatNumber(medianOf(r.samples[kind], figure), 3);
    return [
      r.suite,
      r.label,
      String(r.pipeline),
      formatNumber(rps("ours"), 0),
      formatNumber(rps("byob"), 0),
      formatNumber(rps("ceiling"), 0),
      formatNumber(rps("redis"), 0),
      ratio(rps("ours"), rps("redis")),
      ratio(rps("byob"), rps("redis")),
      ratio(rps("ceiling"), rps("redis")),
      ms("ours", "p50"),
      ms("ours", "p99"),
      ms("byob", "p99"),
      ms("ceiling", "p99"),
      ms("redis", "p50"),
      ms("redis", "p99"),
    ];
  });
  return formatColumns(header, rows, 2);
}

/** Runs every selected redis-benchmark case; returns the results. */
async function runSuites(
  suites: readonly BenchSuite[],
  withRedis: boolean,
  options: BenchOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  if (suites.length === 0) return results;
  const needsCeiling = suites.some((s) => s.cases.some((c) => c.ceiling));
  const servers: Servers = { ours: await startServer("ours") };
  try {
    if (needsCeiling) {
      servers.byob = await startServer("byob");
      servers.ceiling = await startServer("ceiling");
    }
    if (withRedis) servers.redis = await startServer("redis");
    for (const suite of suites) {
      for (const benchCase of suite.cases) {
        for (const pipeline of options.pipelines) {
          results.push({
            suite: suite.name,
            label: benchCase.label,
            pipeline,
            samples: await runCase(servers, benchCase, pipeline, options),
          });
        }
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
  return results;
}

/** Prints the persistence benchmark's figures. */
async function printPersistence(options: BenchOptions): Promise<void> {
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

async function main(): Promise<void> {
  const options = parseOptions(Deno.args);
  const suites = selectedSuites(options);
  const withRedis = hasRedisServer();
  if (!withRedis) {
    console.error("redis-server not found: measuring our server only");
  }
  stopAllOnSignal();
  try {
    const results = await runSuites(suites, withRedis, options);
    if (results.length > 0) {
      console.log(
        `\nredis-benchmark -n ${options.requests} -c ${options.clients}${
          options.keyspace === null ? "" : ` -r ${options.keyspace}`
        }: median of ${options.rounds} round(s), latencies in ms\n`,
      );
      console.log(formatResults(results));
    }
    if (wants(options, "memory")) {
      const kinds: ServerKind[] = withRedis ? ["ours", "redis"] : ["ours"];
      const memory: MemoryResult[] = [];
      for (const kind of kinds) {
        memory.push(await measureMemory(kind, options.memoryKeys));
      }
      console.log(
        `\nmemory: ${options.memoryKeys} keys key:N, ${VALUE_SIZE}-byte values, ` +
          "VmRSS growth per key\n",
      );
      console.log(formatMemory(memory));
    }
    if (wants(options, "persistence") && withRedis) {
      await printPersistence(options);
    }
    if (wants(options, "replication") && withRedis) {
      console.log(
        `\nreplication: full sync of ${options.replicationKeys} keys, then ` +
          `redis-benchmark -t set -P 16 -n ${options.requests * 10}\n`,
      );
      console.log(
        formatReplication(
          await runReplicationBench(
            options.replicationKeys,
            options.requests * 10,
          ),
        ),
      );
    }
  } finally {
    await stopAll();
  }
}

if (import.meta.main) await main();
