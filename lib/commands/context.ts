/**
 * What a command handler works with: the server state, the calling client
 * and its selected database, and the time the command started.
 *
 * @module
 */

import type { ReplyWriter } from "../resp/encoder.ts";
import type { Client } from "../server/client.ts";
import type { EventClass, Server } from "../server/server.ts";
import type { Database, Entry, StoredItem } from "../store/database.ts";
import type { Dispatcher } from "./dispatch.ts";
import type { CommandSpec } from "./spec.ts";

/** What a {@linkcode CommandContext} is made of. */
export interface CommandContextOptions {
  /** The server state. */
  readonly server: Server;
  /** The client whose commands run in the context. */
  readonly client: Client;
  /** The dispatcher, whose execution path nested commands go through. */
  readonly dispatcher: Dispatcher;
}

/** The environment of one command execution. */
export class CommandContext {
  /** The server state. */
  readonly server: Server;
  /** The client running the command. */
  readonly client: Client;
  /**
   * The dispatcher: EXEC runs its queued commands and the blocking code
   * completes blocked commands through its one execution path.
   */
  readonly dispatcher: Dispatcher;
  /** Time the command started, ms since the epoch; expiry is judged by it. */
  now = 0;
  /** The command running in this context (null between commands). */
  spec: CommandSpec | null = null;
  /** Its arguments, the name first. */
  args: Uint8Array[] = [];
  /** Positions of its arguments MONITOR must not show, or null. */
  redacted: Set<number> | null = null;

  /**
   * Commands to log in the AOF (and replicate) instead of the one received,
   * when that one would not replay to the same state (relative expiry
   * times, random picks, blocking forms...). Null: log it as received.
   */
  propagated: (Uint8Array | string)[][] | null = null;

  /** Creates a context for the commands of `options.client`. */
  constructor(options: CommandContextOptions) {
    this.server = options.server;
    this.client = options.client;
    this.dispatcher = options.dispatcher;
  }
  /**
   * Whether an expiry time `at` (ms) a command sets has already passed, so
   * the key goes at once (Redis's checkAlreadyExpired). While loading, and
   * on a replica (which waits for its master's DEL), the time is set
   * instead and the key expires as any other.
   */
  alreadyExpired(at: number): boolean {
    return at <= this.now && !this.server.loading &&
      !this.server.replication.isReplica;
  }

  /**
   * Hides argument `index` of the running command from MONITOR (and, later,
   * the slow log), as Redis redacts AUTH and HELLO passwords.
   */
  redact(index: number): void {
    (this.redacted ??= new Set()).add(index);
  }

  /**
   * Logs `args` in place of the running command (call several times for
   * several commands), like Redis's command rewriting and alsoPropagate.
   */
  propagate(args: (Uint8Array | string)[]): void {
    (this.propagated ??= []).push(args);
  }

  /**
   * Looks `key` up for reading, as Redis's lookupKeyRead does: counts a
   * keyspace hit or miss, and a miss is a "keymiss" event (class m).
   * `touch` is false for probes that are not an access to the key.
   */
  readKey(key: string, db = this.db, touch = true): Entry | undefined {
    const entry = db.get(key, this.now, touch);
    this.#countRead(db, key, entry !== undefined);
    return entry;
  }

  /**
   * Like {@linkcode readKey}, but a plain string value comes as stored (see
   * Database.lookup): for commands that only read the value.
   */
  readValue(key: string, db = this.db, touch = true): StoredItem | undefined {
    const item = db.lookup(key, this.now, touch);
    this.#countRead(db, key, item !== undefined);
    return item;
  }

  /** Counts a read lookup's keyspace hit or miss; a miss is a keymiss event. */
  #countRead(db: Database, key: string, found: boolean): void {
    const server = this.server;
    if (found) server.stats.keyspaceHits++;
    else {
      server.stats.keyspaceMisses++;
      server.notifier.notify(db, key, "m", "keymiss");
    }
  }

  /** The client's selected database. */
  get db(): Database {
    return this.server.keyspace.db(this.client.dbIndex);
  }

  /** Where the reply goes. */
  get reply(): ReplyWriter {
    return this.client.reply;
  }

  /**
   * Records a change to `key` in the selected database: counts `changes`
   * dirty changes and tells listeners (WATCH, keyspace notifications,
   * blocked clients). `eventClass` and `event` are the keyspace notification
   * class and name Redis uses for the change (e.g. "$" and "set", "g" and
   * "del", "l" and "lpush").
   */
  keyChanged(
    key: string,
    eventClass: EventClass,
    event: string,
    changes = 1,
  ): void {
    this.server.dirty += changes;
    this.server.keyChanged(this.db, key, eventClass, event);
  }
}
