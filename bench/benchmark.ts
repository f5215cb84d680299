/**
 * One redis-benchmark run and its result: requests per second and the
 * latency figures redis-benchmark 7.0 prints with `--csv`, whose output is
 * a header row and one row per test:
 *
 * ```
 * "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
 * "SET","46082.95","0.714","0.208","0.711","1.047","1.159","1.975"
 * ```
 *
 * @module
 */

/** What one redis-benchmark run measured. */
export interface Sample {
  /** Requests per second. */
  readonly rps: number;
  /** Median latency, in milliseconds. */
  readonly p50: number;
  /** 99th percentile latency, in milliseconds. */
  readonly p99: number;
}

/** The parameters of one redis-benchmark run. */
export interface RunParameters {
  /** The server's loopback port. */
  readonly port: number;
  /** `-n`: requests in all. */
  readonly requests: number;
  /** `-c`: parallel connections. */
  readonly clients: number;
  /** `-P`: requests per connection in flight. */
  readonly pipeline: number;
  /** `-r`: random keys in `__rand_int__`, or null for none. */
  readonly keyspace: number | null;
  /** What to run: `["-t", "set"]` or a command line. */
  readonly args: readonly string[];
  /** Kills redis-benchmark when aborted. */
  readonly signal?: AbortSignal;
}

/** Splits one CSV row of quoted fields (redis-benchmark quotes every one). */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) =>
    m[1].replaceAll('""', '"')
  );
}

/**
 * Reads the result row of redis-benchmark's `--csv` output, finding the
 * columns by their header names.
 */
export function parseCsv(text: string): Sample {
  const lines = text.split("\n").filter((line) => line.startsWith('"'));
  const header = lines.findIndex((line) => line.startsWith('"test"'));
  const row = lines.find((_, i) => i !== header);
  if (header < 0 || row === undefined) {
    throw new Error(`unexpected redis-benchmark output:\n${text}`);
  }
  const names = fields(lines[header]);
  const values = fields(row);
  const column = (name: string) => {
    const value = Number(values[names.indexOf(name)]);
    if (!Number.isFinite(value)) {
      throw new Error(`no ${name} in redis-benchmark output:\n${text}`);
    }
    return value;
  };
  return {
    rps: column("rps"),
    p50: column("p50_latency_ms"),
    p99: column("p99_latency_ms"),
  };
}

/** Runs redis-benchmark once with `params`. */
export async function runBenchmark(params: RunParameters): Promise<Sample> {
  params.signal?.throwIfAborted();
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(params.port),
    "-n",
    String(params.requests),
    "-c",
    String(params.clients),
    "-P",
    String(params.pipeline),
    "--csv",
  ];
  if (params.keyspace !== null) args.push("-r", String(params.keyspace));
  args.push(...params.args);
  const out = await new Deno.Command("redis-benchmark", {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: params.signal,
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`redis-benchmark failed: ${decoder.decode(out.stderr)}`);
  }
  return parseCsv(decoder.decode(out.stdout));
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}
