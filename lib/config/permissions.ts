/**
 * Least privilege: the Deno permissions a configuration needs, and the
 * check that keeps `CONFIG SET dir` inside them.
 *
 * Deno cannot narrow a permission once it is granted (revoking one path of
 * a global grant revokes nothing), so the narrowing happens when the server
 * is launched: `main.ts --print-permissions <args>` loads the configuration,
 * {@linkcode scanConfigSources} finds what loading it reads,
 * {@linkcode planPermissions} turns both into a plan, and
 * {@linkcode denoRunFlags} into the flags `spawn_redis_server.sh` (and so
 * `deno task start`) runs the server with.
 *
 * @module
 */

import type { ConfigReader } from "./directives.ts";
import { splitInlineArgs } from "../resp/inline.ts";
import { globMatch, hasWildcards } from "../store/glob.ts";
import { binaryToText, bytesToString, stringToBytes } from "../util/bytes.ts";

/**
 * What INFO asks the system (`Deno.osRelease`, `Deno.systemMemoryInfo`);
 * nothing else in the server needs `--allow-sys`.
 */
export const SERVER_SYS_PERMISSIONS: readonly string[] = [
  "osRelease",
  "systemMemoryInfo",
];

/** The variables supervision detection reads (lib/config/startup.ts). */
export const SUPERVISION_ENV: readonly string[] = [
  "UPSTART_JOB",
  "NOTIFY_SOCKET",
];

/**
 * The variable that tells a detached copy it is the daemon
 * (startup.ts's DAEMON_CHILD_ENV, spelled out here because startup.ts
 * imports the loader, which imports this module's users).
 */
export const DAEMON_ENV = "REDIS_TS_DAEMONIZED";

/** startup.ts's DEFAULT_DAEMON_PIDFILE: where a daemon without `pidfile` writes. */
export const DAEMON_PIDFILE = "/var/run/redis.pid";

/** The TLS directives naming files the server reads (and one directory). */
const TLS_PATHS = [
  "tls-cert-file",
  "tls-key-file",
  "tls-client-cert-file",
  "tls-client-key-file",
  "tls-dh-params-file",
  "tls-ca-cert-file",
  "tls-ca-cert-dir",
];

/** The permissions one configuration needs, as absolute paths and names. */
export interface PermissionPlan {
  /** Files and directories to read (a directory grants what is below it). */
  readonly read: readonly string[];
  /** Files and directories to write. */
  readonly write: readonly string[];
  /** Environment variables read. */
  readonly env: readonly string[];
  /** `Deno.*` system information calls. */
  readonly sys: readonly string[];
  /**
   * Whether the launcher starts the server detached, as the daemon
   * (`daemonize yes` without a supervisor): a Deno process cannot fork, and
   * the server re-running itself would need --allow-run and its own
   * command line, which Deno only shows with --allow-all.
   */
  readonly detach: boolean;
}

/** What {@linkcode planPermissions} needs besides the configuration. */
export interface PlanOptions {
  /** What loading the configuration reads ({@linkcode scanConfigSources}). */
  readonly sources: readonly string[];
  /** More paths to make writable (absolute), e.g. for CONFIG REWRITE. */
  readonly extraWrite?: readonly string[];
  /** The environment, for the supervision decision (default: none set). */
  readonly env?: (name: string) => string | undefined;
}

/**
 * `path` made absolute against `base` (an absolute directory), with "."
 * and ".." resolved by name, as Deno resolves permission paths.
 */
export function resolvePath(base: string, path: string): string {
  const parts: string[] = [];
  const joined = path.startsWith("/") ? path : `${base}/${path}`;
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/**
 * Who supervises the server by `supervised` and the environment (`env`
 * reads a variable): upstart (UPSTART_JOB), systemd (NOTIFY_SOCKET), or
 * nobody: startup.ts acts on it, and the launcher decides with it whether
 * `daemonize` applies.
 */
export function supervisor(
  config: ConfigReader,
  env: (name: string) => string | undefined,
): "upstart" | "systemd" | null {
  // Read only when asked for: `supervised no` is granted no environment.
  const mode = config.get("supervised");
  const upstart = () => env("UPSTART_JOB") !== undefined;
  const systemd = () => env("NOTIFY_SOCKET") !== undefined;
  if ((mode === "auto" || mode === "upstart") && upstart()) return "upstart";
  if ((mode === "auto" || mode === "systemd") && systemd()) return "systemd";
  return null;
}

/**
 * The permissions the server needs to serve `config` (as loaded, so `dir`
 * is absolute): read and write its `dir`, write the log, pid and ACL
 * files, read and write the unix socket's path, read what loading the
 * configuration reads, the ACL file and the TLS files, the few environment
 * variables and system calls it uses.
 * Relative file names are resolved against `dir`, as the server opens them
 * after changing into it. The network is not in the plan: it is always
 * granted in full (see {@linkcode denoRunFlags}).
 */
export function planPermissions(
  config: ConfigReader,
  options: PlanOptions,
): PermissionPlan {
  const dir = binaryToText(config.get("dir"));
  const file = (name: string) => {
    const value = binaryToText(config.get(name));
    return value === "" ? null : resolvePath(dir, value);
  };
  const read = new Set<string>(options.sources);
  const write = new Set<string>([dir]);
  read.add(dir);
  for (const name of ["logfile", "pidfile"]) {
    const path = file(name);
    if (path !== null) write.add(path);
  }
  const daemonize = config.get("daemonize") === "yes";
  if (daemonize && config.get("pidfile") === "") write.add(DAEMON_PIDFILE);
  const aclfile = file("aclfile");
  if (aclfile !== null) {
    read.add(aclfile);
    write.add(aclfile);
  }
  const unixSocket = file("unixsocket");
  if (unixSocket !== null) {
    // Deno's unix listen needs both; removing a stale socket and the chmod
    // need the write grant of that one path, nothing of its directory.
    read.add(unixSocket);
    write.add(unixSocket);
  }
  for (const name of TLS_PATHS) {
    const path = file(name);
    if (path !== null) read.add(path);
  }
  for (const path of options.extraWrite ?? []) {
    // Creating a file there (createNew, as CONFIG REWRITE does) needs both.
    read.add(path);
    write.add(path);
  }
  const env: string[] = [];
  if (config.get("supervised") !== "no") env.push(...SUPERVISION_ENV);
  if (daemonize) env.push(DAEMON_ENV);
  return {
    read: uncovered(read),
    write: uncovered(write),
    env,
    sys: [...SERVER_SYS_PERMISSIONS],
    detach: daemonize &&
      supervisor(config, options.env ?? (() => undefined)) === null,
  };
}

/** Whether `path` is `dir` or lies below it (both absolute, normalised). */
function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/**
 * The paths not already granted by another one of the list (Deno grants
 * what is below a directory), in their order: shorter flags, same grant.
 */
function uncovered(paths: Iterable<string>): string[] {
  const list = [...paths];
  return list.filter((path, i) =>
    !list.some((other, j) => j !== i && isWithin(path, other))
  );
}

/** A path or name that cannot be written in a Deno permission flag. */
export class PermissionPlanError extends Error {
  /** Creates the error; `message` says which path and why. */
  constructor(message: string) {
    super(message);
    this.name = "PermissionPlanError";
  }
}

/** `--allow-<name>=a,b` for a non-empty list, refusing what Deno would misread. */
function listFlag(name: string, values: readonly string[]): string[] {
  if (values.length === 0) return [];
  for (const value of values) {
    // Deno splits the list at commas and has no escape for them; the
    // launcher passes one flag per line.
    if (value === "" || /[,\n\0]/.test(value)) {
      throw new PermissionPlanError(
        `Can't grant --allow-${name} for ${
          JSON.stringify(value)
        }: Deno permission paths cannot be empty or contain commas or newlines`,
      );
    }
  }
  return [`--allow-${name}=${values.join(",")}`];
}

/**
 * The V8 flag the server runs with, in every way it is started: semi-spaces
 * (the young generation) of at most 4 MB, where V8 would grow them to
 * 16 MB. After a bulk load of small keys the server holds about a fifth
 * less resident memory per key (bench/memory.ts: 266 -> 205-213 B/key for
 * a million keys), with throughput and p99 within the runs' spread.
 */
export const SERVER_V8_FLAGS = "--v8-flags=--max-semi-space-size=4";

/**
 * The `deno run` flags for `plan`: the permissions, then
 * {@linkcode SERVER_V8_FLAGS}. The network is granted in
 * full: Deno cannot grant listening without connecting, and the addresses
 * change at run time (CONFIG SET port and bind, REPLICAOF, FAILOVER).
 * `--no-prompt` makes a denied access an error instead of a question on
 * the server's terminal. Throws PermissionPlanError for a path Deno's flags
 * cannot express.
 */
export function denoRunFlags(plan: PermissionPlan): string[] {
  return [
    "--no-prompt",
    ...listFlag("read", plan.read),
    ...listFlag("write", plan.write),
    "--allow-net",
    ...listFlag("env", plan.env),
    ...listFlag("sys", plan.sys),
    SERVER_V8_FLAGS,
  ];
}

/** Where {@linkcode scanConfigSources} starts. */
export interface SourceScan {
  /** The config file named on the command line (absolute), "" for none. */
  readonly configFile: string;
  /** The command-line flags after the file, as config text (flagsToConfigText). */
  readonly flagsText: string;
  /** The directory the server starts in (absolute). */
  readonly cwd: string;
}

/** The entries of directory `dir`, none when it cannot be read. */
function entriesOf(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

/**
 * The files a wildcard pattern (absolute) may match, component by
 * component. A superset of what the loader includes (no dot-file rule):
 * they are only scanned for further includes.
 */
function wildcardCandidates(pattern: string): string[] {
  let paths = ["/"];
  for (const part of pattern.split("/").filter((p) => p !== "")) {
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string) =>
        base === "/" ? `/${name}` : `${base}/${name}`;
      if (!hasWildcards(part)) next.push(join(part));
      else {
        for (const entry of entriesOf(base)) {
          if (globMatch(part, entry.name)) next.push(join(entry.name));
        }
      }
    }
    paths = next;
  }
  return paths;
}

/** The directory holding every match of an absolute wildcard pattern. */
function wildcardRoot(pattern: string): string {
  const parts = pattern.split("/");
  const first = parts.findIndex(hasWildcards);
  return resolvePath("/", parts.slice(0, first).join("/"));
}

/** Reads a file as a binary string, null when it cannot be read. */
function readText(path: string): string | null {
  try {
    return bytesToString(Deno.readFileSync(path));
  } catch {
    return null;
  }
}

/**
 * What loading a configuration reads, as absolute paths: the config file,
 * every `include`d file (for a wildcard, the directory under which its
 * matches lie), and every directory a `dir` line changes into (by name and
 * by real path), which the loader needs to read, following the lines in
 * the loader's order (a relative include is relative to the `dir` changed
 * into before it). Run it after the configuration loaded: it does not
 * report errors, the loader did.
 */
export function scanConfigSources(scan: SourceScan): string[] {
  const found = new Set<string>();
  const scanned = new Set<string>();
  let base = scan.cwd;
  const scanText = (text: string) => {
    for (const raw of text.split("\n")) {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (line === "" || line.startsWith("#")) continue;
      const words = splitInlineArgs(stringToBytes(line))?.map(bytesToString);
      if (words === undefined || words.length !== 2) continue;
      const name = words[0].toLowerCase();
      const value = binaryToText(words[1]);
      if (name === "dir") {
        const target = resolvePath(base, value);
        found.add(target);
        try {
          base = Deno.realPathSync(target);
          found.add(base);
        } catch {
          base = target;
        }
      } else if (name === "include") {
        const path = resolvePath(base, value);
        if (!hasWildcards(value)) {
          found.add(path);
          scanFile(path);
        } else {
          found.add(wildcardRoot(path));
          for (const match of wildcardCandidates(path)) scanFile(match);
        }
      }
    }
  };
  const scanFile = (path: string) => {
    // A file included twice brings the same includes; once is enough.
    if (scanned.has(path)) return;
    scanned.add(path);
    const text = readText(path);
    if (text !== null) scanText(text);
  };
  if (scan.configFile !== "") {
    found.add(scan.configFile);
    scanned.add(scan.configFile);
    scanText(readText(scan.configFile) ?? "");
  }
  scanText(scan.flagsText);
  return [...found];
}

/**
 * Why this process may not make `path` its `dir` (a directory, absolute or
 * relative to the working directory), or null when it may: Deno must grant
 * writing there, or every SAVE, BGSAVE and AOF write would fail.
 */
export function dirWriteRefusal(path: string): string | null {
  if (path === "") return null;
  let state: Deno.PermissionState;
  try {
    state = Deno.permissions.querySync({ name: "write", path }).state;
  } catch {
    // A name Deno cannot check is left to chdir to refuse.
    return null;
  }
  if (state === "granted") return null;
  return `'${path}' is outside the directories this server may write to ` +
    "(its Deno --allow-write permissions, fixed at start-up)";
}
