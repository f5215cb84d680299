/**
 * Client-side caching (CLIENT TRACKING): the server remembers which keys a
 * tracking client read and tells it when one changes, as Redis 7.0 does.
 *
 * - Default mode: the keys of read-only commands a tracking client runs go
 *   into the tracking table (key name → client ids; like Redis's, it does
 *   not tell databases apart). A change to such a key sends one
 *   invalidation to each of those clients and forgets the key.
 * - BCAST mode: no table; every changed key that starts with one of the
 *   client's prefixes is sent, batched at the end of the event-loop turn.
 * - OPTIN / OPTOUT: reads are remembered only after CLIENT CACHING YES
 *   (OPTIN) or unless after CLIENT CACHING NO (OPTOUT), for one command.
 * - NOLOOP: no invalidations for the client's own changes.
 * - Delivery: a RESP3 connection gets `>2 invalidate [keys]` push frames; a
 *   client may redirect them to another connection, which, in RESP2, gets
 *   them as messages of the `__redis__:invalidate` channel when it is
 *   subscribed. A flush sends a null invalidation to every tracking client.
 *
 * @module
 */

import type { Client } from "./client.ts";
import { subscriptionCount } from "./pubsub.ts";

/** The options of CLIENT TRACKING ON. */
export interface TrackingOptions {
  /** Client id invalidations go to instead (0: this client). */
  readonly redirect: number;
  /** Broadcast mode. */
  readonly bcast: boolean;
  /** Prefixes of broadcast mode (empty: every key). */
  readonly prefixes: readonly string[];
  /** Remember reads only after CLIENT CACHING YES. */
  readonly optin: boolean;
  /** Remember reads unless after CLIENT CACHING NO. */
  readonly optout: boolean;
  /** No invalidations for the client's own changes. */
  readonly noloop: boolean;
}

/** A tracking client's state. */
export interface TrackingState {
  /** Client id invalidations go to (0: the client itself). */
  redirect: number;
  /** Broadcast mode. */
  bcast: boolean;
  /** OPTIN mode. */
  optin: boolean;
  /** OPTOUT mode. */
  optout: boolean;
  /** NOLOOP mode. */
  noloop: boolean;
  /** CLIENT CACHING given for the next command (yes or no), or null. */
  caching: boolean | null;
  /** The redirect client went away. */
  brokenRedirect: boolean;
  /** Broadcast prefixes. */
  readonly prefixes: Set<string>;
}

/** Keys changed under one broadcast prefix this turn, with who changed them. */
interface PrefixKeys {
  /** The clients subscribed to the prefix. */
  readonly clients: Set<Client>;
  /** Changed keys → the client that changed each (null: the server). */
  readonly changed: Map<string, Client | null>;
}

const INVALIDATE_CHANNEL = "__redis__:invalidate";

/** The tracking state of a server. */
export class Tracking {
  readonly #states = new Map<Client, TrackingState>();
  /** Key → ids of clients that read it. */
  readonly #table = new Map<string, Set<number>>();
  readonly #prefixes = new Map<string, PrefixKeys>();
  #broadcastScheduled = false;
  /** The client whose command is running, and invalidations for it after. */
  #current: Client | null = null;
  #depth = 0;
  readonly #deferred: string[] = [];
  /** Clients by id, to find redirect targets. */
  readonly #clientsById: ReadonlyMap<number, Client>;

  /** Creates the tracking state; `clients` are the connected clients by id. */
  constructor(clients: ReadonlyMap<number, Client>) {
    this.#clientsById = clients;
  }

  /** Number of tracking clients (INFO tracking_clients). */
  get clientCount(): number {
    return this.#states.size;
  }

  /** Keys in the tracking table (INFO tracking_total_keys). */
  get keyCount(): number {
    return this.#table.size;
  }

  /** Client ids in the tracking table (INFO tracking_total_items). */
  get itemCount(): number {
    let items = 0;
    for (const ids of this.#table.values()) items += ids.size;
    return items;
  }

  /** Broadcast prefixes in use (INFO tracking_total_prefixes). */
  get prefixCount(): number {
    return this.#prefixes.size;
  }

  /**
   * Turns tracking on for `client` (or changes its options, as a second
   * CLIENT TRACKING ON does: prefixes add up).
   */
  enable(client: Client, options: TrackingOptions): void {
    let state = this.#states.get(client);
    if (state === undefined) {
      state = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: null,
        brokenRedirect: false,
        prefixes: new Set(),
      };
      this.#states.set(client, state);
    }
    state.redirect = options.redirect;
    state.bcast = options.bcast;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    state.brokenRedirect = false;
    if (options.bcast) {
      const prefixes = options.prefixes.length === 0 ? [""] : options.prefixes;
      for (const prefix of prefixes) {
        state.prefixes.add(prefix);
        let entry = this.#prefixes.get(prefix);
        if (entry === undefined) {
          entry = { clients: new Set(), changed: new Map() };
          this.#prefixes.set(prefix, entry);
        }
        entry.clients.add(client);
      }
    }
  }

  /** Turns tracking off for `client` (CLIENT TRACKING OFF, RESET, disconnection). */
  disable(client: Client): void {
    const state = this.#states.get(client);
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const entry = this.#prefixes.get(prefix);
      if (entry === undefined) continue;
      entry.clients.delete(client);
      if (entry.clients.size === 0) this.#prefixes.delete(prefix);
    }
    this.#states.delete(client);
  }

  /** The options `client` tracks with, for CLIENT TRACKINGINFO and checks. */
  stateOf(client: Client): Readonly<TrackingState> | undefined {
    return this.#states.get(client);
  }

  /** CLIENT CACHING YES/NO: applies to the client's next command. */
  setCaching(client: Client, yes: boolean): void {
    const state = this.#states.get(client);
    if (state !== undefined) state.caching = yes;
  }

  /**
   * Marks the start of a command of `client`: invalidations of keys it
   * changes itself are sent after its reply.
   */
  beginCommand(client: Client): void {
    if (this.#depth++ === 0) this.#current = client;
  }

  /**
   * Marks the end of a command. `readKeys` are the keys a read-only
   * command read (null otherwise); `keepCaching` is set for CLIENT commands
   * and commands queued in MULTI, after which CLIENT CACHING still holds.
   */
  endCommand(
    client: Client,
    readKeys: readonly string[] | null,
    keepCaching: boolean,
  ): void {
    const state = this.#states.size === 0
      ? undefined
      : this.#states.get(client);
    if (state !== undefined && !state.bcast && readKeys !== null) {
      const given = state.caching;
      const remember = state.optin
        ? given === true
        : state.optout
        ? given !== false
        : true;
      if (remember) {
        for (const key of readKeys) {
          let ids = this.#table.get(key);
          if (ids === undefined) this.#table.set(key, ids = new Set());
          ids.add(client.id);
        }
      }
    }
    if (--this.#depth > 0) return;
    // Like Redis, CLIENT CACHING lasts for one command: a whole EXEC, and
    // not ended by CLIENT commands or by MULTI's queueing.
    if (state !== undefined && !keepCaching) state.caching = null;
    const current = this.#current;
    this.#current = null;
    if (current !== null && this.#deferred.length > 0) {
      const keys = this.#deferred.splice(0);
      for (const key of keys) this.#send(current, [key]);
    }
  }

  /** Whether read-only commands of `client` have their keys remembered. */
  remembersReads(client: Client): boolean {
    const state = this.#states.get(client);
    return state !== undefined && !state.bcast;
  }

  /** Invalidates `key`, which just changed (by the running command, if any). */
  keyChanged(key: string): void {
    if (this.#table.size === 0 && this.#prefixes.size === 0) return;
    const changer = this.#current;
    if (this.#prefixes.size > 0) this.#rememberForBroadcast(key, changer);
    const ids = this.#table.get(key);
    if (ids === undefined) return;
    this.#table.delete(key);
    for (const id of ids) {
      const target = this.#clientsById.get(id);
      if (target === undefined) continue;
      const state = this.#states.get(target);
      if (state === undefined || state.bcast) continue;
      if (state.noloop && target === changer) continue;
      if (target === changer) this.#deferred.push(key);
      else this.#send(target, [key]);
    }
  }

  /** A flush emptied the dataset: every tracking client gets a null invalidation. */
  flushed(): void {
    for (const client of this.#states.keys()) this.#send(client, null);
    this.#table.clear();
  }

  /** Forgets keys beyond `maxKeys`, invalidating them (tracking-table-max-keys). */
  limitKeys(maxKeys: number): void {
    if (maxKeys <= 0 || this.#table.size <= maxKeys) return;
    for (const key of this.#table.keys()) {
      if (this.#table.size <= maxKeys) break;
      this.keyChanged(key);
    }
  }

  #rememberForBroadcast(key: string, changer: Client | null): void {
    for (const [prefix, entry] of this.#prefixes) {
      if (!key.startsWith(prefix)) continue;
      entry.changed.set(key, changer);
      if (!this.#broadcastScheduled) {
        this.#broadcastScheduled = true;
        queueMicrotask(() => this.#broadcast());
      }
    }
  }

  /** Sends the keys changed this turn to the broadcast clients of their prefixes. */
  #broadcast(): void {
    this.#broadcastScheduled = false;
    for (const entry of this.#prefixes.values()) {
      if (entry.changed.size === 0) continue;
      for (const client of entry.clients) {
        const state = this.#states.get(client)!;
        const keys: string[] = [];
        for (const [key, changer] of entry.changed) {
          if (state.noloop && changer === client) continue;
          keys.push(key);
        }
        if (keys.length > 0) this.#send(client, keys);
      }
      entry.changed.clear();
    }
  }

  /** Sends an invalidation of `keys` (null: everything) for `client`. */
  #send(client: Client, keys: readonly string[] | null): void {
    const state = this.#states.get(client);
    if (state === undefined) return;
    let target = client;
    let redirected = false;
    if (state.redirect !== 0) {
      const redirect = this.#clientsById.get(state.redirect);
      if (redirect === undefined || redirect.closed) {
        state.brokenRedirect = true;
        if (client.reply.protocol === 3) {
          client.reply.push(2);
          client.reply.bulkString("tracking-redir-broken");
          client.reply.integer(state.redirect);
          client.transport.flush();
        }
        return;
      }
      target = redirect;
      redirected = true;
    }
    const reply = target.reply;
    if (reply.protocol === 3) {
      reply.push(2);
      reply.bulkString("invalidate");
    } else if (redirected && subscriptionCount(target) > 0) {
      reply.array(3);
      reply.bulkString("message");
      reply.bulkString(INVALIDATE_CHANNEL);
    } else return;
    if (keys === null) {
      // The null of the tracking client's protocol, as Redis writes it.
      reply.raw(client.reply.protocol === 3 ? NULL3 : NULL2);
    } else {
      reply.array(keys.length);
      for (const key of keys) reply.bulkString(key);
    }
    target.transport.flush();
  }
}

const NULL2 = new TextEncoder().encode("$-1\r\n");
const NULL3 = new TextEncoder().encode("_\r\n");
