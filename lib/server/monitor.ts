/**
 * MONITOR: clients that see every command the server runs, one line each,
 * in Redis's format:
 *
 *     +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
 *     +1339518083.107412 [0 unix:/run/redis.sock] "get" "k"
 *
 * The dispatcher's execution path feeds it after each command (commands of
 * EXEC included, admin commands left out); this module keeps the monitoring
 * clients and writes the lines.
 *
 * @module
 */

import type { Client } from "./client.ts";

/** Shown instead of an argument a command asked to hide (AUTH passwords). */
const REDACTED = "(redacted)";

/** Escapes for the bytes Redis's sdscatrepr writes with a backslash. */
const ESCAPES: Record<number, string> = {
  0x5c: "\\\\",
  0x22: '\\"',
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x07: "\\a",
  0x08: "\\b",
};

/**
 * An argument quoted as Redis's sdscatrepr quotes it: printable ASCII as
 * it is, the usual escapes, every other byte as \xHH.
 */
export function quoteArgument(arg: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const b = arg[i];
    const escape = ESCAPES[b];
    if (escape !== undefined) out += escape;
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += "\\x" + b.toString(16).padStart(2, "0");
  }
  return out + '"';
}

/** What one monitor line says about a command. */
export interface MonitoredCommand {
  /** The client that ran it. */
  readonly client: Client;
  /** Its database when it finished. */
  readonly dbIndex: number;
  /** Its arguments as received. */
  readonly args: readonly Uint8Array[];
  /** Positions of arguments to show as "(redacted)", or null. */
  readonly redacted: ReadonlySet<number> | null;
}

/** The clients in MONITOR mode. */
export class Monitors {
  readonly #clients = new Set<Client>();
  readonly #encoder = new TextEncoder();

  /** Number of monitoring clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Puts `client` in monitor mode; false if it already was. */
  add(client: Client): boolean {
    if (client.monitor) return false;
    client.monitor = true;
    this.#clients.add(client);
    return true;
  }

  /** Takes `client` out of monitor mode (RESET, disconnection). */
  remove(client: Client): void {
    client.monitor = false;
    this.#clients.delete(client);
  }

  /** Sends the line of `command` to every monitoring client. */
  feed(command: MonitoredCommand): void {
    const micros = Math.floor(
      (performance.timeOrigin + performance.now()) * 1000,
    );
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, "0");
    const { client } = command;
    // Redis names a unix socket client by the socket, not by its address.
    const peer = client.unixSocket === null
      ? client.address
      : `unix:${client.unixSocket}`;
    let line = `+${seconds}.${fraction} [${command.dbIndex} ${peer}]`;
    const { args, redacted } = command;
    for (let i = 0; i < args.length; i++) {
      line += redacted !== null && redacted.has(i)
        ? ` "${REDACTED}"`
        : " " + quoteArgument(args[i]);
    }
    const bytes = this.#encoder.encode(line + "\r\n");
    for (const monitor of this.#clients) {
      if (monitor.closed) continue;
      monitor.reply.raw(bytes);
      monitor.transport.flush();
    }
  }
}
