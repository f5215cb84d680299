/**
 * What persistence needs of the server, and no more: its configuration,
 * log, keyspace, the snapshots in progress and the change counters. The
 * server state satisfies it; persistence never sees clients or commands.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { Logger } from "../server/log.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { Snapshot } from "./snapshot.ts";

/** The pieces of server state that RDB and AOF persistence use. */
export interface PersistenceHost {
  /** Configuration directives (dir, dbfilename, appendfsync...). */
  readonly config: Config;
  /** The server log. */
  readonly log: Logger;
  /** The databases to save and load. */
  readonly keyspace: Keyspace;
  /** Snapshots being written; writes consult them (copy-on-write). */
  readonly snapshots: Set<Snapshot>;
  /** Changes since the last save (rdb_changes_since_last_save). */
  dirty: number;
  /** Unix time (s) of the last successful save. */
  lastSave: number;
  /** Load RDB files whatever their checksum (DEBUG SET-SKIP-CHECKSUM-VALIDATION). */
  readonly skipChecksumValidation: boolean;
  /** The function libraries, saved in and loaded from RDB files. */
  readonly functionLibraries: FunctionLibraryStore;
  /**
   * Aux fields describing where the dataset is in its replication stream
   * (repl-stream-db, repl-id, repl-offset), saved with it; may be empty.
   */
  replicationInfo(): readonly (readonly [string, string])[];
}

/** Function libraries as persistence (and INFO) sees them: their code. */
export interface FunctionLibraryStore {
  /** The libraries by name. */
  readonly libraries: ReadonlyMap<string, unknown>;
  /** Number of functions of every library. */
  readonly functionCount: number;
  /** Every library's code. */
  codes(): Uint8Array[];
  /** Loads a library from its code (replacing one of the same name); throws on failure. */
  load(code: Uint8Array, replace: boolean): string;
}
