/**
 * File-system helpers shared by everything that writes files durably (RDB,
 * AOF, CONFIG REWRITE, a replica's copy of its master's snapshot).
 *
 * @module
 */

/** Fsyncs a directory so a rename in it is durable (best effort). */
export function syncDirectory(dir: string): void {
  try {
    const handle = Deno.openSync(dir, { read: true });
    try {
      handle.syncSync();
    } finally {
      handle.close();
    }
  } catch {
    // Some file systems refuse to fsync directories; the rename still happened.
  }
}
