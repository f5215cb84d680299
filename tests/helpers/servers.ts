/**
 * Starts servers for end-to-end tests on free loopback ports: ours (from
 * source, or the compiled binary named by REDIS_TS_BINARY) and Debian's
 * redis-server as the oracle. Every server is stopped by its pid.
 *
 * @module
 */

import { RespClient } from "./resp_client.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A server process started by a test. */
export interface TestServer {
  readonly port: number;
  readonly pid: number;
  /** Directory the server runs in (its default `dir`), removed on stop. */
  readonly dir: string;
  /** Connects a new client. */
  connect(): Promise<RespClient>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its dir. */
  stop(): Promise<void>;
  /** Exit status once stopped. */
  readonly status: Promise<Deno.CommandStatus>;
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

async function waitForPort(
  port: number,
  child: Deno.ChildProcess,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline) {
    if (exited) throw new Error("server exited during start-up");
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

async function launch(
  command: string,
  args: string[],
  port: number,
  dir: string,
): Promise<TestServer> {
  const child = new Deno.Command(command, {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const status = child.status;
  try {
    await waitForPort(port, child);
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    port,
    pid: child.pid,
    dir,
    status,
    connect: () => RespClient.connect(port),
    stop() {
      stopped ??= (async () => {
        try {
          Deno.kill(child.pid, "SIGTERM");
        } catch {
          // Already exited.
        }
        const timer = setTimeout(() => {
          try {
            Deno.kill(child.pid, "SIGKILL");
          } catch {
            // Already exited.
          }
        }, 5000);
        await status;
        clearTimeout(timer);
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      })();
      return stopped;
    },
  };
}

/**
 * Starts our server with redis-server style `flags` on a free port, in a new
 * temporary directory.
 */
export async function startOurServer(
  flags: string[] = [],
): Promise<TestServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "redis-ts-test-" });
  const binary = Deno.env.get("REDIS_TS_BINARY");
  const serverArgs = ["--port", String(port), "--bind", "127.0.0.1", ...flags];
  if (binary) return launch(binary, serverArgs, port, dir);
  return launch(
    Deno.execPath(),
    ["run", "--allow-all", `${ROOT}main.ts`, ...serverArgs],
    port,
    dir,
  );
}

/** Starts Debian's redis-server on a free port with persistence off. */
export async function startRedisServer(
  flags: string[] = [],
): Promise<TestServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "redis-oracle-" });
  return launch(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...flags,
    ],
    port,
    dir,
  );
}
