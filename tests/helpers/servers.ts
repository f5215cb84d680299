/**
 * Starts servers for end-to-end tests on free loopback ports: ours (from
 * source, or the compiled binary named by REDIS_TS_BINARY) and Debian's
 * redis-server as the oracle. Every server is stopped by its pid.
 *
 * @module
 */

import { SERVER_V8_FLAGS } from "../../lib/config/permissions.ts";
import { text } from "./bytes.ts";
import { RespClient } from "./resp_client.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const LAUNCHER =
  new URL("../../spawn_redis_server.sh", import.meta.url).pathname;

/** A server process started by a test. */
export interface TestServer {
  /** Loopback port it listens on. */
  readonly port: number;
  /** Process id, which `stop()` signals. */
  readonly pid: number;
  /** Directory the server runs in (its default `dir`). */
  readonly dir: string;
  /** Connects a new client. */
  connect(): Promise<RespClient>;
  /**
   * Stops the server (SIGTERM, then SIGKILL after 5 s) unless it has exited,
   * and removes its dir if the server made it.
   */
  stop(): Promise<void>;
  /** Exit status once stopped. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Its stdout and stderr once it exits; empty without `captureOutput`. */
  readonly output: Promise<{ stdout: string; stderr: string }>;
}

/** Which server to start, and how. */
export interface ServerOptions {
  /** Start Debian's redis-server (RDB and AOF off) instead of ours. */
  oracle?: boolean;
  /** redis-server style flags, placed after `--port` and `--bind`. */
  flags?: readonly string[];
  /** A config file, passed as the first argument. */
  configFile?: string;
  /**
   * Directory to run in, left in place on stop. By default a new temporary
   * directory, removed on stop.
   */
  dir?: string;
  /** Keep stdout and stderr for `TestServer.output` (else discarded). */
  captureOutput?: boolean;
  /** Port to listen on (a restarted server's), instead of a free one. */
  port?: number;
  /**
   * Start ours the way users do, through spawn_redis_server.sh with the
   * permissions its configuration needs, instead of --allow-all (slower:
   * the launcher loads the configuration first).
   */
  sandboxed?: boolean;
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Whether Debian's redis-server is installed (the differential oracle). */
export function hasRedisServer(): boolean {
  try {
    const out = new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}

/** The command line that runs our server with `args`. */
function ourCommand(
  args: readonly string[],
  sandboxed = false,
): [string, string[]] {
  const binary = Deno.env.get("REDIS_TS_BINARY");
  if (binary) return [binary, [...args]];
  // The launcher execs the server, so the pid stays the server's.
  if (sandboxed) return [LAUNCHER, [...args]];
  return [
    Deno.execPath(),
    ["run", "--allow-all", SERVER_V8_FLAGS, MAIN, ...args],
  ];
}

async function waitForPort(
  port: number,
  exited: () => boolean,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("server exited during start-up");
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`server on port ${port} did not start`);
}

/**
 * Starts a server on a free port (ours unless `oracle`) and waits until it
 * accepts connections.
 */
export async function startServer(
  options: ServerOptions = {},
): Promise<TestServer> {
  const port = options.port ?? freePort();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? await Deno.makeTempDir({
    prefix: options.oracle ? "redis-oracle-" : "redis-ts-test-",
  });
  const args = [
    ...(options.configFile === undefined ? [] : [options.configFile]),
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    ...(options.oracle ? ["--save", "", "--appendonly", "no"] : []),
    ...(options.flags ?? []),
  ];
  const [command, commandArgs] = options.oracle
    ? ["redis-server", args]
    : ourCommand(args, options.sandboxed);
  const capture = options.captureOutput ? "piped" : "null";
  const child = new Deno.Command(command, {
    args: commandArgs,
    cwd: dir,
    stdin: "null",
    stdout: capture,
    stderr: capture,
  }).spawn();
  const output = options.captureOutput
    ? child.output().then((o) => ({
      stdout: text(o.stdout),
      stderr: text(o.stderr),
    }))
    : Promise.resolve({ stdout: "", stderr: "" });
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const kill = (signal: Deno.Signal) => {
    if (exited) return;
    try {
      Deno.kill(child.pid, signal);
    } catch {
      // Already exited.
    }
  };
  const removeDir = async () => {
    await output;
    if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await waitForPort(port, () => exited);
  } catch (error) {
    kill("SIGKILL");
    await status;
    await removeDir();
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    port,
    pid: child.pid,
    dir,
    status,
    output,
    connect: () => RespClient.connect(port),
    stop() {
      stopped ??= (async () => {
        kill("SIGTERM");
        const timer = setTimeout(() => kill("SIGKILL"), 5000);
        await status;
        clearTimeout(timer);
        await removeDir();
      })();
      return stopped;
    },
  };
}

/**
 * Starts our server with redis-server style `flags` on a free port, in a new
 * temporary directory.
 */
export function startOurServer(flags: string[] = []): Promise<TestServer> {
  return startServer({ flags });
}

/** Starts Debian's redis-server on a free port with persistence off. */
export function startRedisServer(flags: string[] = []): Promise<TestServer> {
  return startServer({ oracle: true, flags });
}

/** A server to start for {@linkcode withServer}, and how many clients. */
export interface WithServerOptions extends ServerOptions {
  /** Clients to connect before the body runs (default 1). */
  clients?: number;
}

/**
 * Starts a server, runs `body` with `options.clients` connected clients,
 * then closes every client in the array (those `body` pushes onto it too)
 * and stops the server, whatever happens.
 */
export async function withServer<T>(
  options: WithServerOptions,
  body: (clients: RespClient[], server: TestServer) => Promise<T>,
): Promise<T> {
  const server = await startServer(options);
  const clients: RespClient[] = [];
  try {
    for (let i = 0; i < (options.clients ?? 1); i++) {
      clients.push(await server.connect());
    }
    return await body(clients, server);
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}

/** How a server run by {@linkcode runToExit} ended. */
export interface ExitResult {
  code: number;
  success: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs a server (ours unless `oracle`) with exactly `args`, expecting it to
 * exit by itself (a bad configuration, `--version`); returns how it ended.
 */
export async function runToExit(
  options: {
    oracle?: boolean;
    args: readonly string[];
    cwd?: string;
    sandboxed?: boolean;
  },
): Promise<ExitResult> {
  const [command, args] = options.oracle
    ? ["redis-server", [...options.args]]
    : ourCommand(options.args, options.sandboxed);
  const out = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    success: out.success,
    stdout: text(out.stdout),
    stderr: text(out.stderr),
  };
}

/**
 * Starts redis-server and ours with each argument list of `cases` in `cwd`
 * and asserts both stop at start-up with status 1 and the same stderr.
 */
export async function sameStartupFailures(
  cases: readonly string[][],
  cwd: string,
): Promise<void> {
  for (const args of cases) {
    const expected = await runToExit({ oracle: true, args, cwd });
    const actual = await runToExit({ args, cwd });
    if (expected.code !== 1 || actual.code !== 1) {
      throw new Error(
        `${
          args.join(" ")
        }: redis-server exited ${expected.code}, ours ${actual.code}`,
      );
    }
    if (actual.stderr !== expected.stderr) {
      throw new Error(
        `${args.join(" ")}: ours said ${JSON.stringify(actual.stderr)}, redis ${
          JSON.stringify(expected.stderr)
        }`,
      );
    }
  }
}

/** Waits (up to 5 s) until INFO on `client` reports `count` blocked clients. */
export async function waitBlocked(
  client: RespClient,
  count: number,
): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const info = String(await client.call("INFO", "clients"));
    if (info.includes(`blocked_clients:${count}\r\n`)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never saw ${count} blocked clients`);
}
