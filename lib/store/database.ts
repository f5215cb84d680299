/**
 * One numbered database: the key dictionary, expiry times, and the key order
 * that makes SCAN cursors stable while keys come and go.
 *
 * @module
 */

import { KeyTable } from "./key_table.ts";
import { entryBytes, plainStringBytes } from "./memory_usage.ts";

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

  set clock(field: number) {
    this.#meta = (this.#meta & ~LRU_CLOCK_MAX) | field;
  }

  /**
   * Milliseconds since the last access by the LRU clock, as Redis's
   * estimateObjectIdleTime (whole seconds; the clock wraps after 194 days).
   */
  idleMs(now: number): number {
    return lruIdleMs(this.clock, now);
  }

  /**
   * Records an access: under an LRU policy the clock restarts; under an
   * LFU policy the counter first decays by the minutes since its last
   * decrement, then grows with a probability that falls as it rises, as
   * Redis's updateLFU does.
   */
  touch(now: number): void {
    this.clock = touchedClock(this.clock, now);
  }

  /**
   * A new value of the key, written at `now` (SET over an existing key):
   * under an LFU policy the key keeps its counter, as Redis's dbOverwrite
   * does, otherwise its clock restarts.
   */
  rewritten(now: number): void {
    if (!accessTracking.lfu) this.clock = lruClock(now);
  }

  /** Takes over the access history of the entry it replaces (LFU only). */
  inheritAccess(old: Entry): void {
    if (accessTracking.lfu) this.clock = old.clock;
  }

  /**
   * Sets the access history of a restored key as Redis's
   * objectSetLRUOrLFU: the frequency under an LFU policy, the idle time
   * otherwise.
   */
  restoreAccess(access: RestoredAccess, now: number): void {
    this.clock = restoredClock(this.clock, access, now);
  }

  /**
   * The LFU counter after decay for the minutes since its last decrement
   * (no decay with an lfu-decay-time of 0), as Redis's LFUDecrAndReturn.
   */
  decayedFrequency(now: number): number {
    return decayedCounter(this.clock, now);
  }
}

/**
 * Access field `field` after restoring `access` at `now`, as Redis's
 * objectSetLRUOrLFU: the frequency under an LFU policy, the idle time
 * otherwise; unchanged when `access` has nothing for the policy.
 */
function restoredClock(
  field: number,
  access: RestoredAccess,
  now: number,
): number {
  if (accessTracking.lfu) {
    return access.frequency === undefined
      ? field
      : lfuMinutes(now) << 8 | access.frequency;
  }
  if (access.idleSeconds === undefined) return field;
  const span = LRU_CLOCK_MAX + 1;
  const clock = (lruClock(now) - access.idleSeconds) % span;
  return clock < 0 ? clock + span : clock;
}

/**
 * Milliseconds since the access that set LRU clock field `field`, as
 * Redis's estimateObjectIdleTime (whole seconds; the clock wraps after 194
 * days).
 */
export function lruIdleMs(field: number, now: number): number {
  const clock = lruClock(now);
  return (clock >= field ? clock - field : clock + (LRU_CLOCK_MAX - field)) *
    1000;
}

/**
 * The LFU counter of access field `field` after decay for the minutes
 * since its last decrement (none with an lfu-decay-time of 0), as Redis's
 * LFUDecrAndReturn.
 */
export function decayedCounter(field: number, now: number): number {
  const counter = field & 0xff;
  const decay = accessTracking.decayMinutes;
  if (decay === 0) return counter;
  const last = field >>> 8;
  const minutes = lfuMinutes(now);
  const elapsed = minutes >= last ? minutes - last : 65535 - last + minutes;
  const periods = Math.floor(elapsed / decay);
  return periods > 0 ? Math.max(0, counter - periods) : counter;
}

/**
 * Access field `field` after an access at `now`: under an LRU policy the
 * clock restarts; under an LFU policy the counter first decays, then grows
 * with a probability that falls as it rises, as Redis's updateLFU does.
 */
function touchedClock(field: number, now: number): number {
  if (!accessTracking.lfu) return lruClock(now);
  const counter = decayedCounter(field, now);
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const grows = counter < 255 &&
    Math.random() < 1 / (base * accessTracking.logFactor + 1);
  return lfuMinutes(now) << 8 | (grows ? counter + 1 : counter);
}

/**
 * The table tag of a key held as an {@linkcode Entry} (whose access field
 * is its own; a plain string's tag is its access field, never negative):
 * eviction sampling tells the two apart without loading the item, which
 * for a random key is a cache miss of its own.
 */
const ENTRY_TAG = -1;

/** Bucket chains an active rehash moves per cron run (about 1 ms). */
const REHASH_CHAINS_PER_CRON = 10_000;

/**
 * What a key holds in the table: an {@linkcode Entry}, or, for a string
 * key with a short value, no expiry and no flags (what SET, MSET and INCR
 * make), just the value as a binary string, its access field in the
 * table's tag. Such a key costs no Entry object (64 bytes); it gets one
 * the first time a command looks it up as an entry (see
 * {@linkcode Database.get}).
 */
export type StoredItem = Entry | string;

/** What {@linkcode Database.sample} calls for each sampled key. */
export type SampleVisitor = (
  key: string,
  clock: number,
  expireAt: number,
  hint: number,
) => void;

/** The type of the value a stored item holds. */
export function itemType(item: StoredItem): ValueType {
  return typeof item === "string" ? "string" : item.type;
}

/** A database of keys. Lookups hide expired keys and delete them lazily. */
export class Database {
  readonly #dict = new KeyTable<StoredItem>();
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
    const item = this.#dict.get(key);
    // A plain string value never changes in place: it is replaced.
    if (item === undefined || typeof item === "string") return;
    const bytes = entryBytes(item);
    this.#bytes += bytes - item.bytes;
    item.bytes = bytes;
  }

  /**
   * Eviction sampling: calls `visit` with the key, access field and expiry
   * time of up to `count` keys: random keys, or with `volatileOnly` random
   * keys with an expiry (expired ones included, as Redis samples its
   * dictionaries). Keys with an expiry are found by drawing random keys;
   * where they are too rare for that, the rest of the sample is taken in
   * turn from them. Nothing is allocated per key.
   */
  sample(count: number, volatileOnly: boolean, visit: SampleVisitor): void {
    const dict = this.#dict;
    if (volatileOnly) {
      const size = this.#volatile.size;
      if (size === 0) return;
      let sampled = 0;
      for (let draws = count * 8; draws > 0 && sampled < count; draws--) {
        const node = dict.random();
        const item = dict.itemAt(node);
        if (typeof item !== "string" && item.expireAt !== 0) {
          visit(item.key, item.clock, item.expireAt, node);
          sampled++;
        }
      }
      let cursor = this.#sampleCursor ?? this.#volatile.values();
      for (let i = sampled; i < count && i < size; i++) {
        let step = cursor.next();
        if (step.done) {
          cursor = this.#volatile.values();
          step = cursor.next();
          if (step.done) break;
        }
        const entry = step.value;
        visit(entry.key, entry.clock, entry.expireAt, 0);
      }
      this.#sampleCursor = cursor;
      return;
    }
    if (dict.size === 0) return;
    // A run of nodes from a random one, as Redis samples consecutive
    // buckets: a key each from random places would cost cache misses each.
    let node = dict.random();
    const sampled = Math.min(count, dict.size);
    for (let i = 0; i < sampled; i++, node = dict.nextNode(node)) {
      const tag = dict.tagAt(node);
      if (tag !== ENTRY_TAG) visit(dict.keyAt(node), tag, 0, node);
      else {
        const entry = dict.itemAt(node) as Entry;
        visit(entry.key, entry.clock, entry.expireAt, node);
      }
    }
  }

  /** Number of keys with an expiry time. */
  get volatileCount(): number {
    return this.#volatile.size;
  }

  /**
   * Returns the live entry for `key`, deleting it first if it has expired.
   * A found key counts as accessed (OBJECT IDLETIME/FREQ) unless `touch` is
   * false, as for Redis's LOOKUP_NOTOUCH lookups. A plain string value
   * becomes an entry here, so that the caller may change it.
   */
  get(key: string, now: number, touch = true): Entry | undefined {
    const item = this.lookup(key, now, touch);
    // The lookup left the key's node remembered: find() costs no probe.
    return typeof item === "string"
      ? this.#promote(this.#dict.find(key), item)
      : item;
  }

  /**
   * Like {@linkcode get}, but a plain string value comes as it is stored
   * (a binary string), without becoming an entry: for commands that only
   * read a value or replace it whole.
   */
  lookup(key: string, now: number, touch = true): StoredItem | undefined {
    const dict = this.#dict;
    const node = dict.find(key);
    if (node === 0) return undefined;
    const item = dict.itemAt(node);
    if (typeof item === "string") {
      if (touch && accessTracking.enabled) {
        dict.setTagAt(node, touchedClock(dict.tagAt(node), now));
      }
      return item;
    }
    if (item.expireAt !== 0 && item.expireAt <= now && !expiry.masterView) {
      if (!expiry.suspended && !expiry.replica) this.#expire(key);
      return undefined;
    }
    if (touch && accessTracking.enabled) item.touch(now);
    return item;
  }

  /** Returns the entry without checking expiry (for persistence and debugging). */
  peek(key: string): Entry | undefined {
    const dict = this.#dict;
    const node = dict.find(key);
    if (node === 0) return undefined;
    const item = dict.itemAt(node);
    return typeof item === "string" ? this.#promote(node, item) : item;
  }

  /**
   * What `key` holds, as stored (a plain string value stays a string),
   * without checking expiry or counting an access. `hint` is where
   * {@linkcode sample} saw the key: if it is still there, no probe is made.
   */
  peekItem(key: string, hint = 0): StoredItem | undefined {
    return this.#dict.get(key, hint);
  }

  /** True when `key` exists and has not expired (an access to it). */
  has(key: string, now: number): boolean {
    return this.lookup(key, now) !== undefined;
  }

  /**
   * Stores `entry` under `key`, replacing any previous value. The entry's
   * expireAt is honoured; a replaced key keeps its SCAN position and, as
   * Redis's dbOverwrite does, its LFU counter.
   */
  set(key: string, entry: Entry): void {
    entry.key = key;
    const dict = this.#dict;
    const old = dict.set(key, entry);
    const bytes = entryBytes(entry);
    entry.bytes = bytes;
    this.#bytes += bytes;
    const node = dict.find(key);
    if (old === undefined) {
      dict.setTagAt(node, ENTRY_TAG);
      if (entry.expireAt !== 0) this.#volatile.set(key, entry);
      this.onAdded?.(this, key);
      return;
    }
    if (typeof old === "string") {
      this.#bytes -= plainStringBytes(key, old);
      if (accessTracking.lfu) entry.clock = dict.tagAt(node);
      dict.setTagAt(node, ENTRY_TAG);
    } else {
      this.#bytes -= old.bytes;
      entry.inheritAccess(old);
      if (old.expireAt !== 0) this.#volatile.delete(key);
    }
    if (entry.expireAt !== 0) this.#volatile.set(key, entry);
  }

  /**
   * Stores the string value `value` (a binary string of at most 44 bytes)
   * under `key` with no expiry, as SET does, replacing any previous value:
   * a replaced key keeps its SCAN position and, under an LFU policy, its
   * counter. A new key's access history may be given (RDB loading).
   */
  setString(
    key: string,
    value: string,
    now: number,
    access?: RestoredAccess,
  ): void {
    const dict = this.#dict;
    const old = dict.set(key, value);
    const node = dict.find(key);
    this.#bytes += plainStringBytes(key, value);
    if (old === undefined) {
      const field = newClock(now);
      dict.setTagAt(
        node,
        access === undefined ? field : restoredClock(field, access, now),
      );
      this.onAdded?.(this, key);
      return;
    }
    let field: number;
    if (typeof old === "string") {
      this.#bytes -= plainStringBytes(key, old);
      field = dict.tagAt(node);
    } else {
      this.#bytes -= old.bytes;
      field = old.clock;
      if (old.expireAt !== 0) this.#volatile.delete(key);
    }
    dict.setTagAt(node, accessTracking.lfu ? field : lruClock(now));
  }

  /** Removes `key`; returns whether it existed (expired or not). */
  delete(key: string): boolean {
    const item = this.#dict.delete(key);
    if (item === undefined) return false;
    if (typeof item === "string") {
      this.#bytes -= plainStringBytes(key, item);
      return true;
    }
    this.#bytes -= item.bytes;
    if (item.expireAt !== 0) this.#volatile.delete(key);
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

  /**
   * Iterates over all keys and entries, expired ones included. Plain
   * string keys come as detached entries, to be read only.
   */
  *entries(): IterableIterator<[string, Entry]> {
    const dict = this.#dict;
    for (const node of dict.nodes()) {
      yield [dict.keyAt(node), this.#entryAt(node)];
    }
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
    const dict = this.#dict;
    const { nodes, next } = dict.scan(cursor, count);
    return { keys: nodes.map((node) => dict.keyAt(node)), next };
  }

  /**
   * Like {@linkcode scan}, also returning what each key holds, as stored
   * (a plain string value as its binary string).
   */
  scanItems(
    cursor: number,
    count: number,
  ): { keys: string[]; items: StoredItem[]; next: number } {
    const dict = this.#dict;
    const { nodes, next } = dict.scan(cursor, count);
    return {
      keys: nodes.map((node) => dict.keyAt(node)),
      items: nodes.map((node) => dict.itemAt(node)),
      next,
    };
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
    const node = this.#dict.random();
    return node === 0 ? undefined : this.#dict.keyAt(node);
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
      const item = this.#dict.get(key);
      if (
        item !== undefined && typeof item !== "string" &&
        item.expireAt !== 0 && item.expireAt <= now
      ) {
        this.#expire(key);
        expired++;
      }
    }
    return { checked, expired };
  }

  /** Turns the plain string value at `node` into a stored entry. */
  #promote(node: number, value: string): Entry {
    const dict = this.#dict;
    const entry = this.#detached(node, value);
    entry.bytes = entryBytes(entry);
    this.#bytes += entry.bytes - plainStringBytes(entry.key, value);
    dict.setItemAt(node, entry);
    dict.setTagAt(node, ENTRY_TAG);
    return entry;
  }

  /** The entry at `node`: a detached one for a plain string value. */
  #entryAt(node: number): Entry {
    const item = this.#dict.itemAt(node);
    return typeof item === "string" ? this.#detached(node, item) : item;
  }

  /** An entry with the key, value and access field of a plain string. */
  #detached(node: number, value: string): Entry {
    const dict = this.#dict;
    const entry = new Entry("string", value, 0);
    entry.key = dict.keyAt(node);
    entry.clock = dict.tagAt(node);
    return entry;
  }

  #expire(key: string): void {
    this.delete(key);
    this.onExpired?.(this, key);
  }
}
