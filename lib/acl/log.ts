/**
 * The ACL log (ACL LOG): refused commands and failed authentications,
 * newest first, similar events within a minute counted in one entry.
 *
 * @module
 */

/** What an entry records as its reason. */
export type AclLogReason = "command" | "key" | "channel" | "auth";

/** Where the refused command came from. */
export type AclLogContext = "toplevel" | "multi" | "lua";

/** One entry of the ACL log. */
export interface AclLogEntry {
  /** Times this happened (similar events are grouped). */
  count: number;
  /** What was refused. */
  readonly reason: AclLogReason;
  /** Where. */
  readonly context: AclLogContext;
  /** The command, key or channel refused ("AUTH" for authentication). */
  readonly object: string;
  /** The user (for AUTH, the user named). */
  readonly username: string;
  /** Time of the last occurrence, ms since the epoch. */
  time: number;
  /** CLIENT INFO of the client of the last occurrence. */
  clientInfo: string;
}

/** Events this close in time (ms) go in one entry, as in Redis. */
const GROUPING_WINDOW_MS = 60000;

/** How many recent entries are looked at for one to group with. */
const GROUPING_SCAN = 10;

/** The ACL log. */
export class AclLog {
  /** Newest first. */
  readonly entries: AclLogEntry[] = [];

  /**
   * Records an event: counted in a recent similar entry (moved to the
   * front) or added as a new one, dropping the oldest beyond `maxLength`.
   */
  add(event: Omit<AclLogEntry, "count">, maxLength: number): void {
    const entries = this.entries;
    const scan = Math.min(GROUPING_SCAN, entries.length);
    for (let i = 0; i < scan; i++) {
      const entry = entries[i];
      if (
        entry.reason === event.reason && entry.context === event.context &&
        Math.abs(entry.time - event.time) <= GROUPING_WINDOW_MS &&
        entry.object === event.object && entry.username === event.username
      ) {
        entry.count++;
        entry.time = event.time;
        entry.clientInfo = event.clientInfo;
        entries.splice(i, 1);
        entries.unshift(entry);
        return;
      }
    }
    entries.unshift({ count: 1, ...event });
    if (entries.length > maxLength) entries.length = Math.max(0, maxLength);
  }

  /** Forgets every entry (ACL LOG RESET). */
  reset(): void {
    this.entries.length = 0;
  }
}
