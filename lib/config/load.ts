/**
 * Start-up configuration in redis-server style: an optional redis.conf-style
 * file as the first argument, then `--name value...` flags, which Redis turns
 * into extra config lines appended after the file's.
 *
 * @module
 */

import { splitInlineArgs } from "../resp/inline.ts";
import { bytesToString } from "../util/bytes.ts";
import { Config, ConfigError } from "./config.ts";

/** Redis version whose behaviour this server implements. */
export const REDIS_VERSION = "7.0.15";

/** A fatal configuration error, formatted like redis-server's. */
export class FatalConfigError extends Error {
  /** Creates the error for line `lineNumber` (1-based) reading `line`. */
  constructor(lineNumber: number, line: string, reason: string) {
    super(
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
        `Reading the configuration file, at line ${lineNumber}\n` +
        `>>> '${line}'\n${reason}`,
    );
    this.name = "FatalConfigError";
  }
}

/** Quotes a flag value the way redis-server does when it turns flags into config lines. */
function quoteValue(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + '"';
}

/**
 * Turns command-line arguments (after an optional config file name) into
 * config lines: each `--name` starts a line, the following arguments are its
 * quoted values.
 */
export function flagsToConfigLines(args: readonly string[]): string[] {
  const lines: string[] = [];
  let current: string | null = null;
  for (const arg of args) {
    if (arg.startsWith("--") && arg.length > 2) {
      if (current !== null) lines.push(current);
      current = arg.slice(2);
    } else if (current === null) {
      // A value with no directive before it: Redis reports it as a bad line.
      lines.push(quoteValue(arg));
    } else current += " " + quoteValue(arg);
  }
  if (current !== null) lines.push(current);
  return lines;
}

/** Applies config text line by line; throws FatalConfigError on the first bad line. */
export function applyConfigText(
  config: Config,
  lines: readonly string[],
  firstLineNumber = 1,
): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = splitInlineArgs(new TextEncoder().encode(line));
    if (words === null) {
      throw new FatalConfigError(
        firstLineNumber + i,
        line,
        "Unbalanced quotes in configuration line",
      );
    }
    if (words.length === 0) continue;
    const name = bytesToString(words[0]).toLowerCase();
    const values = words.slice(1).map((w) => new TextDecoder().decode(w));
    try {
      if (values.length === 0) {
        throw new ConfigError("Bad directive or wrong number of arguments");
      }
      config.set(name, values.join(" "));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new FatalConfigError(firstLineNumber + i, line, error.message);
    }
  }
}

/**
 * Builds the start-up configuration from process arguments, reading the
 * config file when the first argument does not start with "--".
 */
export function loadConfig(args: readonly string[], cwd: string): Config {
  const config = new Config(cwd);
  let flags = args;
  let lineOffset = 1;
  if (args.length > 0 && !args[0].startsWith("--")) {
    const fileLines = Deno.readTextFileSync(args[0]).split("\n");
    applyConfigText(config, fileLines);
    lineOffset = fileLines.length + 1;
    flags = args.slice(1);
  }
  applyConfigText(config, flagsToConfigLines(flags), lineOffset);
  return config;
}
