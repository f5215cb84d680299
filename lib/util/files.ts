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

/** Text of an OS error without Deno's "(os error N): ..." suffix, as strerror says it. */
export function osErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ \(os error.*$/s, "");
}

/** The directory of a file path ("." for a bare name). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
}
