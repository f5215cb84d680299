/**
 * The start-up directives that act on the process itself, as redis-server
 * applies them right after reading its configuration: `supervised`,
 * `daemonize` (with the default pid file of a daemon), the TLS
 * configuration step (which refuses bad TLS files and what Deno's TLS
 * cannot do), and the start-up banner (`always-show-logo`).
 *
 * A Deno process cannot fork, so `daemonize yes` starts a detached copy of
 * the process (same command line, told by an environment variable that it
 * is the daemon), writes the pid file and exits. Where that is not possible
 * (no permission to run programs, or the command line cannot be recovered)
 * the server says why and keeps running in the foreground.
 *
 * @module
 */

import type { Config } from "./config.ts";
import { tlsRequested } from "./directives.ts";
import { SERVER_V8_FLAGS, supervisor } from "./permissions.ts";
import { loadTlsMaterial, TlsConfigError } from "../server/tls.ts";
import { REDIS_TS_VERSION, REDIS_VERSION } from "./load.ts";

/** Set in the environment of the detached copy `daemonize yes` starts. */
export const DAEMON_CHILD_ENV = "REDIS_TS_DAEMONIZED";

/** The pid file a daemon writes when `pidfile` is not set (Redis's default). */
export const DEFAULT_DAEMON_PIDFILE = "/var/run/redis.pid";

/** Where start-up messages go: a level and a line, in Redis's log format. */
export type StartupLog = (
  level: "verbose" | "notice" | "warning",
  message: string,
) => void;

/**
 * Redis's redisIsSupervised: whether a supervisor (upstart or systemd)
 * runs the server, in which case `daemonize` is ignored. Upstart is told the
 * server is ready the way Redis tells it (the process stops itself).
 * systemd's readiness notification needs a unix datagram socket, which
 * Deno does not offer: under systemd the server stays in the foreground and
 * warns that the unit should use Type=simple.
 */
export function detectSupervision(config: Config, log: StartupLog): boolean {
  const mode = config.get("supervised");
  const found = supervisor(config, (name) => Deno.env.get(name));
  if (mode === "auto" && found === "upstart") {
    log("verbose", "Upstart supervision detected.");
  } else if (mode === "auto" && found === "systemd") {
    log("verbose", "Systemd supervision detected.");
  }
  if (found === "upstart") {
    log("notice", "supervised by upstart, will stop to signal readiness.");
    Deno.kill(Deno.pid, "SIGSTOP");
    Deno.env.delete("UPSTART_JOB");
    return true;
  }
  if (found === "systemd") {
    // systemd runs the process: it must not go to the background.
    log(
      "warning",
      "Supervised by systemd, but redis-ts cannot send systemd its readiness notification: use Type=simple (not Type=notify) in the service unit.",
    );
    return true;
  }
  if (mode === "upstart") {
    log("warning", "upstart supervision requested, but UPSTART_JOB not found!");
  } else if (mode === "systemd") {
    log(
      "warning",
      "systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!",
    );
  }
  return false;
}

/** How an attempt to go to the background ended. */
export type DaemonizeResult =
  /** This process is the parent: the daemon runs as `pid`, exit now. */
  | { readonly kind: "parent"; readonly pid: number }
  /** This process is the daemon started by a parent. */
  | { readonly kind: "daemon" }
  /** Detaching was not possible; keep running in the foreground. */
  | { readonly kind: "foreground"; readonly reason: string };

/** Deno's permissions, as the flags that grant them when they are granted in full. */
const PERMISSIONS = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
] as const;

/**
 * The command line that starts this same program again: the executable and
 * its arguments. On Linux with every permission that is /proc/self/cmdline
 * (Deno's own flags included); a compiled binary takes Deno.args; `deno run`
 * is rebuilt from the main module and the permissions granted in full.
 * Null when the command line cannot be rebuilt.
 */
export function ownCommandLine(): [string, string[]] | null {
  const exec = Deno.execPath();
  try {
    const argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
    if (argv.at(-1) === "") argv.pop();
    if (argv.length > 0) return [exec, argv.slice(1)];
  } catch {
    // No /proc (not Linux), or Deno wants --allow-all to read it.
  }
  const base = exec.split(/[/\\]/).pop() ?? "";
  if (!/^deno(\.exe)?$/i.test(base)) return [exec, [...Deno.args]];
  if (!Deno.mainModule.startsWith("file:")) return null;
  const flags = PERMISSIONS
    .filter((name) => Deno.permissions.querySync({ name }).state === "granted")
    .map((name) => `--allow-${name}`);
  return [exec, [
    "run",
    ...flags,
    SERVER_V8_FLAGS,
    Deno.mainModule,
    ...Deno.args,
  ]];
}

/**
 * `daemonize yes` without a supervisor. In the daemon started by a parent
 * this only notes so (and gives it Redis's default pid file); otherwise it
 * starts the detached copy from `cwd` (the directory the process started
 * in, since loading `dir` may have changed it) with no terminal and no
 * inherited output, writes the pid file, and returns its pid.
 */
export function daemonize(config: Config, cwd: string): DaemonizeResult {
  if (Deno.env.get(DAEMON_CHILD_ENV) !== undefined) {
    Deno.env.delete(DAEMON_CHILD_ENV);
    if (config.get("pidfile") === "") {
      config.set("pidfile", DEFAULT_DAEMON_PIDFILE);
    }
    return { kind: "daemon" };
  }
  const exec = Deno.execPath();
  const permission = Deno.permissions.querySync({ name: "run", command: exec });
  if (permission.state !== "granted") {
    return {
      kind: "foreground",
      reason: "it needs permission to run programs (--allow-run)",
    };
  }
  const command = ownCommandLine();
  if (command === null) {
    return {
      kind: "foreground",
      reason: "the command line of this process cannot be found",
    };
  }
  const args = command[1];
  let pid: number;
  try {
    const child = new Deno.Command(exec, {
      args,
      cwd,
      env: { [DAEMON_CHILD_ENV]: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.unref();
    pid = child.pid;
  } catch (error) {
    return {
      kind: "foreground",
      reason: `the detached copy could not be started (${
        error instanceof Error ? error.message : String(error)
      })`,
    };
  }
  const pidfile = config.get("pidfile") || DEFAULT_DAEMON_PIDFILE;
  try {
    Deno.writeTextFileSync(pidfile, `${pid}\n`);
  } catch {
    // The daemon writes it too, and logs why it cannot.
  }
  return { kind: "parent", pid };
}

/** The message a refused `daemonize yes` logs before running in the foreground. */
export function foregroundWarning(reason: string): string {
  return `daemonize yes is not possible here: ${reason}. Running in the foreground instead; ` +
    "to run in the background use a supervisor (a systemd unit with Type=simple and " +
    "--daemonize no, or nohup ... &), or grant --allow-run.";
}

/**
 * Redis's TLS configuration step at start-up: when TLS is requested, why it
 * cannot be set up (the line to log before "Failed to configure TLS"), or
 * null. Redis's own refusals (no certificate, a file that cannot be read, a
 * key that does not match) come with Redis's words; what Deno's TLS cannot
 * do (verify client certificates, restrict protocols or ciphers) is refused
 * too, saying which setting to change.
 */
export function unsupportedTls(config: Config): string | null {
  if (!tlsRequested(config)) return null;
  try {
    loadTlsMaterial(config);
    return null;
  } catch (error) {
    if (error instanceof TlsConfigError) return error.logLine;
    throw error;
  }
}

/**
 * Whether to print the banner: Redis shows its logo when logging to a
 * terminal, or always with `always-show-logo yes`.
 */
export function showLogo(config: Config): boolean {
  if (config.flag("always-show-logo")) return true;
  return !config.flag("syslog-enabled") && config.get("logfile") === "" &&
    Deno.stdout.isTerminal();
}

/**
 * The start-up banner (this server's own design). Like Redis's logo it
 * carries the version, the mode, and "Port: <n>" and "PID: <pid>" lines.
 */
export function logo(port: number, pid: number): string {
  const lines = [
    `redis-ts ${REDIS_TS_VERSION}`,
    `Redis ${REDIS_VERSION} compatible, 64 bit, on Deno ${Deno.version.deno}`,
    "Running in standalone mode",
    `Port: ${port}`,
    `PID: ${pid}`,
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = "~".repeat(width + 6);
  return [
    "",
    `    .${rule}.`,
    `   /${" ".repeat(width + 8)}\\`,
    ...lines.map((line) => `  |    ${line.padEnd(width)}      |`),
    `   \\${" ".repeat(width + 8)}/`,
    `    '${rule}'`,
    "",
    "",
  ].join("\n");
}
