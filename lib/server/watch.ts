/**
 * WATCH bookkeeping: which clients watch which keys, and marking them dirty
 * (so their EXEC fails) when a watched key changes, as Redis's multi.c does.
 *
 * Keys are watched per database index, not per Database object, so after
 * SWAPDB a client keeps watching the same index, as in Redis.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Database } from "../store/database.ts";

/** One key watched by one client. */
interface WatchedKey {
  readonly dbIndex: number;
  readonly key: string;
  /**
   * The key existed but had already expired when it was watched; its lazy
   * deletion later is then not a change.
   */
  expired: boolean;
}

/** True when `key` is still stored in `db` but its time has run out. */
function isLogicallyExpired(db: Database, key: string, now: number): boolean {
  const item = db.peekItem(key);
  return item !== undefined && typeof item !== "string" &&
    item.expireAt !== 0 && item.expireAt <= now;
}

/** Watched keys of every client. */
export class WatchRegistry {
  /** db index → key → watching clients. */
  readonly #byDb = new Map<number, Map<string, Map<Client, WatchedKey>>>();
  readonly #byClient = new Map<Client, WatchedKey[]>();

  /** Number of keys `client` watches (CLIENT LIST's watch field). */
  count(client: Client): number {
    return this.#byClient.get(client)?.length ?? 0;
  }

  /** Adds `key` of `db` to the keys `client` watches. */
  watch(client: Client, db: Database, key: string, now: number): void {
    let keys = this.#byDb.get(db.id);
    if (keys === undefined) this.#byDb.set(db.id, keys = new Map());
    let clients = keys.get(key);
    if (clients === undefined) keys.set(key, clients = new Map());
    if (clients.has(client)) return;
    const watched: WatchedKey = {
      dbIndex: db.id,
      key,
      expired: isLogicallyExpired(db, key, now),
    };
    clients.set(client, watched);
    let list = this.#byClient.get(client);
    if (list === undefined) this.#byClient.set(client, list = []);
    list.push(watched);
  }

  /** Forgets every key `client` watches (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
  unwatchAll(client: Client): void {
    const list = this.#byClient.get(client);
    if (list === undefined) return;
    this.#byClient.delete(client);
    for (const watched of list) {
      const keys = this.#byDb.get(watched.dbIndex)!;
      const clients = keys.get(watched.key)!;
      clients.delete(client);
      if (clients.size > 0) continue;
      keys.delete(watched.key);
      if (keys.size === 0) this.#byDb.delete(watched.dbIndex);
    }
  }

  /**
   * A key changed (Redis's touchWatchedKey): its watchers become dirty,
   * except for the deletion of a key that had already expired when watched.
   */
  keyChanged(db: Database, key: string): void {
    if (this.#byDb.size === 0) return;
    const clients = this.#byDb.get(db.id)?.get(key);
    if (clients === undefined) return;
    for (const [client, watched] of clients) {
      if (watched.expired && db.peekItem(key) === undefined) {
        watched.expired = false;
        continue;
      }
      this.#dirty(client);
    }
  }

  /**
   * Called before `emptied` loses its keys (FLUSHDB, FLUSHALL) or, for
   * SWAPDB, before it takes the contents of `replacedWith`: watchers of keys
   * that exist in either database become dirty (Redis's
   * touchAllWatchedKeysInDb).
   */
  databaseReplaced(
    emptied: Database,
    replacedWith: Database | null,
    now: number,
  ): void {
    const keys = this.#byDb.get(emptied.id);
    if (keys === undefined) return;
    for (const [key, clients] of keys) {
      const existsInEmptied = emptied.peekItem(key) !== undefined;
      const existsInOther = replacedWith !== null &&
        replacedWith.peekItem(key) !== undefined;
      if (!existsInEmptied && !existsInOther) continue;
      for (const [client, watched] of clients) {
        if (watched.expired) {
          if (!existsInOther) {
            watched.expired = false;
            continue;
          }
          if (isLogicallyExpired(replacedWith!, key, now)) continue;
        } else if (
          !existsInEmptied && isLogicallyExpired(replacedWith!, key, now)
        ) {
          watched.expired = true;
          continue;
        }
        this.#dirty(client);
      }
    }
  }

  /**
   * True when a key `client` watches has expired since it was watched
   * (checked by EXEC, since lazy expiry may not have deleted it yet).
   */
  anyExpired(
    client: Client,
    databases: readonly Database[],
    now: number,
  ): boolean {
    const list = this.#byClient.get(client);
    if (list === undefined) return false;
    for (const watched of list) {
      if (watched.expired) continue;
      if (isLogicallyExpired(databases[watched.dbIndex], watched.key, now)) {
        return true;
      }
    }
    return false;
  }

  #dirty(client: Client): void {
    client.dirtyCas = true;
    // Further changes cannot make it dirtier; stop tracking its keys.
    this.unwatchAll(client);
  }
}
