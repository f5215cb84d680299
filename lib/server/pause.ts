/**
 * CLIENT PAUSE: for a while the server holds clients' commands, all of them
 * (ALL) or those that could change the dataset (WRITE: write and
 * may-replicate commands, and EXEC of a transaction holding one). A held
 * client waits like a blocked one (blocked_clients, flag b) and runs its
 * command once the pause ends. While paused, keys are not expired: a
 * lookup treats an expired key as missing but leaves it in place, and the
 * active expiry cycle does not run.
 *
 * @module
 */

import type { Client } from "./client.ts";
import { expiry } from "../store/database.ts";

/** What a pause holds. */
export type PauseMode = "write" | "all";

/** Longest delay setTimeout honours. */
const MAX_TIMER_MS = 2147483647;

/**
 * Who paused: CLIENT PAUSE, or FAILOVER and SHUTDOWN waiting for replicas.
 * As in Redis, each lifts only its own pause.
 */
export type PausePurpose = "client" | "failover" | "shutdown";

/** The pause state of a server and the clients it holds. */
export class ClientPause {
  #mode: PauseMode | null = null;
  /** The pause in force for each purpose. */
  readonly #purposes = new Map<PausePurpose, PauseMode>();
  /** When CLIENT PAUSE's pause ends (ms since the epoch), 0 for none. */
  #until = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #held = new Set<Client>();
  /** Runs a released client's queued commands (set by the dispatcher). */
  #resume: (client: Client) => void = () => {};

  /** Sets how released clients are resumed. */
  onRelease(resume: (client: Client) => void): void {
    this.#resume = resume;
  }

  /** The mode in force, or null when not paused. */
  get mode(): PauseMode | null {
    return this.#mode;
  }

  /** Number of held clients (part of INFO's blocked_clients). */
  get heldCount(): number {
    return this.#held.size;
  }

  /**
   * CLIENT PAUSE: pauses until `durationMs` from now in `mode`. Like Redis,
   * a pause already in force is only ever extended and made stricter.
   */
  pause(mode: PauseMode, durationMs: number, now = Date.now()): void {
    const current = this.#purposes.get("client");
    this.#purposes.set("client", current === "all" ? "all" : mode);
    const until = now + durationMs;
    if (until > this.#until) {
      this.#until = until;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = setTimeout(
        () => this.unpause(),
        Math.min(Math.max(0, durationMs), MAX_TIMER_MS),
      );
    }
    this.#update();
  }

  /** Pauses writes until {@linkcode resumeFor} the same purpose. */
  pauseFor(purpose: Exclude<PausePurpose, "client">): void {
    this.#purposes.set(purpose, "write");
    this.#update();
  }

  /** Lifts the pause of `purpose` (FAILOVER or SHUTDOWN done or aborted). */
  resumeFor(purpose: Exclude<PausePurpose, "client">): void {
    if (this.#purposes.delete(purpose)) this.#update();
  }

  /** CLIENT UNPAUSE (or its timeout): ends CLIENT PAUSE's pause. */
  unpause(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#until = 0;
    this.#purposes.delete("client");
    this.#update();
  }

  /**
   * The strictest pause of every purpose is in force; when none is left
   * every held client goes on, in the order held.
   */
  #update(): void {
    let mode: PauseMode | null = null;
    for (const purposeMode of this.#purposes.values()) {
      if (purposeMode === "all" || mode === null) mode = purposeMode;
    }
    this.#mode = mode;
    expiry.suspended = mode !== null;
    if (mode !== null) return;
    const held = [...this.#held];
    this.#held.clear();
    for (const client of held) {
      client.blocked = false;
      if (!client.closed) this.#resume(client);
    }
  }

  /**
   * Holds `client`, whose command `args` must wait: it goes back to the
   * front of the client's queue and runs when the pause ends.
   */
  hold(client: Client, args: Uint8Array[]): void {
    client.pending.unshift(args);
    for (const arg of args) client.pendingBytes += arg.length;
    client.blocked = true;
    this.#held.add(client);
  }

  /** Forgets a client that disconnected while held. */
  remove(client: Client): void {
    this.#held.delete(client);
  }
}
