/**
 * Entry point: `deno task start [redis.conf] [--name value ...]`, with
 * redis-server's start-up errors, log lines and signal handling.
 *
 * @module
 */

import type { Config } from "./lib/config/config.ts";
import {
  ConfigFileError,
  FatalConfigError,
  flagsToConfigText,
  loadConfig,
  REDIS_TS_VERSION,
  REDIS_VERSION,
} from "./lib/config/load.ts";
import {
  denoRunFlags,
  dirWriteRefusal,
  PermissionPlanError,
  planPermissions,
  resolvePath,
  scanConfigSources,
} from "./lib/config/permissions.ts";
import {
  daemonize,
  detectSupervision,
  foregroundWarning,
  logo,
  showLogo,
  unsupportedTls,
} from "./lib/config/startup.ts";
import { shutdownServer } from "./lib/commands/server.ts";
import { formatLogLine, Logger } from "./lib/server/log.ts";
import { startServer } from "./lib/server/start.ts";
import { LoadError } from "./lib/persistence/setup.ts";
import { AclStartupError } from "./lib/acl/acl.ts";
import { binaryToText, stringToBytes } from "./lib/util/bytes.ts";

const USAGE = `Usage: redis-ts [/path/to/redis.conf] [options]
       redis-ts -v or --version
       redis-ts -h or --help

Options are configuration directives written as flags, read after the file:
       redis-ts --port 7777
       redis-ts /etc/redis/6379.conf --loglevel verbose
`;

/** Whether the first argument asks for the version or the usage text. */
function isInformational(first: string | undefined): boolean {
  return first === "-v" || first === "--version" || first === "-h" ||
    first === "--help";
}

/** Handles -v/--version and -h/--help as redis-server does (first argument only). */
function informational(): void {
  const first = Deno.args[0];
  if (first === "-v" || first === "--version") {
    console.log(
      `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0 redis-ts=${REDIS_TS_VERSION}`,
    );
    Deno.exit(0);
  }
  if (first === "-h" || first === "--help") {
    Deno.stderr.writeSync(new TextEncoder().encode(USAGE));
    Deno.exit(1);
  }
}

/** Loads the configuration, or prints Redis's fatal error and exits 1. */
function configure(args: readonly string[]): Config {
  try {
    return loadConfig(args, Deno.cwd());
  } catch (error) {
    if (error instanceof FatalConfigError) {
      // The offending line is shown byte for byte, as Redis prints it.
      Deno.stderr.writeSync(stringToBytes(error.message));
      Deno.exit(1);
    }
    if (error instanceof ConfigFileError) {
      const line = formatLogLine(
        "warning",
        error.message,
        new Date(),
        Deno.pid,
        "C",
      );
      Deno.stdout.writeSync(new TextEncoder().encode(line));
      Deno.exit(1);
    }
    throw error;
  }
}

/**
 * `main.ts --print-permissions [redis-server arguments]`, for the launcher
 * (spawn_redis_server.sh): loads the configuration like the server, and
 * prints one line "run" (or "detach", to start it as the daemon), the Deno
 * executable, then the `deno run` permission flags it needs, one a line.
 * A configuration error is reported as the server reports it (exit 1).
 * REDIS_TS_ALLOW_WRITE adds comma-separated paths to the write grant.
 */
function printPermissions(args: readonly string[]): never {
  function out(lines: string[]): never {
    Deno.stdout.writeSync(new TextEncoder().encode(lines.join("\n") + "\n"));
    Deno.exit(0);
  }
  // Printing the version or the usage needs no permission at all.
  if (isInformational(args[0])) out(["run", Deno.execPath(), "--no-prompt"]);
  const startDir = Deno.cwd();
  const config = configure(args);
  const fileGiven = args.length > 0 && !args[0].startsWith("-");
  const sources = scanConfigSources({
    configFile: config.configFile,
    flagsText: flagsToConfigText(fileGiven ? args.slice(1) : args),
    cwd: startDir,
  });
  const extraWrite = (Deno.env.get("REDIS_TS_ALLOW_WRITE") ?? "").split(",")
    .filter((path) => path !== "").map((path) => resolvePath(startDir, path));
  const plan = planPermissions(config, {
    sources,
    extraWrite,
    env: (name) => Deno.env.get(name),
  });
  let flags: string[];
  try {
    flags = denoRunFlags(plan);
  } catch (error) {
    if (!(error instanceof PermissionPlanError)) throw error;
    Deno.stderr.writeSync(new TextEncoder().encode(`${error.message}\n`));
    Deno.exit(1);
  }
  return out([plan.detach ? "detach" : "run", Deno.execPath(), ...flags]);
}

/**
 * Stops start-up when this process may not write to `dir` (a compiled
 * binary started elsewhere than its data directory, or hand-picked
 * permissions): better now than at the first SAVE.
 */
function checkDirWritable(config: Config): void {
  const refusal = dirWriteRefusal(binaryToText(config.get("dir")));
  if (refusal === null) return;
  const error = new FatalConfigError(null, "", `Can't use dir: ${refusal}`);
  Deno.stderr.writeSync(stringToBytes(error.message));
  Deno.exit(1);
}

/** Writes the banner raw (no log prefix), at notice level, where logs go. */
function printLogo(config: Config, port: number): void {
  if (config.get("loglevel") === "warning") return;
  const bytes = new TextEncoder().encode(logo(port, Deno.pid));
  const file = config.get("logfile");
  try {
    if (file === "") Deno.stdout.writeSync(bytes);
    else Deno.writeFileSync(file, bytes, { append: true });
  } catch {
    // Like a log line, a banner that cannot be written is no reason to stop.
  }
}

if (import.meta.main) {
  if (Deno.args[0] === "--print-permissions") {
    printPermissions(Deno.args.slice(1));
  }
  informational();
  // Loading `dir` changes the working directory; a daemon starts from here.
  const startDir = Deno.cwd();
  const config = configure(Deno.args);
  checkDirWritable(config);
  const early = new Logger(config);
  const startupLog = (
    level: "verbose" | "notice" | "warning",
    message: string,
  ) => early.write(level, message, "C");
  // Like Redis: supervision, then going to the background, then the
  // start-up lines (which a daemon writes to its log file).
  const supervised = detectSupervision(config, startupLog);
  let foregroundReason: string | null = null;
  if (config.flag("daemonize") && !supervised) {
    const result = daemonize(config, startDir);
    if (result.kind === "parent") Deno.exit(0);
    if (result.kind === "daemon") {
      // No terminal to hang up on a daemon.
      Deno.addSignalListener("SIGHUP", () => {});
    } else foregroundReason = result.reason;
  }
  early.write("warning", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", "C");
  early.write(
    "warning",
    `Redis version=${REDIS_VERSION}, redis-ts version=${REDIS_TS_VERSION}, bits=64, pid=${Deno.pid}, just started`,
    "C",
  );
  early.write(
    "warning",
    config.configFile === ""
      ? "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"
      : "Configuration loaded",
    "C",
  );
  if (foregroundReason !== null) {
    early.write("warning", foregroundWarning(foregroundReason), "C");
  }
  const tls = unsupportedTls(config);
  if (tls !== null) {
    early.write("warning", tls);
    early.write(
      "warning",
      "Failed to configure TLS. Check logs for more info.",
    );
    Deno.exit(1);
  }
  if (showLogo(config)) printLogo(config, config.number("port"));
  // Listened for before the ports open, so that a signal sent as soon as
  // the port answers shuts down cleanly (the handler runs once the server
  // is set up: start-up below is synchronous).
  const onSignal = (name: string) => () => {
    const log = running.server.log;
    log.signal(`Received ${name} scheduling shutdown...`);
    // shutdown-on-sigterm / shutdown-on-sigint hold SHUTDOWN's flags.
    const flags = config.get(`shutdown-on-${name.toLowerCase()}`).split(" ");
    const options = {
      save: flags.includes("save"),
      noSave: flags.includes("nosave"),
      force: flags.includes("force"),
    };
    if (shutdownServer(running.server, options) === "failed") {
      log.warning(
        `${name} received but errors trying to shut down the server, check the logs for more information`,
      );
    }
  };
  Deno.addSignalListener("SIGTERM", onSignal("SIGTERM"));
  Deno.addSignalListener("SIGINT", onSignal("SIGINT"));
  let running: ReturnType<typeof startServer>;
  try {
    running = startServer(config);
  } catch (error) {
    if (error instanceof FatalConfigError) {
      // A user or rename-command line, checked once the command table exists.
      Deno.stderr.writeSync(stringToBytes(error.message));
      Deno.exit(1);
    }
    if (error instanceof AclStartupError) {
      for (const line of error.logLines) early.write("warning", line);
      Deno.exit(1);
    }
    if (!(error instanceof LoadError)) throw error;
    early.write(
      "warning",
      `Fatal error loading the DB: ${error.message}. Exiting.`,
    );
    Deno.exit(1);
  }
  const log = running.server.log;
  const maxmemory = config.number("maxmemory");
  if (maxmemory > 0 && maxmemory < 1024 * 1024) {
    log.warning(
      `WARNING: You specified a maxmemory value that is less than 1MB (current value is ${
        config.get("maxmemory")
      } bytes). Are you sure this is what you really want?`,
    );
  }
  // A bug in one timer or callback must not take the whole server down
  // with every client's data: log it and keep serving.
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    log.warning(
      `Unexpected error (server keeps running): ${
        event.error?.stack ?? event.message
      }`,
    );
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    log.warning(
      `Unhandled rejection (server keeps running): ${
        event.reason?.stack ?? event.reason
      }`,
    );
  });
  await running.finished;
  log.warning("Redis is now ready to exit, bye bye...");
  Deno.exit(0);
}
