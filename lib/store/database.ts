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

/** The origin of entries' access times: the time this module loaded. */
const CLOCK_BASE = Date.now();

/** Value types in the order of their codes in {@linkcode Entry}'s metadata. */
const VALUE_TYPES: readonly ValueType[] = [
  "string",
  "list",
  "set",
  "zset",
  "hash",
  "stream",
];

/**
 * A key's value and its metadata. Every key has one, so it keeps few
 * fields: the type, the LFU counter and the flags share one small integer.
 */
export class Entry {
  /** Absolute expiry time in ms since the epoch, or 0 for no expiry. */
  expireAt = 0;
  /** The key the entry is stored under (set by Database.set). */
  key = "";
  /**
   * Last access time, in ms since {@linkcode CLOCK_BASE}: a small integer
   * is stored in the object itself, where an absolute time would be a
   * boxed double, one more allocation per key and one more memory load
   * per eviction sample.
   */
  #accessed: number;
  /** Bits 0-7 the LFU counter, 8-15 the flags, 16-18 the type's code. */
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
    this.#accessed = now - CLOCK_BASE;
    this.#meta = LFU_INIT_VAL | VALUE_TYPES.indexOf(type) << 16;
  }

  /** The value's type. */
  get type(): ValueType {
    return VALUE_TYPES[this.#meta >>> 16];
  }

  /** LFU access counter (OBJECT FREQ), 0 to 255. */
  get frequency(): number {
    return this.#meta & 0xff;
  }

  set frequency(counter: number) {
    this.#meta = (this.#meta & ~0xff) | counter;
  }

  /** Type-specific flags (e.g. a string that Redis would hold as "raw"). */
  get flags(): number {
    return (this.#meta >>> 8) & 0xff;
  }

  set flags(flags: number) {
    this.#meta = (this.#meta & ~0xff00) | flags << 8;
  }

  /** Last access time in ms since the epoch (OBJECT IDLETIME). */
  get accessedAt(): number {
    return CLOCK_BASE + this.#accessed;
  }

  set accessedAt(ms: number) {
    this.#accessed = ms - CLOCK_BASE;
  }

  /**
   * Records an access: the idle clock restarts and, under an LFU policy,
   * the LFU counter first decays by the minutes since the previous access,
   * then grows with a probability that falls as it rises, as Redis's
   * updateLFU does.
   */
  touch(now: number): void {
    if (!accessTracking.lfu) {
      this.#accessed = now - CLOCK_BASE;
      return;
    }
    const counter = this.decayedFrequency(now);
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const grows = counter < 255 &&
      Math.random() < 1 / (base * accessTracking.logFactor + 1);
    this.frequency = grows ? counter + 1 : counter;
    this.#accessed = now - CLOCK_BASE;
  }

  /**
   * The LFU counter after decay for the time since the last access (no
   * decay with an lfu-decay-time of 0).
   */
  decayedFrequency(now: number): number {
    const decay = accessTracking.decayMinutes;
    if (decay === 0) return this.frequency;
    const periods = Math.floor(
      (Math.floor(now / 60_000) - Math.floor(this.accessedAt / 60_000)) /
        decay,
    );
    return periods > 0 ? Math.max(0, this.frequency - periods) : this.frequency;
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
      entry.frequency = old.frequency;
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
