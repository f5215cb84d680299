/**
 * Start-up configuration in redis-server style: an optional redis.conf-style
 * file as the first argument, then `--name value...` flags, which Redis turns
 * into extra config lines appended after the file's. Config text is handled
 * as binary strings (one char per byte).
 *
 * @module
 */

import { splitInlineArgs } from "../resp/inline.ts";
import {
  binaryToText,
  bytesToString,
  stringToBytes,
  textToBinary,
  utf8,
} from "../util/bytes.ts";
import { quoteConfigValue } from "./rewrite.ts";
import { globMatch, hasWildcards } from "../store/glob.ts";
import { osErrorText } from "../util/files.ts";
import { Config, ConfigError, findDirective } from "./config.ts";

/** Redis version whose behaviour this server implements. */
export const REDIS_VERSION = "7.0.15";

/** This server's own version (INFO's redis_ts_version). */
export const REDIS_TS_VERSION = "0.1.0";

/** A fatal configuration error; `message` is what redis-server prints to stderr. */
export class FatalConfigError extends Error {
  /**
   * Creates the error for line `lineNumber` (1-based) reading `line`; a
   * null `lineNumber` is an error about the whole configuration, which
   * Redis prints without a line.
   */
  constructor(lineNumber: number | null, line: string, reason: string) {
    super(
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
        (lineNumber === null ? "" : (
          `Reading the configuration file, at line ${lineNumber}\n` +
          `>>> '${line}'\n`
        )) + `${reason}\n`,
    );
    this.name = "FatalConfigError";
  }
}

/** The config file named on the command line could not be read. */
export class ConfigFileError extends Error {
  /** Creates the error; the message is Redis's log text. */
  constructor(readonly path: string, reason: string) {
    super(`Fatal error, can't open config file '${path}': ${reason}`);
    this.name = "ConfigFileError";
  }
}

/** Number of words sdssplitargs finds in `text` (0 when quotes are unbalanced). */
function wordCount(text: string): number {
  return splitInlineArgs(utf8(text))?.length ?? 0;
}

/**
 * Turns command-line flags into config text like redis-server: each `--name`
 * starts a line, and each other argument becomes a quoted value. The word
 * right after a bare `--name` is always its value, even if it starts with
 * "--", except that `--save` directly followed by a flag (or last) means
 * `save ""`.
 */
export function flagsToConfigText(args: readonly string[]): string {
  let options = "";
  let expectValue = false;
  for (let j = 0; j < args.length; j++) {
    const arg = args[j];
    if (!expectValue && arg.startsWith("--")) {
      if (options.length > 0) options += "\n";
      options += textToBinary(arg.slice(2)) + " ";
      expectValue = wordCount(arg) === 1;
      if (expectValue && arg.toLowerCase() === "--save") {
        const last = j === args.length - 1;
        if (last || args[j + 1].startsWith("--")) {
          options += '""';
          expectValue = false;
        }
      }
    } else {
      options += quoteConfigValue(textToBinary(arg)) + " ";
      expectValue = false;
    }
  }
  return options;
}

/** What loading remembers across files (the main one and its includes). */
export interface LoadState {
  /** A "save" line was read: later ones add to it instead of replacing. */
  saveSeen: boolean;
}

/**
 * Config-file directives of Redis that name features this server lacks:
 * refused with a clear reason rather than silently ignored, since each
 * would change what clients may do. Fewer words than `minWords` is
 * Redis's "Bad directive" error.
 */
const UNSUPPORTED: Record<string, { minWords: number; reason: string }> = {
  loadmodule: {
    minWords: 2,
    reason: "Modules are not supported by redis-ts: loadmodule cannot be used",
  },
  sentinel: {
    minWords: 1,
    reason: "Sentinel mode is not supported by redis-ts",
  },
};

/** Directives Redis 7.0 still accepts with one value, and ignores. */
const DEPRECATED = [
  "list-max-ziplist-entries",
  "list-max-ziplist-value",
  "lua-replicate-commands",
];

/** Reads a config file as a binary string, or throws ConfigFileError. */
function readConfigFile(path: string): string {
  try {
    return bytesToString(Deno.readFileSync(binaryToText(path)));
  } catch (error) {
    throw new ConfigFileError(binaryToText(path), osErrorText(error));
  }
}

/**
 * The files a wildcard include names, in alphabetical order, like glob(3):
 * wildcards may be in any path component, and do not match a leading ".".
 */
function globFiles(pattern: string): string[] {
  const join = (base: string, name: string) =>
    base === "" ? name : base.endsWith("/") ? base + name : `${base}/${name}`;
  const parts = binaryToText(pattern).split("/");
  let paths = [parts[0] === "" ? "/" : ""];
  for (let i = parts[0] === "" ? 1 : 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "") continue;
    if (!hasWildcards(part)) {
      paths = paths.map((base) => join(base, part));
      continue;
    }
    const next: string[] = [];
    for (const base of paths) {
      let names: string[];
      try {
        names = [...Deno.readDirSync(base === "" ? "." : base)].map((e) =>
          e.name
        );
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith(".") && !part.startsWith(".")) continue;
        if (globMatch(part, name)) next.push(join(base, name));
      }
    }
    paths = next;
  }
  return paths.filter((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  }).map((path) => textToBinary(path));
}

/**
 * The text an include line brings in: the file, or with wildcards every
 * matching file one after the other (none is not an error).
 */
function includedText(path: string): string {
  if (!hasWildcards(path)) return readConfigFile(path);
  return globFiles(path).map(readConfigFile).join("");
}

/** Fails unless the log file can be opened for appending, as Redis checks after loading. */
function checkLogFile(config: Config): void {
  const logfile = config.get("logfile");
  if (logfile === "") return;
  try {
    Deno.openSync(binaryToText(logfile), { append: true, create: true })
      .close();
  } catch (error) {
    throw new FatalConfigError(
      null,
      "",
      `Can't open the log file: ${osErrorText(error)}`,
    );
  }
}

/**
 * Applies config text (a whole file, then the flags) line by line, like
 * Redis's loadServerConfigFromString; throws FatalConfigError on the first
 * bad line.
 */
export function applyConfigText(
  config: Config,
  text: string,
  state: LoadState = { saveSeen: false },
): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "" || line.startsWith("#")) continue;
    const fail = (reason: string): never => {
      throw new FatalConfigError(i + 1, line, reason);
    };
    const parsed = splitInlineArgs(stringToBytes(line));
    if (parsed === null) fail("Unbalanced quotes in configuration line");
    const words = parsed!.map(bytesToString);
    if (words.length === 0) continue;
    const d = findDirective(words[0]);
    if (d === undefined) {
      const name = words[0].toLowerCase();
      if (words.length === 2 && DEPRECATED.includes(name)) continue;
      if (words.length === 2 && name === "include") {
        applyConfigText(config, includedText(words[1]), state);
        continue;
      }
      if (name === "rename-command" && words.length === 3) {
        // Checked against the command table once the server exists.
        config.renames.push({ lineNumber: i + 1, line, words: words.slice(1) });
        continue;
      }
      if (name === "user" && words.length >= 2) {
        // Checked and loaded once the server (and its command table) exists.
        config.users.push({ lineNumber: i + 1, line, words: words.slice(1) });
        continue;
      }
      if (name === "sentinel" && words.length > 1) {
        fail("sentinel directive while not in sentinel mode");
      }
      const unsupported = UNSUPPORTED[name];
      if (unsupported !== undefined && words.length >= unsupported.minWords) {
        fail(unsupported.reason);
      }
      if (name.includes(".")) {
        // A module's directive ("module.name value"); there are no modules.
        fail(
          words.length === 2
            ? "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting"
            : "Module config specified without value",
        );
      }
      fail("Bad directive or wrong number of arguments");
    }
    let values = words.slice(1);
    if (d!.multiArg && values.length === 1 && values[0] !== "") {
      // A single value of a multi-word directive holds all its words.
      const split = splitInlineArgs(stringToBytes(values[0]));
      if (split === null) fail("Unbalanced quotes in configuration line");
      values = split!.map(bytesToString);
    }
    try {
      // Several "save" lines add up; the first one replaces the default.
      config.setFromArgs(d!, values, d!.name === "save" && state.saveSeen);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      fail(error.message);
    }
    if (d!.name === "save") state.saveSeen = true;
  }
  // Redis's checks once a configuration text is read.
  checkLogFile(config);
  if (
    config.get("cluster-enabled") === "yes" && config.get("replicaof") !== ""
  ) {
    throw new FatalConfigError(
      null,
      "",
      "replicaof directive not allowed in cluster mode",
    );
  }
}

/**
 * Builds the start-up configuration from process arguments, reading the
 * config file when the first argument does not start with "-".
 */
export function loadConfig(args: readonly string[], cwd: string): Config {
  const config = new Config(cwd);
  let flags = args;
  let text = "";
  if (args.length > 0 && !args[0].startsWith("-")) {
    const path = args[0];
    text = readConfigFile(textToBinary(path));
    config.configFile = absolutePath(path, cwd);
    flags = args.slice(1);
  }
  applyConfigText(config, text + "\n" + flagsToConfigText(flags));
  return config;
}

function absolutePath(path: string, cwd: string): string {
  if (path.startsWith("/")) return path;
  return `${cwd.replace(/\/$/, "")}/${path}`;
}
