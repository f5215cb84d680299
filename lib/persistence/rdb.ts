/**
 * RDB persistence: loading at start-up, SAVE, BGSAVE and save points.
 * Files are written to a temporary name, fsynced, then renamed over the
 * target, so a crash never leaves a half-written dump.
 *
 * @module
 */

import type { PersistenceHost } from "./host.ts";
import { syncDirectory } from "../util/files.ts";
import { Entry } from "../store/database.ts";
import { hasValueType, valueTypeOps } from "../store/value_types.ts";
import type { PlainValue } from "../store/value_types.ts";
import { compactString, EMBSTR_SIZE_LIMIT } from "../store/string_value.ts";
import { bytesToString } from "../util/bytes.ts";
import { type LoadedKey, RdbError, readRdb } from "./rdb_reader.ts";
import {
  Snapshot,
  type SnapshotOptions,
  writeSnapshotInBackground,
} from "./snapshot.ts";

/** Result of the last background save, as INFO persistence reports it. */
export type SaveStatus = "ok" | "err";

/** Builds an in-memory entry from a loaded plain value. */
export function entryFromPlain(
  server: PersistenceHost,
  plain: PlainValue,
  now: number,
): Entry {
  if (plain.type === "string") {
    return new Entry("string", compactString(plain.value), now);
  }
  if (!hasValueType(plain.type)) {
    throw new RdbError(
      `this server does not support the ${plain.type} type yet`,
    );
  }
  const ops = valueTypeOps(plain.type);
  if (ops.fromPlain === undefined) {
    throw new RdbError(
      `this server cannot load values of type ${plain.type} yet`,
    );
  }
  const { value, flags } = ops.fromPlain(plain, server.config);
  const entry = new Entry(plain.type, value, now);
  entry.flags = flags;
  return entry;
}

/** Options of {@linkcode RdbPersistence.loadBytes}. */
export interface RdbLoadOptions {
  /** A key found twice replaces the first (default true) or is an error. */
  readonly allowDuplicates?: boolean;
  /**
   * Load keys whose expiry time passed (default: only on a replica), as
   * Redis does for a replica and for an AOF's RDB preamble.
   */
  readonly keepExpired?: boolean;
}

/** RDB state and operations of a server. */
export class RdbPersistence {
  /** A BGSAVE in progress, if any. */
  snapshot: Snapshot | null = null;
  /** BGSAVE SCHEDULE asked for a save; the cron starts it when it can. */
  bgsaveScheduled = false;
  /** Outcome of the last BGSAVE (rdb_last_bgsave_status). */
  lastBgsaveStatus: SaveStatus = "ok";
  /** Duration of the last BGSAVE in seconds, -1 before the first. */
  lastBgsaveSeconds: number = -1;
  /** Date.now() when the running BGSAVE started. */
  bgsaveStartedAt = 0;
  /** Dirty counter when the current BGSAVE started. */
  #dirtyAtStart = 0;
  /** Unix time (s) of the last save attempt, for retrying failed saves. */
  lastAttempt = 0;
  /** Number of keys loaded at start-up and time spent. */
  loadedKeys = 0;
  /** Successful saves since start-up (rdb_saves). */
  saves = 0;
  /** Keys skipped at start-up because they had already expired. */
  loadedExpiredKeys = 0;
  /** The aux fields of the last file loaded (replication history, ...). */
  loadedAux: ReadonlyMap<string, string> = new Map();
  #aborted = false;

  /** Creates the RDB persistence of `server`. */
  constructor(readonly server: PersistenceHost) {}

  /** Path of the dump file. */
  get path(): string {
    const dir = this.server.config.get("dir");
    return `${dir}/${this.server.config.get("dbfilename")}`;
  }

  /**
   * Loads the dump file into the (empty) keyspace. A missing file means an
   * empty dataset; anything unreadable throws an RdbError naming the file.
   */
  load(path = this.path, allowDuplicates = true): boolean {
    let data: Uint8Array;
    try {
      data = Deno.readFileSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
    this.loadBytes(data, path, { allowDuplicates });
    return true;
  }

  /** Loads an RDB image (also used for the RDB preamble of an AOF base file). */
  loadBytes(
    data: Uint8Array,
    source: string,
    options: RdbLoadOptions = {},
  ): void {
    const server = this.server;
    const now = Date.now();
    const allowDuplicates = options.allowDuplicates ?? true;
    // Like Redis, only a master drops keys already expired: a replica
    // keeps them for its master's DEL.
    const keepExpired = options.keepExpired ??
      server.config.get("replicaof") !== "";
    const databases = server.keyspace.databases.length;
    try {
      const summary = readRdb(
        data,
        (loaded: LoadedKey) => {
          if (loaded.db >= databases) {
            throw new RdbError(
              `the file uses database ${loaded.db}, but this server is configured with ${databases} databases`,
            );
          }
          if (
            !keepExpired && loaded.expireAt !== 0 && loaded.expireAt <= now
          ) {
            this.loadedExpiredKeys++;
            return;
          }
          const db = server.keyspace.db(loaded.db);
          const name = bytesToString(loaded.key);
          if (!allowDuplicates && db.peekItem(name) !== undefined) {
            throw new RdbError(`duplicate key '${name}' found in the file`);
          }
          const plain = loaded.value;
          if (
            plain.type === "string" && loaded.expireAt === 0 &&
            plain.value.length <= EMBSTR_SIZE_LIMIT
          ) {
            // What SET would have made: a plain value, no entry.
            db.setString(name, bytesToString(plain.value), now, loaded);
            this.loadedKeys++;
            return;
          }
          const entry = entryFromPlain(server, loaded.value, now);
          entry.expireAt = loaded.expireAt;
          entry.restoreAccess(loaded, now);
          db.set(name, entry);
          this.loadedKeys++;
        },
        server.config.flag("rdbchecksum") && !server.skipChecksumValidation,
      );
      this.loadedAux = summary.aux;
      for (const code of summary.functions) {
        try {
          server.functionLibraries.load(code, true);
        } catch (error) {
          throw new RdbError(
            `failed loading a function library: ${
              error instanceof Error ? error.message : error
            }`,
          );
        }
      }
    } catch (error) {
      if (error instanceof RdbError) {
        throw new RdbError(`Error loading ${source}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Synchronous save (SAVE, SHUTDOWN, FLUSHALL with save points). */
  save(): void {
    if (this.snapshot !== null) this.#finishBackgroundNow();
    const dir = this.server.config.get("dir");
    const temp = `${dir}/temp-${Deno.pid}.rdb`;
    const file = Deno.openSync(temp, {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      const snapshot = new Snapshot(this.server, (chunk) => {
        let offset = 0;
        while (offset < chunk.length) {
          offset += file.writeSync(chunk.subarray(offset));
        }
      });
      snapshot.finish();
      file.syncSync();
    } catch (error) {
      file.close();
      Deno.removeSync(temp);
      throw error;
    }
    file.close();
    Deno.renameSync(temp, this.path);
    syncDirectory(dir);
    this.#saved(this.server.dirty);
  }

  #saved(dirtyAtStart: number): void {
    this.server.dirty -= dirtyAtStart;
    this.saves++;
    this.server.lastSave = Math.floor(Date.now() / 1000);
    this.server.log.notice("DB saved on disk");
  }

  /** Whether a BGSAVE is running. */
  get inProgress(): boolean {
    return this.snapshot !== null;
  }

  /**
   * Starts a background save; returns a promise that settles when it is
   * done. The snapshot is point-in-time: see {@linkcode Snapshot}.
   */
  backgroundSave(options: SnapshotOptions = {}): Promise<void> {
    const server = this.server;
    const dir = server.config.get("dir");
    const temp = `${dir}/temp-bg-${Deno.pid}.rdb`;
    const target = this.path;
    this.#dirtyAtStart = server.dirty;
    this.bgsaveStartedAt = Date.now();
    this.lastAttempt = Math.floor(this.bgsaveStartedAt / 1000);
    server.log.notice("Background saving started");
    const { snapshot, written } = writeSnapshotInBackground(
      server,
      temp,
      options,
    );
    this.snapshot = snapshot;
    const run = async () => {
      await written;
      if (this.#aborted) {
        await Deno.remove(temp).catch(() => {});
        return;
      }
      await Deno.rename(temp, target);
      syncDirectory(dir);
    };
    this.#aborted = false;
    const done = run().then(
      () => {
        if (this.#aborted) {
          server.log.notice("Background saving aborted");
          return;
        }
        this.lastBgsaveStatus = "ok";
        this.#saved(this.#dirtyAtStart);
        server.log.notice("Background saving terminated with success");
      },
      (error) => {
        this.lastBgsaveStatus = "err";
        server.log.warning(`Background saving error: ${error}`);
        Deno.remove(temp).catch(() => {});
      },
    ).finally(() => {
      this.lastBgsaveSeconds = Math.round(
        (Date.now() - this.bgsaveStartedAt) / 1000,
      );
      this.snapshot = null;
    });
    return done;
  }

  /**
   * Abandons a running BGSAVE (FLUSHALL does, as Redis kills its child): its
   * file is discarded instead of replacing the dump.
   */
  abortBackgroundSave(): void {
    if (this.snapshot === null) return;
    this.#aborted = true;
    this.snapshot.finish();
  }

  /** Completes a running BGSAVE's snapshot right away (its file I/O continues). */
  #finishBackgroundNow(): void {
    this.snapshot?.finish();
  }

  /**
   * Save points: starts a BGSAVE when one of the `save` rules ("seconds
   * changes" pairs) is met. Called from the server cron.
   */
  checkSavePoints(): void {
    if (this.snapshot !== null) return;
    const server = this.server;
    const now = Math.floor(Date.now() / 1000);
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.backgroundSave();
      return;
    }
    const rules = server.config.get("save").split(" ").filter((w) => w !== "");
    for (let i = 0; i + 1 < rules.length; i += 2) {
      const seconds = Number(rules[i]);
      const changes = Number(rules[i + 1]);
      // After a failed save Redis waits 5 s before retrying.
      const retryOk = this.lastBgsaveStatus === "ok" ||
        now - this.lastAttempt > 5;
      if (
        server.dirty >= changes && now - server.lastSave > seconds && retryOk
      ) {
        server.log.notice(
          `${changes} changes in ${seconds} seconds. Saving...`,
        );
        this.backgroundSave();
        return;
      }
    }
  }
}
