/**
 * The map behind hashes and sets, and the keyspace lookup the collection
 * types share.
 *
 * The map offers O(1) lookup, insertion and deletion,
 * O(1) expected random access (HRANDFIELD, SRANDMEMBER, SPOP) and stable
 * scan cursors (HSCAN, SSCAN). Iteration follows insertion order, which is
 * the order Redis's listpack encoding keeps.
 *
 * Entries live in slots; a deleted entry leaves a hole until holes make up
 * half the slots, when the slots are compacted (amortised O(1)). Each slot
 * carries an increasing sequence number that survives compaction, so a scan
 * cursor (the sequence number to resume from) never skips an entry that
 * stayed in the map.
 *
 * @module
 */

import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { ValueType } from "../store/database.ts";

/** Holes tolerated before compaction is considered. */
const MIN_HOLES_TO_COMPACT = 16;

/** A string-keyed map with random access and scan cursors. */
export class IndexedMap<V> {
  readonly #slotOf = new Map<string, number>();
  #keys: (string | undefined)[] = [];
  #values: (V | undefined)[] = [];
  #seqs: number[] = [];
  #holes = 0;
  /**
   * No entry lives in a slot before this one: iterations start here, not
   * at the run of holes that deleting the oldest entries leaves (a queue
   * kept in a hash), which each would step over again.
   */
  #head = 0;
  #nextSeq = 1;

  /** Number of entries. */
  get size(): number {
    return this.#slotOf.size;
  }

  /** Slots in use, holes included (the memory estimate counts them). */
  get slots(): number {
    return this.#keys.length;
  }

  /** The value of `key`, or undefined. */
  get(key: string): V | undefined {
    const slot = this.#slotOf.get(key);
    return slot === undefined ? undefined : this.#values[slot];
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.#slotOf.has(key);
  }

  /** Sets `key` (keeping its position if present); returns true if it is new. */
  set(key: string, value: V): boolean {
    const slot = this.#slotOf.get(key);
    if (slot !== undefined) {
      this.#values[slot] = value;
      return false;
    }
    this.#slotOf.set(key, this.#keys.length);
    this.#keys.push(key);
    this.#values.push(value);
    this.#seqs.push(this.#nextSeq++);
    return true;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return false;
    this.#slotOf.delete(key);
    const keys = this.#keys;
    keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#holes++;
    if (slot === this.#head) {
      while (this.#head < keys.length && keys[this.#head] === undefined) {
        this.#head++;
      }
    }
    if (this.#slotOf.size === 0) {
      this.#keys = [];
      this.#values = [];
      this.#seqs = [];
      this.#holes = 0;
      this.#head = 0;
    } else if (
      this.#holes >= MIN_HOLES_TO_COMPACT && this.#holes * 2 > this.#keys.length
    ) this.#compact();
    return true;
  }

  /** Keys in insertion order. */
  *keys(): IterableIterator<string> {
    const keys = this.#keys;
    for (let i = this.#head; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) yield key;
    }
  }

  /** Entries in insertion order. */
  *entries(): IterableIterator<[string, V]> {
    const keys = this.#keys;
    for (let i = this.#head; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) yield [key, this.#values[i] as V];
    }
  }

  /**
   * The total of `bytesOf` over all entries, estimated from the first
   * `samples` (all with 0) as their average times the size, as
   * lib/store/memory_usage.ts's sampledBytes does, without an iterator or
   * a pair per entry: a write to a hash or set re-estimates it each time.
   */
  sampledBytes(
    samples: number,
    bytesOf: (key: string, value: V) => number,
  ): number {
    const size = this.#slotOf.size;
    if (size === 0) return 0;
    const limit = samples === 0 ? size : Math.min(samples, size);
    const keys = this.#keys;
    const values = this.#values;
    let total = 0;
    let seen = 0;
    for (let i = this.#head; i < keys.length && seen < limit; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      total += bytesOf(key, values[i] as V);
      seen++;
    }
    return Math.round(total / seen * size);
  }

  /**
   * A uniformly random key; the map must not be empty. Holes are at most
   * about half of the slots, so this takes O(1) expected tries.
   */
  randomKey(): string {
    const keys = this.#keys;
    while (true) {
      const key = keys[Math.floor(Math.random() * keys.length)];
      if (key !== undefined) return key;
    }
  }

  /**
   * One scan step: up to `count` keys from cursor `cursor` on, and the
   * cursor to continue from (0 when the scan is complete).
   */
  scan(cursor: number, count: number): { keys: string[]; next: number } {
    const seqs = this.#seqs;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid] < cursor) lo = mid + 1;
      else hi = mid;
    }
    const keys: string[] = [];
    const slots = this.#keys;
    let i = lo;
    for (; i < slots.length && keys.length < count; i++) {
      const key = slots[i];
      if (key !== undefined) keys.push(key);
    }
    while (i < slots.length && slots[i] === undefined) i++;
    return { keys, next: i < slots.length ? seqs[i] : 0 };
  }

  /** A copy whose values are copied with `copyValue`. */
  clone(copyValue: (value: V) => V = (value) => value): IndexedMap<V> {
    const copy = new IndexedMap<V>();
    for (const [key, value] of this.entries()) copy.set(key, copyValue(value));
    return copy;
  }

  #compact(): void {
    const keys: string[] = [];
    const values: V[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i];
      if (key === undefined) continue;
      this.#slotOf.set(key, keys.length);
      keys.push(key);
      values.push(this.#values[i] as V);
      seqs.push(this.#seqs[i]);
    }
    this.#keys = keys;
    this.#values = values;
    this.#seqs = seqs;
    this.#holes = 0;
    this.#head = 0;
  }
}

/**
 * The value at `key` for a collection command when it is of type `type`, or
 * null when missing; throws WRONGTYPE for other types. A `read` lookup
 * counts a keyspace hit or miss as Redis's lookupKeyRead does (write lookups
 * do not).
 */
export function lookupValue<T>(
  ctx: CommandContext,
  key: string,
  type: ValueType,
  read: boolean,
): T | null {
  const entry = read ? ctx.readKey(key) : ctx.db.get(key, ctx.now);
  if (entry === undefined) return null;
  if (entry.type !== type) throw new CommandError(Errors.wrongType);
  return entry.value as T;
}
