/**
 * One numbered database: the key dictionary, expiry times, and the key order
 * that makes SCAN cursors stable while keys come and go.
 *
 * @module
 */

import { KeyTable } from "./key_table.ts";
import { entryBytes } from "./memory_usage.ts";

/** Redis value types, as TYPE reports them. */
export type ValueType = "string" | "list" | "set" | "zset" | "hash" | "stream";

/** LFU counter of a new key (Redis's LFU_INIT_VAL). */
const LFU_INIT_VAL = 5;

/**
 * How lookups count as accesses. `enabled` is off while a client in CLIENT
 * NO-TOUCH mode runs a command (other than TOUCH); the dispatcher sets it.
 * `lfu` is on under an LFU maxmemory-policy: only then does an access
 * update the LFU counter, as in Redis. `logFactor` and `decayMinutes` are
 * lfu-log-factor and lfu-decay-time (the wiring follows the directives).
 */
export const accessTracking = {
  enabled: true,
  lfu: false,
  logFactor: 10,
  decayMinutes: 1,
};

/**
 * How lookups treat expired keys. `suspended` (CLIENT PAUSE) and `replica`
 * (a replica waits for its master's DEL): an expired key reads as missing
 * but stays in place. `masterView`: while a replica runs its master's
 * commands, expired keys still exist, as they do on the master, which has
 * not deleted them yet.
 */
export const expiry = { suspended: false, replica: false, masterView: false };

/** Value types in the order of their codes in {@linkcode Entry}'s metadata. */
const VALUE_TYPES: readonly ValueType[] = [
  "string",
  "list",
  "set",
  "zset",
  "hash",
  "stream",
];

/** Bits of the access clock field, as Redis's LRU_BITS. */
const CLOCK_BITS = 24;
/** Largest value of the LRU clock (Redis's LRU_CLOCK_MAX). */
export const LRU_CLOCK_MAX = (1 << CLOCK_BITS) - 1;
const TYPE_SHIFT = CLOCK_BITS;
const FLAGS_SHIFT = CLOCK_BITS + 3;

/** Redis's LRU clock at `now`: whole seconds, wrapping at 24 bits. */
export function lruClock(now: number): number {
  return Math.floor(now / 1000) & LRU_CLOCK_MAX;
}

/** Minutes at `now` in the 16 bits an LFU field keeps of them. */
function lfuMinutes(now: number): number {
  return Math.floor(now / 60_000) & 0xffff;
}

/** The access field of a key created at `now` under the current policy. */
function newClock(now: number): number {
  return accessTracking.lfu
    ? lfuMinutes(now) << 8 | LFU_INIT_VAL
    : lruClock(now);
}

/** How a restored key's access history is given (RESTORE, RDB loading). */
export interface RestoredAccess {
  /** Seconds idle (IDLETIME, the RDB's IDLE), honoured under an LRU policy. */
  readonly idleSeconds?: number;
  /** LFU counter (FREQ), honoured under an LFU policy. */
  readonly frequency?: number;
}

/**
 * A key's value and its metadata. Every key has one, so it keeps few
 * fields: the type, the flags and the access clock share one small
 * integer. As in Redis's 24-bit `lru` field, the clock is the LRU clock
 * (seconds) under an LRU policy and, under an LFU policy, the minutes of
 * the last decrement and the LFU counter; switching policies reinterprets
 * it, as Redis does.
 */
export class Entry {
  /** Absolute expiry time in ms since the epoch, or 0 for no expiry. */
  expireAt = 0;
  /** The key the entry is stored under (set by Database.set). */
  key = "";
  /** Bits 0-23 the access clock, 24-26 the type's code, 27-29 the flags. */
  #meta: number;
  /** Estimated bytes of the key and value, as last accounted. */
  bytes = 0;

  /** Creates an entry for a value of the given type. */
  constructor(
    type: ValueType,
    /** The value: a string value for strings, the type's structure otherwise. */
    public value: unknown,
    now = Date.now(),
  ) {
    this.#meta = newClock(now) | VALUE_TYPES.indexOf(type) << TYPE_SHIFT;
  }

  /** The value's type. */
  get type(): ValueType {
    return VALUE_TYPES[(this.#meta >>> TYPE_SHIFT) & 7];
  }

  /** Type-specific flags (e.g. a string that Redis would hold as "raw"). */
  get flags(): number {
    return this.#meta >>> FLAGS_SHIFT;
  }

  set flags(flags: number) {
    this.#meta = (this.#meta & ((1 << FLAGS_SHIFT) - 1)) |
      flags << FLAGS_SHIFT;
  }

  /** The raw 24-bit access field (DEBUG OBJECT's lru). */
  get clock(): number {
    return this.#meta & LRU_CLOCK_MAX;
  }

  /**
   * Sets the access field. Not a #private method: one of those would cost
   * every instance a slot for its brand.
   */
  private setClock(clock: number): void {
    this.#meta = (this.#meta & ~LRU_CLOCK_MAX) | clock;
  }

  /**
   * Milliseconds since the last access by the LRU clock, as Redis's
   * estimateObjectIdleTime (whole seconds; the clock wraps after 194 days).
   */
  idleMs(now: number): number {
    const clock = lruClock(now);
    const lru = this.clock;
    return (clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru)) *
      1000;
  }

  /**
   * Records an access: under an LRU policy the clock restarts; under an
   * LFU policy the counter first decays by the minutes since its last
   * decrement, then grows with a probability that falls as it rises, as
   * Redis's updateLFU does.
   */
  touch(now: number): void {
    if (!accessTracking.lfu) {
      this.setClock(lruClock(now));
      return;
    }
    const counter = this.decayedFrequency(now);
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const grows = counter < 255 &&
      Math.random() < 1 / (base * accessTracking.logFactor + 1);
    this.setClock(lfuMinutes(now) << 8 | (grows ? counter + 1 : counter));
  }

  /**
   * A new value of the key, written at `now` (SET over an existing key):
   * under an LFU policy the key keeps its counter, as Redis's dbOverwrite
   * does, otherwise its clock restarts.
   */
  rewritten(now: number): void {
    if (!accessTracking.lfu) this.setClock(lruClock(now));
  }

  /** Takes over the access history of the entry it replaces (LFU only). */
  inheritAccess(old: Entry): void {
    if (accessTracking.lfu) this.setClock(old.clock);
  }

  /**
   * Sets the access history of a restored key as Redis's
   * objectSetLRUOrLFU: the frequency under an LFU policy, the idle time
   * otherwise.
   */
  restoreAccess(access: RestoredAccess, now: number): void {
    if (accessTracking.lfu) {
      if (access.frequency !== undefined) {
        this.setClock(lfuMinutes(now) << 8 | access.frequency);
      }
    } else if (access.idleSeconds !== undefined) {
      const span = LRU_CLOCK_MAX + 1;
      const clock = (lruClock(now) - access.idleSeconds) % span;
      this.setClock(clock < 0 ? clock + span : clock);
    }
  }

  /**
   * The LFU counter after decay for the minutes since its last decrement
   * (no decay with an lfu-decay-time of 0), as Redis's LFUDecrAndReturn.
   */
  decayedFrequency(now: number): number {
    const field = this.clock;
    const counter = field & 0xff;
    const decay = accessTracking.decayMinutes;
    if (decay === 0) return counter;
    const last = field >>> 8;
    const minutes = lfuMinutes(now);
    const elapsed = minutes >= last ? minutes - last : 65535 - last + minutes;
    const periods = Math.floor(elapsed / decay);
    return periods > 0 ? Math.max(0, counter - periods) : counter;
  }
}

/** Bucket chains an active rehash moves per cron run (about 1 ms). */
const REHASH_CHAINS_PER_CRON = 10_000;

/** A database of keys. Lookups hide expired keys and delete them lazily. */
export class Database {
  readonly #dict = new KeyTable<Entry>();
  /** Keys that have an expiry time, in the order they got it. */
  readonly #volatile = new Map<string, Entry>();
  #volatileCursor: Iterator<[string, Entry]> | null = null;
  #sampleCursor: Iterator<Entry> | null = null;
  #bytes = 0;

  /** Called with each key removed because its time ran out. */
  onExpired: ((db: Database, key: string) => void) | null = null;
  /** Called with each key that did not exist before set() (the "new" event). */
  onAdded: ((db: Database, key: string) => void) | null = null;

  /** Creates database number `id`. */
  constructor(public id: number) {}

  /** Number of keys, including expired keys not yet reclaimed (like Redis). */
  get size(): number {
    return this.#dict.size;
  }

  /** Estimated bytes of all keys and values (see lib/store/memory_usage.ts). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Re-estimates the memory of `key` after its value changed in place. */
  reaccount(key: string): void {
    const entry = this.#dict.get(key);
    if (entry === undefined) return;
    const bytes = entryBytes(entry);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  /**
   * Up to `count` entries for eviction sampling: random keys, or with
   * `volatileOnly` random keys with an expiry (expired ones included, as
   * Redis samples its dictionaries). Keys with an expiry are found by
   * drawing random keys; where they are too rare for that, the rest of the
   * sample is taken in turn from them.
   */
  sampleEntries(count: number, volatileOnly: boolean): Entry[] {
    const sample: Entry[] = [];
    const dict = this.#dict;
    if (volatileOnly) {
      const size = this.#volatile.size;
      if (size === 0) return sample;
      for (let draws = count * 8; draws > 0 && sample.length < count; draws--) {
        const entry = dict.random()!;
        if (entry.expireAt !== 0) sample.push(entry);
      }
      let cursor = this.#sampleCursor ?? this.#volatile.values();
      for (let i = sample.length; i < count && i < size; i++) {
        let step = cursor.next();
        if (step.done) {
          cursor = this.#volatile.values();
          step = cursor.next();
          if (step.done) break;
        }
        sample.push(step.value);
      }
      this.#sampleCursor = cursor;
      return sample;
    }
    if (dict.size === 0) return sample;
    while (sample.length < count) sample.push(dict.random()!);
    return sample;
  }

  /** Number of keys with an expiry time. */
  get volatileCount(): number {
    return this.#volatile.size;
  }

  /**
   * Returns the live entry for `key`, deleting it first if it has expired.
   * A found key counts as accessed (OBJECT IDLETIME/FREQ) unless `touch` is
   * false, as for Redis's LOOKUP_NOTOUCH lookups.
   */
  get(key: string, now: number, touch = true): Entry | undefined {
    const entry = this.#dict.get(key);
    if (entry === undefined) return undefined;
    if (entry.expireAt !== 0 && entry.expireAt <= now && !expiry.masterView) {
      if (!expiry.suspended && !expiry.replica) this.#expire(key);
      return undefined;
    }
    if (touch && accessTracking.enabled) entry.touch(now);
    return entry;
  }

  /** Returns the entry without checking expiry (for persistence and debugging). */
  peek(key: string): Entry | undefined {
    return this.#dict.get(key);
  }

  /** True when `key` exists and has not expired. */
  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /**
   * Stores `entry` under `key`, replacing any previous value. The entry's
   * expireAt is honoured; a replaced key keeps its SCAN position and, as
   * Redis's dbOverwrite does, its LFU counter.
   */
  set(key: string, entry: Entry): void {
    entry.key = key;
    const old = this.#dict.set(entry);
    const bytes = entryBytes(entry);
    this.#bytes += bytes - (old === undefined ? 0 : old.bytes);
    entry.bytes = bytes;
    if (old !== undefined) {
      entry.inheritAccess(old);
      if (old.expireAt !== 0) this.#volatile.delete(key);
    }
    if (entry.expireAt !== 0) this.#volatile.set(key, entry);
    if (old === undefined) this.onAdded?.(this, key);
  }

  /** Removes `key`; returns whether it existed (expired or not). */
  delete(key: string): boolean {
    const entry = this.#dict.delete(key);
    if (entry === undefined) return false;
    this.#bytes -= entry.bytes;
    if (entry.expireAt !== 0) this.#volatile.delete(key);
    return true;
  }

  /** Sets or clears (0) the expiry time of an existing key. */
  setExpire(key: string, entry: Entry, expireAt: number): void {
    if (entry.expireAt !== 0 && expireAt === 0) this.#volatile.delete(key);
    if (entry.expireAt === 0 && expireAt !== 0) this.#volatile.set(key, entry);
    entry.expireAt = expireAt;
  }

  /** Removes every key. */
  clear(): void {
    this.#dict.clear();
    this.#volatile.clear();
    this.#volatileCursor = null;
    this.#sampleCursor = null;
    this.#bytes = 0;
  }

  /** Iterates over all keys and entries, expired ones included. */
  *entries(): IterableIterator<[string, Entry]> {
    for (const entry of this.#dict.values()) yield [entry.key, entry];
  }

  /**
   * One step of SCAN: about `count` keys from `cursor` on, and the next
   * cursor, 0 when done. The cursor walks the hash table's buckets in
   * reverse-binary order, as Redis's does, so every key present for the
   * whole iteration is returned, even while the table grows or shrinks
   * (a shrink may return some keys twice). Expired keys are included;
   * callers filter.
   */
  scan(cursor: number, count: number): { keys: string[]; next: number } {
    const { entries, next } = this.scanEntries(cursor, count);
    return { keys: entries.map((entry) => entry.key), next };
  }

  /** Like {@linkcode scan}, returning the entries (each knows its key). */
  scanEntries(
    cursor: number,
    count: number,
  ): { entries: Entry[]; next: number } {
    const { items, next } = this.#dict.scan(cursor, count);
    return { entries: items, next };
  }

  /**
   * Whether a scan from cursor 0 that has reached `cursor` (not yet back
   * at 0) has returned `key` already.
   */
  scanned(key: string, cursor: number): boolean {
    return this.#dict.scanned(key, cursor);
  }

  /**
   * Background upkeep of the hash table, from the server's cron: advances
   * an incremental rehash (with `rehash`, activerehashing) and, with
   * `shrink` (no snapshot is scanning), shrinks a sparse table.
   */
  maintain(options: { rehash: boolean; shrink: boolean }): void {
    this.#dict.maintain({
      steps: options.rehash ? REHASH_CHAINS_PER_CRON : 0,
      shrink: options.shrink,
    });
  }

  /** A random key (possibly expired; callers check), or undefined when empty. */
  randomKey(): string | undefined {
    return this.#dict.random()?.key;
  }

  /**
   * Active expiry: checks up to `budget` keys with a TTL, continuing where the
   * previous call stopped, and deletes those that expired. Returns how many
   * keys were checked and how many expired, so the caller can repeat while
   * the expired fraction stays high, as Redis does.
   */
  expireCycle(
    now: number,
    budget: number,
  ): { checked: number; expired: number } {
    let checked = 0;
    let expired = 0;
    if (this.#volatile.size === 0) return { checked, expired };
    let cursor = this.#volatileCursor ?? this.#volatile.entries();
    const stale: string[] = [];
    while (checked < budget) {
      let step = cursor.next();
      if (step.done) {
        cursor = this.#volatile.entries();
        step = cursor.next();
        if (step.done) break;
        if (checked > 0) {
          checked++;
          break;
        }
      }
      checked++;
      const [key, entry] = step.value;
      if (entry.expireAt <= now) stale.push(key);
    }
    this.#volatileCursor = cursor;
    for (const key of stale) {
      const entry = this.#dict.get(key);
      if (
        entry !== undefined && entry.expireAt !== 0 && entry.expireAt <= now
      ) {
        this.#expire(key);
        expired++;
      }
    }
    return { checked, expired };
  }

  #expire(key: string): void {
    this.delete(key);
    this.onExpired?.(this, key);
  }
}
