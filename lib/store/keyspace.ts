/**
 * The numbered databases of a server.
 *
 * @module
 */

import { Database } from "./database.ts";

/** All databases, addressed by index (SELECT, MOVE, SWAPDB). */
export class Keyspace {
  /** The databases, index = database number. */
  readonly databases: Database[] = [];

  /** Creates `count` empty databases; `onExpired` hears of every expired key. */
  constructor(
    count: number,
    onExpired: ((db: Database, key: string) => void) | null = null,
  ) {
    for (let i = 0; i < count; i++) {
      const db = new Database(i);
      db.onExpired = onExpired;
      this.databases.push(db);
    }
  }

  /** Database number `index`. */
  db(index: number): Database {
    return this.databases[index];
  }

  /** Swaps the contents of two databases (SWAPDB). */
  swap(a: number, b: number): void {
    const first = this.databases[a];
    const second = this.databases[b];
    this.databases[a] = second;
    this.databases[b] = first;
    second.id = a;
    first.id = b;
  }

  /** Removes every key of every database. */
  clear(): void {
    for (const db of this.databases) db.clear();
  }

  /** Total number of keys. */
  get totalKeys(): number {
    let n = 0;
    for (const db of this.databases) n += db.size;
    return n;
  }
}
