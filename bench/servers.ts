/**
 * The servers a benchmark runs against: ours, redis-server and the two
 * ceiling servers (bench/ceiling.ts), each started on a free loopback port and
 * stopped by its pid. Every server started here is tracked until it stops,
 * so that {@linkcode stopAll} (called at the end of a run and on SIGINT or
 * SIGTERM, which also kill the redis-benchmark children) leaves nothing
 * running, whatever happens.
 *
 * @module
 */

import { RespClient } from "../tests/helpers/resp_client.ts";
import {
  freePort,
  startOurServer,
  startRedisServer,
} from "../tests/helpers/servers.ts";

/**
 * Which implementation a server is: "ceiling" is bench/ceiling.ts reading
 * with `conn.read`, "byob" the same server reading through the BYOB reader
 * of `conn.readable`, as ours does.
 */
export type ServerKind = "ours" | "ceiling" | "byob" | "redis";

/** A running server, as a benchmark needs it. */
export interface BenchServer {
  /** Loopback port it listens on. */
  readonly port: number;
  /** Process id: what `stop()` signals and /proc/<pid>/status describes. */
  readonly pid: number;
  /** Connects a new client. */
  connect(): Promise<RespClient>;
  /** Stops it (SIGTERM, then SIGKILL); safe to call more than once. */
  stop(): Promise<void>;
}

const CEILING = new URL("./ceiling.ts", import.meta.url).pathname;

/** Servers started and not yet stopped. */
const running = new Set<BenchServer>();

const interruption = new AbortController();
/**
 * Aborted on SIGINT or SIGTERM (see {@linkcode stopAllOnSignal}): passed to
 * the redis-benchmark children, which are then killed, and checked before
 * each run so that none starts once the benchmark is stopping.
 */
export const interrupted: AbortSignal = interruption.signal;

/** Waits until `port` accepts connections, or fails after 20 s. */
async function waitForPort(port: number, exited: () => boolean) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("server exited during start-up");
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`server on port ${port} did not start`);
}

/** Starts bench/ceiling.ts in its own Deno process, with `--byob` if `byob`. */
async function startCeilingServer(byob: boolean): Promise<BenchServer> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      CEILING,
      "--port",
      String(port),
      ...(byob ? ["--byob"] : []),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let exited = false;
  const status = child.status.finally(() => exited = true);
  const kill = (signal: Deno.Signal) => {
    if (exited) return;
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
  };
  try {
    await waitForPort(port, () => exited);
  } catch (error) {
    kill("SIGKILL");
    await status;
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    port,
    pid: child.pid,
    connect: () => RespClient.connect(port),
    stop() {
      stopped ??= (async () => {
        kill("SIGTERM");
        const timer = setTimeout(() => kill("SIGKILL"), 5000);
        await status;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/**
 * Starts a server of `kind` and tracks it until it is stopped: ours and
 * redis-server with persistence off, then redis-server style `flags` (the
 * ceiling servers take none).
 */
export async function startServer(
  kind: ServerKind,
  flags: readonly string[] = [],
): Promise<BenchServer> {
  const server = kind === "ours"
    ? await startOurServer(["--save", "", ...flags])
    : kind === "redis"
    ? await startRedisServer([...flags])
    : await startCeilingServer(kind === "byob");
  running.add(server);
  return {
    port: server.port,
    pid: server.pid,
    connect: () => server.connect(),
    stop: () => server.stop().finally(() => running.delete(server)),
  };
}

/** Stops every server still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
  running.clear();
}

/**
 * Stops every server and exits when the benchmark is interrupted (SIGINT,
 * SIGTERM), instead of leaving the servers running.
 */
export function stopAllOnSignal(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      console.error(`\n${signal}: stopping the servers`);
      interruption.abort();
      stopAll().finally(() => Deno.exit(130));
    });
  }
}

/**
 * The server's resident set size in bytes: VmRSS in /proc/<pid>/status.
 * Deno lets only `--allow-all` read /proc/<pid>/ paths, which
 * `deno task bench` does not grant, so a `cat` child reads the file.
 */
export async function residentBytes(pid: number): Promise<number> {
  const out = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const status = new TextDecoder().decode(out.stdout);
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!out.success || kb === null) {
    throw new Error(`no VmRSS in /proc/${pid}/status`);
  }
  return Number(kb[1]) * 1024;
}
