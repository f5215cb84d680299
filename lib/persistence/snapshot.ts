/**
 * A point-in-time snapshot of the keyspace, serialised to RDB either at once
 * (SAVE) or a slice at a time while the server keeps serving clients
 * (BGSAVE).
 *
 * Consistency without fork(): the snapshot scans each database as SCAN
 * does and only includes keys that existed when it started. Before a
 * command modifies a key the snapshot has not reached yet, the dispatcher
 * calls {@linkcode Snapshot.beforeWrite}, which serialises that key's
 * current value first (copy-on-write at key granularity); a key created
 * ahead of the scan is noted by {@linkcode Snapshot.created} and passed
 * over. Commands whose keys cannot be known in advance finish the snapshot
 * synchronously.
 *
 * @module
 */

import { RdbOpcode } from "./rdb_reader.ts";
import type { PersistenceHost } from "./host.ts";
import type { Database, Entry } from "../store/database.ts";
import { valueTypeOps } from "../store/value_types.ts";
import type { PlainValue } from "../store/value_types.ts";
import { RdbWriter } from "./rdb_writer.ts";
import { REDIS_VERSION } from "../config/load.ts";
import { type StringValue, valueBytes } from "../store/string_value.ts";

/** Keys serialised per slice of an incremental save. */
const SLICE_KEYS = 1000;

/** The plain form of an entry's value. */
export function plainValueOf(entry: Entry): PlainValue {
  if (entry.type === "string") {
    return { type: "string", value: valueBytes(entry.value as StringValue) };
  }
  const ops = valueTypeOps(entry.type);
  if (ops.toPlain === undefined) {
    throw new Error(`type ${entry.type} cannot be saved`);
  }
  return ops.toPlain(entry.value);
}

interface DatabaseProgress {
  readonly db: Database;
  /** Next scan cursor; 0 before the first slice. */
  cursor: number;
  started: boolean;
  done: boolean;
  /**
   * Keys ahead of the cursor the scan must pass over: written early by
   * beforeWrite, or created after the snapshot started.
   */
  readonly skip: Set<string>;
}

/** Options of a {@linkcode Snapshot}. */
export interface SnapshotOptions {
  /**
   * Aux fields to add after the standard ones (a snapshot for replicas
   * carries repl-id, repl-offset and repl-stream-db, as Redis's does).
   */
  readonly aux?: readonly (readonly [string, string])[];
  /** Include the keys (default true; a filtered snapshot for redis-cli). */
  readonly data?: boolean;
  /** Include the function libraries (default true). */
  readonly functions?: boolean;
}

/** An RDB snapshot in progress. */
export class Snapshot {
  readonly #progress: DatabaseProgress[] = [];
  readonly #writer: RdbWriter;
  readonly #now: number;
  #index = 0;
  #finished = false;

  /**
   * Starts a snapshot of `server`'s keyspace; RDB bytes are handed to
   * `onChunk` as they are produced.
   */
  constructor(
    server: PersistenceHost,
    onChunk: (chunk: Uint8Array) => void,
    options: SnapshotOptions = {},
  ) {
    this.#now = Date.now();
    this.#writer = new RdbWriter(onChunk, {
      compress: server.config.flag("rdbcompression"),
      checksum: server.config.flag("rdbchecksum"),
    });
    this.#writer.header();
    this.#writer.aux("redis-ver", REDIS_VERSION);
    this.#writer.aux("redis-bits", "64");
    this.#writer.aux("ctime", String(Math.floor(this.#now / 1000)));
    this.#writer.aux("used-mem", String(Deno.memoryUsage().rss));
    for (const [name, value] of server.replicationInfo()) {
      this.#writer.aux(name, value);
    }
    this.#writer.aux("aof-base", "0");
    for (const [name, value] of options.aux ?? []) {
      this.#writer.aux(name, value);
    }
    const codes = options.functions === false
      ? []
      : server.functionLibraries.codes();
    for (const code of codes) {
      this.#writer.byte(RdbOpcode.function2);
      this.#writer.string(code);
    }
    const databases = options.data === false ? [] : server.keyspace.databases;
    for (const db of databases) {
      this.#progress.push({
        db,
        cursor: 0,
        started: false,
        done: db.size === 0,
        skip: new Set(),
      });
    }
  }

  /** True once every key has been written. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Bytes produced so far. */
  get written(): number {
    return this.#writer.written;
  }

  #write(key: string, entry: Entry): void {
    // Keys expired but not deleted yet are saved too, as Redis saves them:
    // a master drops them when loading, a replica waits for the DEL.
    this.#writer.keyValue(key, plainValueOf(entry), entry.expireAt);
  }

  #start(progress: DatabaseProgress): void {
    if (progress.started) return;
    progress.started = true;
    this.#writer.selectDb(
      progress.db.id,
      progress.db.size,
      progress.db.volatileCount,
    );
  }

  /**
   * Writes the next slice of keys; returns true when the snapshot is
   * complete (EOF and checksum written).
   */
  step(maxKeys = SLICE_KEYS): boolean {
    let budget = maxKeys;
    while (this.#index < this.#progress.length && budget > 0) {
      const progress = this.#progress[this.#index];
      if (progress.done) {
        this.#index++;
        continue;
      }
      this.#start(progress);
      const { keys, items, next } = progress.db.scanItems(
        progress.cursor,
        budget,
      );
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (progress.skip.size > 0 && progress.skip.delete(key)) continue;
        const item = items[i];
        // A plain string key has no expiry and needs no entry to be written.
        if (typeof item === "string") this.#writer.stringKeyValue(key, item);
        else this.#write(key, item);
      }
      budget -= Math.max(1, keys.length);
      progress.cursor = next;
      if (next === 0) {
        progress.done = true;
        this.#index++;
      }
    }
    if (this.#index >= this.#progress.length && !this.#finished) {
      this.#finished = true;
      this.#writer.finish();
    }
    return this.#finished;
  }

  /** Writes everything that is left. */
  finish(): void {
    while (!this.step(Number.MAX_SAFE_INTEGER)) { /* loop */ }
  }

  /**
   * Called before a command modifies `key` of `db`: if the snapshot has not
   * reached the key yet, its current value is written now.
   */
  beforeWrite(db: Database, key: string): void {
    if (this.#finished) return;
    const progress = this.#aheadOfScan(db, key);
    if (progress === null || progress.skip.has(key)) return;
    const entry = db.peek(key);
    if (entry === undefined) return;
    // Databases are written in index order, so an early key of a later
    // database must wait for its SELECTDB: finish the snapshot instead.
    if (this.#progress[this.#index] !== progress) {
      this.finish();
      return;
    }
    this.#start(progress);
    progress.skip.add(key);
    this.#write(key, entry);
  }

  /**
   * Called when `key` was just created in `db`: a key the scan has yet to
   * reach did not exist when the snapshot started, so it is passed over.
   */
  created(db: Database, key: string): void {
    if (this.#finished) return;
    this.#aheadOfScan(db, key)?.skip.add(key);
  }

  /** The progress of `db` if its scan has yet to reach `key`, else null. */
  #aheadOfScan(db: Database, key: string): DatabaseProgress | null {
    const progress = this.#progress.find((p) => p.db === db);
    if (progress === undefined || progress.done) return null;
    if (progress.cursor !== 0 && db.scanned(key, progress.cursor)) return null;
    return progress;
  }
}

/**
 * Called before a write command runs, for every snapshot in progress.
 * `keys` are the command's key arguments in database `dbIndex`, or null when
 * the command may touch keys it does not declare (then the snapshots are
 * completed first).
 */
export function beforeWrite(
  snapshots: ReadonlySet<Snapshot>,
  db: Database,
  keys: readonly string[] | null,
): void {
  for (const snapshot of snapshots) {
    if (snapshot.finished) continue;
    if (keys === null) snapshot.finish();
    else for (const key of keys) snapshot.beforeWrite(db, key);
  }
}

/** Called when `key` was created in `db`, for every snapshot in progress. */
export function keyCreated(
  snapshots: ReadonlySet<Snapshot>,
  db: Database,
  key: string,
): void {
  for (const snapshot of snapshots) snapshot.created(db, key);
}

/**
 * Starts a point-in-time snapshot of `server` and writes it to `path` in
 * slices of about 10 ms, letting clients run in between; the file is
 * fsynced before `written` resolves. The snapshot is registered in
 * `server.snapshots` while it runs, so writes consult it.
 */
export function writeSnapshotInBackground(
  server: PersistenceHost,
  path: string,
  options: SnapshotOptions = {},
): { snapshot: Snapshot; written: Promise<void> } {
  const chunks: Uint8Array[] = [];
  const snapshot = new Snapshot(
    server,
    (chunk) => chunks.push(chunk),
    options,
  );
  server.snapshots.add(snapshot);
  const write = async () => {
    const file = await Deno.open(path, {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      while (true) {
        const deadline = performance.now() + 10;
        let done = snapshot.step();
        while (!done && performance.now() < deadline) done = snapshot.step();
        for (const chunk of chunks.splice(0)) {
          let offset = 0;
          while (offset < chunk.length) {
            offset += await file.write(chunk.subarray(offset));
          }
        }
        if (done) break;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await file.sync();
    } finally {
      file.close();
      server.snapshots.delete(snapshot);
    }
  };
  return { snapshot, written: write() };
}
