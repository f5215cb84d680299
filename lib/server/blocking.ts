/**
 * Blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK, ...): clients wait on keys
 * until another command changes one of them or their timeout expires.
 *
 * As in Redis, a change only marks a key as ready; waiting clients are served
 * after the command that changed it has finished (so a push inside MULTI/EXEC
 * wakes clients after EXEC), in the order they blocked. Serving, timing out
 * and unblocking complete the blocked command through the dispatcher's one
 * execution path, so its statistics, propagation and the snapshot's
 * copy-on-write hook apply as to any command.
 *
 * @module
 */

import type { CommandContext } from "../commands/context.ts";
import type { Client } from "./client.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Database } from "../store/database.ts";

/** A client waiting in a blocking command. */
export interface BlockedRequest {
  /** Database the keys belong to. */
  readonly dbIndex: number;
  /** Keys (binary strings) whose change may let the client proceed. */
  readonly keys: readonly string[];
  /**
   * Tries to complete the command now that `key` changed: writes the reply
   * and returns true, or returns false to keep waiting.
   */
  tryServe(ctx: CommandContext, key: string): boolean;
  /** Writes the reply for an expired timeout (the null reply, usually). */
  timedOut(ctx: CommandContext): void;
}

/** Longest delay setTimeout honours; longer timeouts never fire in practice. */
const MAX_TIMER_MS = 2147483647;

/** How a client leaves the blocked state early (CLIENT UNBLOCK). */
export type UnblockReason = "timeout" | "error";

/** The command a client blocked in, as the dispatcher ran it. */
export interface BlockedCommand {
  /** The command's table entry. */
  readonly spec: CommandSpec;
  /** Its arguments, the name first. */
  readonly args: Uint8Array[];
}

/**
 * A blocked client: the command it ran, completed later through the
 * dispatcher's execution path like any other run, and how to complete it.
 */
interface Waiter extends BlockedCommand {
  readonly ctx: CommandContext;
  readonly request: BlockedRequest;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Tracks blocked clients by key and serves them when keys become ready. */
export class BlockingManager {
  /** Waiters per "db:key", in blocking order. */
  readonly #byKey = new Map<string, Waiter[]>();
  readonly #byClient = new Map<Client, Waiter>();
  /** Keys changed since the last serving round. */
  #ready = new Set<string>();
  #serving = false;

  /** Blocked clients waiting with a timeout (INFO clients_in_timeout_table). */
  get timedCount(): number {
    let timed = 0;
    for (const waiter of this.#byClient.values()) {
      if (waiter.timer !== undefined) timed++;
    }
    return timed;
  }

  /** Number of blocked clients (INFO clients: blocked_clients). */
  get blockedCount(): number {
    return this.#byClient.size;
  }

  /**
   * Blocks the client of `ctx` until `request` is served or `timeoutMs`
   * (0 = forever) passes.
   */
  block(ctx: CommandContext, request: BlockedRequest, timeoutMs: number): void {
    const client = ctx.client;
    const waiter: Waiter = {
      ctx,
      spec: ctx.spec!,
      args: ctx.args,
      request,
      timer: undefined,
    };
    for (const key of request.keys) {
      const id = `${request.dbIndex}:${key}`;
      let list = this.#byKey.get(id);
      if (list === undefined) this.#byKey.set(id, list = []);
      list.push(waiter);
    }
    this.#byClient.set(client, waiter);
    client.blocked = true;
    if (timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
      waiter.timer = setTimeout(() => {
        waiter.timer = undefined;
        this.#finish(waiter);
      }, timeoutMs);
    }
  }

  /** Notes that `key` changed; waiters on it are tried by {@linkcode serveReady}. */
  keyChanged(db: Database, key: string): void {
    if (this.#byKey.size === 0) return;
    const id = `${db.id}:${key}`;
    if (this.#byKey.has(id)) this.#ready.add(id);
  }

  /**
   * Notes that database `dbIndex` got new contents or lost them (SWAPDB,
   * FLUSHDB, FLUSHALL): all its waited keys are tried, as Redis's
   * scanDatabaseForReadyKeys and scanDatabaseForDeletedKeys do.
   */
  databaseChanged(dbIndex: number): void {
    if (this.#byKey.size === 0) return;
    const prefix = `${dbIndex}:`;
    for (const id of this.#byKey.keys()) {
      if (id.startsWith(prefix)) this.#ready.add(id);
    }
  }

  /** Serves clients waiting on keys that changed; called after each command. */
  serveReady(): void {
    if (this.#ready.size === 0 || this.#serving) return;
    this.#serving = true;
    try {
      while (this.#ready.size > 0) {
        const ready = this.#ready;
        this.#ready = new Set();
        for (const id of ready) {
          const waiters = this.#byKey.get(id);
          if (waiters === undefined) continue;
          const key = id.slice(id.indexOf(":") + 1);
          for (const waiter of [...waiters]) {
            if (!this.#byClient.has(waiter.ctx.client)) continue;
            const served = waiter.ctx.dispatcher.completeBlocked(
              waiter.ctx,
              waiter,
              (ctx) => waiter.request.tryServe(ctx, key),
            );
            if (served) this.#release(waiter, true);
          }
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  /**
   * Tries to serve the clients that wait on no key (WAIT), when what they
   * wait for may have happened.
   */
  serveKeyless(): void {
    for (const waiter of [...this.#byClient.values()]) {
      if (waiter.request.keys.length > 0) continue;
      const served = waiter.ctx.dispatcher.completeBlocked(
        waiter.ctx,
        waiter,
        (ctx) => waiter.request.tryServe(ctx, ""),
      );
      if (served) this.#release(waiter, true);
    }
  }

  /**
   * Unblocks a client early (CLIENT UNBLOCK): with "timeout" it gets its
   * timeout reply, with "error" an UNBLOCKED error. Returns false if the
   * client was not blocked.
   */
  unblock(client: Client, reason: UnblockReason): boolean {
    const waiter = this.#byClient.get(client);
    if (waiter === undefined) return false;
    waiter.ctx.dispatcher.completeBlocked(waiter.ctx, waiter, (ctx) => {
      if (reason === "timeout") waiter.request.timedOut(ctx);
      else {
        const message = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
        ctx.server.stats.countError(message);
        ctx.reply.error(message);
      }
      return true;
    }, { failed: true });
    this.#release(waiter, true);
    return true;
  }

  /** Forgets a client that disconnected while blocked. */
  remove(client: Client): void {
    const waiter = this.#byClient.get(client);
    if (waiter !== undefined) this.#release(waiter, false);
  }

  /** Completes a blocked command with its timeout reply. */
  #finish(waiter: Waiter): void {
    if (!this.#byClient.has(waiter.ctx.client)) return;
    waiter.ctx.dispatcher.completeBlocked(waiter.ctx, waiter, (ctx) => {
      waiter.request.timedOut(ctx);
      return true;
    });
    this.#release(waiter, true);
  }

  #release(waiter: Waiter, resume: boolean): void {
    const client = waiter.ctx.client;
    this.#byClient.delete(client);
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    for (const key of waiter.request.keys) {
      const id = `${waiter.request.dbIndex}:${key}`;
      const list = this.#byKey.get(id);
      if (list === undefined) continue;
      const index = list.indexOf(waiter);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.#byKey.delete(id);
    }
    client.blocked = false;
    if (resume) waiter.ctx.dispatcher.resume(client);
  }

  /** Unblocks everyone without replying (server shutdown). */
  clear(): void {
    for (const waiter of [...this.#byClient.values()]) {
      this.#release(waiter, false);
    }
  }
}
