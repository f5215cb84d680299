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

/** The pause state of a server and the clients it holds. */
export class ClientPause {
  #mode: PauseMode | null = null;
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
   * Pauses until `durationMs` from now in `mode`. Like Redis, a pause
   * already in force is only ever extended and made stricter.
   */
  pause(mode: PauseMode, durationMs: number, now = Date.now()): void {
    if (this.#mode !== "all") this.#mode = mode;
    const until = now + durationMs;
    if (until <= this.#until) return;
    this.#until = until;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.unpause(),
      Math.min(Math.max(0, durationMs), MAX_TIMER_MS),
    );
    expiry.suspended = true;
  }

  /** Ends the pause and lets every held client go on, in the order held. */
  unpause(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#mode = null;
    this.#until = 0;
    expiry.suspended = false;
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
