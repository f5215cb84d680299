/**
 * The memory estimate of keys and values: what MEMORY USAGE reports, what
 * used_memory_dataset sums and what maxmemory evicts against. Each type's
 * module estimates its own structure (`memoryBytes` of its
 * {@linkcode ValueTypeOps}) from the building blocks here; the constants
 * are the V8 heap and buffer bytes measured per structure by
 * bench/memory_calibration.ts, which prints the estimate beside the real
 * growth for each shape of value.
 *
 * Like Redis's MEMORY USAGE, collections are estimated from a sample: the
 * first `samples` elements (all with 0), scaled to the element count, so
 * an estimate costs O(samples) whatever the size, and the databases can
 * re-estimate a key each time it changes.
 *
 * @module
 */

import type { Entry } from "./database.ts";
import { hasValueType, valueTypeOps } from "./value_types.ts";

/** Elements sampled by default, as MEMORY USAGE's default SAMPLES 5. */
export const DEFAULT_SAMPLES = 5;

/**
 * Per key, the keyspace's own part (the hash table's node: key and item
 * slots, tag, hash and chain link, and its bucket), which MEMORY STATS
 * reports as the main hash table's overhead rather than as data.
 */
export const KEYSPACE_SLOT_BYTES = 45;
/** An Entry object, which every key but a plain string one has. */
export const ENTRY_BYTES = 64;
/**
 * Per key held as an entry, beyond the key's string and its value: the
 * Entry object and the key's node and bucket.
 */
export const KEY_OVERHEAD_BYTES: number = ENTRY_BYTES + KEYSPACE_SLOT_BYTES;
/** A key with an expiry: its entry in the volatile Map and the boxed time. */
export const EXPIRY_BYTES = 49;
/** A Uint8Array view object, whatever it views. */
export const VIEW_BYTES = 108;
/** An ArrayBuffer of its own: the object and its backing store's record. */
export const BUFFER_BYTES = 56;
/**
 * The largest value the RESP decoder copies into a shared slab rather than
 * a buffer of its own (lib/resp/decoder.ts's SMALL_ARG_MAX).
 */
const SLAB_VALUE_MAX = 64;

/** Heap bytes of a V8 string of `length` one-byte characters. */
export function stringBytes(length: number): number {
  return (16 + length + 7) & ~7;
}

/**
 * Bytes a byte string costs: its view and either its share of a slab
 * (small values as the decoder stores them) or its own buffer, the spare
 * capacity included (APPEND and SETRANGE grow strings in place). A view of
 * a buffer far larger than itself (a value read out of a loaded file)
 * counts only its own bytes, since the buffer is shared.
 */
export function bytesBytes(value: Uint8Array): number {
  const length = value.byteLength;
  if (length <= SLAB_VALUE_MAX) return VIEW_BYTES + length;
  const capacity = value.buffer.byteLength;
  if (capacity > 2 * length + 1024) return VIEW_BYTES + BUFFER_BYTES + length;
  return VIEW_BYTES + BUFFER_BYTES + capacity;
}

/**
 * The total of `size` elements estimated from the first `samples` of them
 * (all of them with 0) that `elements` yields: their average times `size`.
 */
export function sampledBytes<T>(
  elements: Iterable<T>,
  size: number,
  samples: number,
  bytesOf: (element: T) => number,
): number {
  if (size === 0) return 0;
  const limit = samples === 0 ? size : Math.min(samples, size);
  let total = 0;
  let seen = 0;
  for (const element of elements) {
    if (seen === limit) break;
    total += bytesOf(element);
    seen++;
  }
  return seen === 0 ? 0 : Math.round(total / seen * size);
}

/**
 * The estimated bytes of a plain string key (a short value held as a
 * binary string, with no entry; see lib/store/database.ts): its node and
 * its two strings.
 */
export function plainStringBytes(key: string, value: string): number {
  return KEYSPACE_SLOT_BYTES + stringBytes(key.length) +
    stringBytes(value.length);
}

/**
 * The estimated bytes of a key held as an entry: its string, its value (sampling
 * `samples` elements of a collection; 0 samples all) and the per-key
 * overhead, as MEMORY USAGE reports it.
 */
export function entryBytes(entry: Entry, samples = DEFAULT_SAMPLES): number {
  let bytes = KEY_OVERHEAD_BYTES + stringBytes(entry.key.length);
  if (entry.expireAt !== 0) bytes += EXPIRY_BYTES;
  const value = entry.value;
  // Only string values are held as strings: no type lookup on SET's path.
  if (typeof value === "string") return bytes + stringBytes(value.length);
  if (value instanceof Uint8Array) return bytes + bytesBytes(value);
  if (!hasValueType(entry.type)) return bytes;
  return bytes + valueTypeOps(entry.type).memoryBytes(value, samples);
}
