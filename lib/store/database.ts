/**
 * One numbered database: the key dictionary, expiry times, and the key order
 * that makes SCAN cursors stable while keys come and go.
 *
 * @module
 */

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

/** A key's value and its metadata. */
export class Entry {
  /** Absolute expiry time in ms since the epoch, or 0 for no expiry. */
  expireAt = 0;
  /** The key the entry is stored under (set by Database.set). */
  key = "";
  /** Position in the database's key order (for SCAN and RANDOMKEY). */
  slot: number = -1;
  /** Monotonic insertion number; SCAN cursors are built from it. */
  seq = 0;
  /**
   * Last access time, in ms since {@linkcode CLOCK_BASE}: a small integer
   * is stored in the object itself, where an absolute time would be a
   * boxed double, one more allocation per key and one more memory load
   * per eviction sample.
   */
  #accessed: number;
  /** LFU access counter (OBJECT FREQ). */
  frequency: number = LFU_INIT_VAL;
  /** Type-specific flags (e.g. a string that Redis would hold as "raw"). */
  flags = 0;
  /** Estimated bytes of the key and value, as last accounted. */
  bytes = 0;

  /** Creates an entry for a value of the given type. */
  constructor(
    /** The value's type. */
    public type: ValueType,
    /** The value: Uint8Array for strings, the type's structure otherwise. */
    public value: unknown,
    now = Date.now(),
  ) {
    this.#accessed = now - CLOCK_BASE;
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

/** Compaction threshold: holes in the key order before it is rebuilt. */
const MIN_HOLES_TO_COMPACT = 1024;

/** A database of keys. Lookups hide expired keys and delete them lazily. */
export class Database {
  readonly #dict = new Map<string, Entry>();
  /** Keys that have an expiry time, in the order they got it. */
  readonly #volatile = new Map<string, Entry>();
  /** Keys in insertion order; deleted keys leave holes until compaction. */
  #order: (Entry | undefined)[] = [];
  /** seq of each slot of #order, ascending, for cursor lookups. */
  #orderSeq: number[] = [];
  #holes = 0;
  #nextSeq = 1;
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

  /** Insertion number of the newest key (snapshots include keys up to it). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
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
    const order = this.#order;
    if (volatileOnly) {
      const size = this.#volatile.size;
      if (size === 0) return sample;
      for (let draws = count * 8; draws > 0 && sample.length < count; draws--) {
        const entry = order[Math.floor(Math.random() * order.length)];
        if (entry !== undefined && entry.expireAt !== 0) sample.push(entry);
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
    if (this.#dict.size === 0) return sample;
    while (sample.length < count) {
      const entry = order[Math.floor(Math.random() * order.length)];
      if (entry !== undefined) sample.push(entry);
    }
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
    const old = this.#dict.get(key);
    entry.key = key;
    const bytes = entryBytes(entry);
    this.#bytes += bytes - (old === undefined ? 0 : old.bytes);
    entry.bytes = bytes;
    if (old !== undefined) {
      entry.slot = old.slot;
      entry.seq = old.seq;
      entry.frequency = old.frequency;
      this.#order[old.slot] = entry;
      if (old.expireAt !== 0) this.#volatile.delete(key);
    } else {
      entry.seq = this.#nextSeq++;
      entry.slot = this.#order.length;
      this.#order.push(entry);
      this.#orderSeq.push(entry.seq);
    }
    this.#dict.set(key, entry);
    if (entry.expireAt !== 0) this.#volatile.set(key, entry);
    if (old === undefined) this.onAdded?.(this, key);
  }

  /** Removes `key`; returns whether it existed (expired or not). */
  delete(key: string): boolean {
    const entry = this.#dict.get(key);
    if (entry === undefined) return false;
    this.#dict.delete(key);
    this.#bytes -= entry.bytes;
    if (entry.expireAt !== 0) this.#volatile.delete(key);
    this.#order[entry.slot] = undefined;
    this.#holes++;
    if (
      this.#holes >= MIN_HOLES_TO_COMPACT &&
      this.#holes * 2 > this.#order.length
    ) this.#compact();
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
    this.#order = [];
    this.#orderSeq = [];
    this.#holes = 0;
    this.#volatileCursor = null;
    this.#sampleCursor = null;
    this.#bytes = 0;
  }

  /** Iterates over all keys and entries, expired ones included. */
  entries(): IterableIterator<[string, Entry]> {
    return this.#dict.entries();
  }

  /**
   * One step of SCAN: up to `count` keys from `cursor` on, in key order.
   * Returns the keys (expired ones included; callers filter) and the next
   * cursor, 0 when done. Every key present for the whole iteration is
   * returned because keys never move backwards in the order.
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
    const order = this.#order;
    const seqs = this.#orderSeq;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid] < cursor) lo = mid + 1;
      else hi = mid;
    }
    const entries: Entry[] = [];
    let i = lo;
    for (; i < order.length && entries.length < count; i++) {
      const entry = order[i];
      if (entry !== undefined) entries.push(entry);
    }
    while (i < order.length && order[i] === undefined) i++;
    return { entries, next: i < order.length ? seqs[i] : 0 };
  }

  /** A random key (possibly expired; callers check), or undefined when empty. */
  randomKey(): string | undefined {
    if (this.#dict.size === 0) return undefined;
    const order = this.#order;
    while (true) {
      const entry = order[Math.floor(Math.random() * order.length)];
      if (entry !== undefined) return entry.key;
    }
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

  #compact(): void {
    const order: Entry[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.#order.length; i++) {
      const entry = this.#order[i];
      if (entry === undefined) continue;
      entry.slot = order.length;
      order.push(entry);
      seqs.push(this.#orderSeq[i]);
    }
    this.#order = order;
    this.#orderSeq = seqs;
    this.#holes = 0;
  }
}
