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

/** A file could not be written; the message is the OS's reason, as strerror words it. */
export class FileWriteError extends Error {
  /** Creates the error with the OS's reason. */
  constructor(reason: string) {
    super(reason);
    this.name = "FileWriteError";
  }
}

/** Six random letters and digits, for a temporary file name. */
function randomSuffix(): string {
  const chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => chars[b % chars.length]).join("");
}

/**
 * Replaces file `path` with `content` safely: writes a new file next to it
 * (`path` plus a random ".XXXXXX"), fsyncs it, renames it over `path` and
 * fsyncs the directory. On failure the temporary file is removed and a
 * FileWriteError gives the reason.
 */
export function replaceFileSafely(path: string, content: Uint8Array): void {
  let temp = "";
  let file: Deno.FsFile | undefined;
  try {
    for (let attempt = 0; file === undefined; attempt++) {
      temp = `${path}.${randomSuffix()}`;
      try {
        file = Deno.openSync(temp, {
          write: true,
          createNew: true,
          mode: 0o644,
        });
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists) || attempt > 100) {
          temp = "";
          throw error;
        }
      }
    }
    let written = 0;
    while (written < content.length) {
      written += file.writeSync(content.subarray(written));
    }
    file.syncSync();
    file.close();
    file = undefined;
    Deno.renameSync(temp, path);
    temp = "";
  } catch (error) {
    file?.close();
    if (temp !== "") {
      try {
        Deno.removeSync(temp);
      } catch {
        // Nothing better to do; the error below says what went wrong.
      }
    }
    throw new FileWriteError(osErrorText(error));
  }
  syncDirectory(directoryOf(path));
}
