/**
 * The slow log (SLOWLOG): commands that took at least
 * `slowlog-log-slower-than` microseconds, newest first, at most
 * `slowlog-max-len` of them, each with its arguments shortened as Redis
 * shortens them (32 arguments, 128 bytes each).
 *
 * @module
 */

import type { Client } from "./client.ts";

/** Arguments kept per entry, the last one saying how many were left out. */
const MAX_ARGS = 32;
/** Bytes kept per argument. */
const MAX_ARG_BYTES = 128;

const encoder = new TextEncoder();
const REDACTED = encoder.encode("(redacted)");

/** One slow command, as SLOWLOG GET shows it. */
export interface SlowLogEntry {
  /** Increasing id (the first entry is 0). */
  readonly id: number;
  /** Unix time in seconds when it was logged. */
  readonly time: number;
  /** How long it took, in microseconds. */
  readonly micros: number;
  /** Its arguments, shortened. */
  readonly args: readonly Uint8Array[];
  /** The client's address, "ip:port". */
  readonly peer: string;
  /** The client's name when the command ended ("" without one). */
  readonly name: string;
}

/** What {@linkcode SlowLog.push} records. */
export interface SlowCommand {
  /** The client that ran it. */
  readonly client: Client;
  /** Its arguments as received. */
  readonly args: readonly Uint8Array[];
  /** Positions of arguments to show as "(redacted)", or null. */
  readonly redacted: ReadonlySet<number> | null;
  /** How long it took, in microseconds. */
  readonly micros: number;
}

/** An argument cut to MAX_ARG_BYTES with Redis's "... (N more bytes)". */
function shorten(arg: Uint8Array): Uint8Array {
  if (arg.length <= MAX_ARG_BYTES) return arg.slice();
  const note = encoder.encode(`... (${arg.length - MAX_ARG_BYTES} more bytes)`);
  const out = new Uint8Array(MAX_ARG_BYTES + note.length);
  out.set(arg.subarray(0, MAX_ARG_BYTES));
  out.set(note, MAX_ARG_BYTES);
  return out;
}

/** The slow log of a server. */
export class SlowLog {
  /** Entries, oldest first. */
  #entries: SlowLogEntry[] = [];
  #nextId = 0;

  /** Number of entries (SLOWLOG LEN). */
  get length(): number {
    return this.#entries.length;
  }

  /** Logs a command, dropping the oldest entries beyond `maxLength`. */
  push(command: SlowCommand, maxLength: number): void {
    const { args, redacted } = command;
    const kept = Math.min(args.length, MAX_ARGS);
    const shown: Uint8Array[] = [];
    for (let i = 0; i < kept; i++) {
      if (kept < args.length && i === MAX_ARGS - 1) {
        shown.push(
          encoder.encode(`... (${args.length - MAX_ARGS + 1} more arguments)`),
        );
      } else if (redacted !== null && redacted.has(i)) shown.push(REDACTED);
      else shown.push(shorten(args[i]));
    }
    this.#entries.push({
      id: this.#nextId++,
      time: Math.floor(Date.now() / 1000),
      micros: command.micros,
      args: shown,
      peer: command.client.address,
      name: command.client.name,
    });
    this.trim(maxLength);
  }

  /** Drops the oldest entries beyond `maxLength` (also on CONFIG SET). */
  trim(maxLength: number): void {
    const excess = this.#entries.length - maxLength;
    if (excess > 0) this.#entries.splice(0, excess);
  }

  /** The newest `count` entries, newest first (all with a negative count). */
  newest(count: number): SlowLogEntry[] {
    const entries = this.#entries;
    const n = count < 0 ? entries.length : Math.min(count, entries.length);
    const out: SlowLogEntry[] = [];
    for (let i = entries.length - 1; out.length < n; i--) out.push(entries[i]);
    return out;
  }

  /** Empties the log (SLOWLOG RESET); ids go on increasing. */
  reset(): void {
    this.#entries = [];
  }
}
