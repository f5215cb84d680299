/**
 * Propagation: the one place a write's effect goes, as the command rewrote
 * it for replay (absolute expiry times, blocking pops as plain pops...).
 * Every consumer (the AOF today, replicas and MONITOR later) is fed from
 * here and nowhere else.
 *
 * As in Redis 7.0, the effects of one execution unit (a command run from
 * the top, with the commands EXEC runs inside it) are collected while it
 * runs and sent when it ends: one effect as it is, several wrapped in
 * MULTI/EXEC so they replay atomically.
 *
 * @module
 */

import type { ReplyWriter } from "../resp/encoder.ts";

/** One propagated command: its name and arguments. */
export type PropagatedCommand = readonly (Uint8Array | string)[];

/** A consumer of propagated commands (the AOF, a replica stream...). */
export interface PropagationTarget {
  /**
   * Takes a command that changed database `dbIndex`; -1 for EXEC, which
   * needs no database. The target emits SELECT itself when the database
   * differs from the one its stream last selected.
   */
  feed(dbIndex: number, command: PropagatedCommand): void;
}

/**
 * Writes `command` into `out` as a RESP array of bulk strings, as the AOF and
 * the replication stream carry it, preceded by SELECT when `dbIndex` (-1
 * for none) differs from the database the stream has `selected`. Returns
 * the database selected afterwards.
 */
export function writePropagated(
  out: ReplyWriter,
  selected: number,
  dbIndex: number,
  command: PropagatedCommand,
): number {
  if (dbIndex !== -1 && dbIndex !== selected) {
    out.array(2);
    out.bulkString("SELECT");
    out.bulkString(String(dbIndex));
    selected = dbIndex;
  }
  out.array(command.length);
  for (const arg of command) {
    if (typeof arg === "string") out.bulkString(arg);
    else out.bulk(arg);
  }
  return selected;
}

const MULTI: PropagatedCommand = ["MULTI"];
const EXEC: PropagatedCommand = ["EXEC"];

/** Collects the effects of execution units and feeds them to the targets. */
export class Propagator {
  readonly #targets: PropagationTarget[] = [];
  /**
   * Effects of the unit in progress: database index and command, in the
   * first #pendingCount slots (reused, so a command costs no allocation).
   */
  readonly #pendingDbs: number[] = [];
  readonly #pending: PropagatedCommand[] = [];
  #pendingCount = 0;
  #depth = 0;

  /** Adds a consumer; it gets every command propagated from now on. */
  addTarget(target: PropagationTarget): void {
    this.#targets.push(target);
  }

  /** Marks the start of a command run; nested runs join the outer unit. */
  enter(): void {
    this.#depth++;
  }

  /** Marks the end of a command run; the outermost sends the unit's effects. */
  leave(): void {
    if (--this.#depth > 0 || this.#pendingCount === 0) return;
    const count = this.#pendingCount;
    this.#pendingCount = 0;
    const dbs = this.#pendingDbs;
    const commands = this.#pending;
    // Like Redis 7.0, MULTI goes to the first command's database.
    if (count > 1) this.#send(dbs[0], MULTI);
    for (let i = 0; i < count; i++) {
      this.#send(dbs[i], commands[i]);
      commands[i] = EXEC; // drops the reference to the arguments
    }
    if (count > 1) this.#send(-1, EXEC);
  }

  /** Adds an effect of the running unit (sent when it ends). */
  propagate(dbIndex: number, command: PropagatedCommand): void {
    if (this.#depth === 0) {
      this.#send(dbIndex, command);
      return;
    }
    this.#pendingDbs[this.#pendingCount] = dbIndex;
    this.#pending[this.#pendingCount++] = command;
  }

  #send(dbIndex: number, command: PropagatedCommand): void {
    const targets = this.#targets;
    for (let i = 0; i < targets.length; i++) targets[i].feed(dbIndex, command);
  }
}
