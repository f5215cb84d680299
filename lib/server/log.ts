/**
 * Log lines in Redis's format: "pid:M 21 Nov 2026 12:00:00.123 * message",
 * filtered by `loglevel` and written to `logfile` (stdout when empty).
 *
 * @module
 */

import type { Config } from "../config/config.ts";

/** Log levels, least to most severe, as `loglevel` names them. */
export type LogLevel = "debug" | "verbose" | "notice" | "warning";

const LEVEL_RANK: Record<string, number> = {
  debug: 0,
  verbose: 1,
  notice: 2,
  warning: 3,
};
const LEVEL_MARK: Record<LogLevel, string> = {
  debug: ".",
  verbose: "-",
  notice: "*",
  warning: "#",
};
const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Process roles in log lines: "C" before the server is set up (Redis's
 * child/early lines), "M" for a master, "S" for a replica.
 */
export type LogRole = "C" | "M" | "S";

/** Formats a log line the way Redis does. */
export function formatLogLine(
  level: LogLevel,
  message: string,
  date = new Date(),
  pid = Deno.pid,
  role: LogRole = "M",
): string {
  const stamp =
    `${pad(date.getDate())} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${
      pad(date.getSeconds())
    }.` +
    pad(date.getMilliseconds(), 3);
  return `${pid}:${role} ${stamp} ${LEVEL_MARK[level]} ${message}\n`;
}

/** Writes log lines honouring the configured level and file. */
export class Logger {
  readonly #config: Config;
  readonly #encoder = new TextEncoder();
  /** The role lines are logged with by default ("S" while a replica). */
  role: LogRole = "M";

  /** Creates a logger that reads `loglevel` and `logfile` from `config`. */
  constructor(config: Config) {
    this.#config = config;
  }

  /** Logs `message` at `level` if the configured level lets it through. */
  write(level: LogLevel, message: string, role: LogRole = this.role): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.#config.get("loglevel")]) return;
    this.#output(formatLogLine(level, message, new Date(), Deno.pid, role));
  }

  /**
   * Logs a line the way Redis's signal handler does (no level filter):
   * "pid:signal-handler (unix time) message".
   */
  signal(message: string): void {
    const seconds = Math.floor(Date.now() / 1000);
    this.#output(`${Deno.pid}:signal-handler (${seconds}) ${message}\n`);
  }

  #output(line: string): void {
    const bytes = this.#encoder.encode(line);
    const file = this.#config.get("logfile");
    try {
      if (file === "") Deno.stdout.writeSync(bytes);
      else Deno.writeFileSync(file, bytes, { append: true });
    } catch {
      // Like Redis, a log that cannot be written is not a reason to stop.
    }
  }

  /** Logs at notice level. */
  notice(message: string): void {
    this.write("notice", message);
  }

  /** Logs at warning level. */
  warning(message: string): void {
    this.write("warning", message);
  }

  /** Logs at verbose level. */
  verbose(message: string): void {
    this.write("verbose", message);
  }

  /** Logs at debug level. */
  debug(message: string): void {
    this.write("debug", message);
  }
}
