/**
 * An ordered map keyed by stream ID, for consumer groups' pending entries
 * lists: sorted chunks of bounded size, so lookups and updates cost
 * O(log n) plus a bounded shift, and ordered walks from any ID are cheap.
 *
 * @module
 */

import { compareIds, type StreamId } from "./stream_id.ts";

/** Largest chunk before it is split in two. */
const CHUNK_SIZE = 128;

interface Chunk<V> {
  ids: StreamId[];
  values: V[];
}

/** A map from stream IDs to values, iterated in ID order. */
export class IdMap<V> {
  #chunks: Chunk<V>[] = [];
  #size = 0;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Index of the chunk that holds or would hold `id`. */
  #chunkFor(id: StreamId): number {
    const chunks = this.#chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const ids = chunks[mid].ids;
      if (compareIds(ids[ids.length - 1], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of the first id >= `id` in a chunk. */
  static #lowerBound(ids: StreamId[], id: StreamId): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(ids[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value stored under `id`. */
  get(id: StreamId): V | undefined {
    if (this.#size === 0) return undefined;
    const chunk = this.#chunks[this.#chunkFor(id)];
    const i = IdMap.#lowerBound(chunk.ids, id);
    if (i < chunk.ids.length && compareIds(chunk.ids[i], id) === 0) {
      return chunk.values[i];
    }
    return undefined;
  }

  /** Whether `id` is present. */
  has(id: StreamId): boolean {
    return this.get(id) !== undefined;
  }

  /** Stores `value` under `id`, replacing any previous value. */
  set(id: StreamId, value: V): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push({ ids: [id], values: [value] });
      this.#size = 1;
      return;
    }
    const c = this.#chunkFor(id);
    const chunk = this.#chunks[c];
    const i = IdMap.#lowerBound(chunk.ids, id);
    if (i < chunk.ids.length && compareIds(chunk.ids[i], id) === 0) {
      chunk.values[i] = value;
      return;
    }
    if (i === chunk.ids.length) {
      chunk.ids.push(id);
      chunk.values.push(value);
    } else {
      chunk.ids.splice(i, 0, id);
      chunk.values.splice(i, 0, value);
    }
    this.#size++;
    if (chunk.ids.length > CHUNK_SIZE) {
      const half = chunk.ids.length >> 1;
      this.#chunks.splice(c + 1, 0, {
        ids: chunk.ids.splice(half),
        values: chunk.values.splice(half),
      });
    }
  }

  /** Removes `id`; returns whether it was present. */
  delete(id: StreamId): boolean {
    if (this.#size === 0) return false;
    const c = this.#chunkFor(id);
    const chunk = this.#chunks[c];
    const i = IdMap.#lowerBound(chunk.ids, id);
    if (i >= chunk.ids.length || compareIds(chunk.ids[i], id) !== 0) {
      return false;
    }
    chunk.ids.splice(i, 1);
    chunk.values.splice(i, 1);
    this.#size--;
    if (chunk.ids.length === 0) this.#chunks.splice(c, 1);
    return true;
  }

  /** The smallest and largest IDs, or null when empty. */
  bounds(): [StreamId, StreamId] | null {
    if (this.#size === 0) return null;
    const last = this.#chunks[this.#chunks.length - 1].ids;
    return [this.#chunks[0].ids[0], last[last.length - 1]];
  }

  /** Entries with IDs >= `from` (all when omitted), in ID order. */
  *from(from?: StreamId): IterableIterator<[StreamId, V]> {
    if (this.#size === 0) return;
    let c = from === undefined ? 0 : this.#chunkFor(from);
    let i = from === undefined
      ? 0
      : IdMap.#lowerBound(this.#chunks[c].ids, from);
    // Entries may be deleted while iterating: resume after the last ID seen.
    while (c < this.#chunks.length) {
      const chunk = this.#chunks[c];
      if (i >= chunk.ids.length) {
        c++;
        i = 0;
        continue;
      }
      const id = chunk.ids[i];
      yield [id, chunk.values[i]];
      if (this.#chunks[c] !== chunk || chunk.ids[i] !== id) {
        const next = this.#chunkFor(id);
        c = next;
        i = IdMap.#lowerBound(this.#chunks[c]?.ids ?? [], id);
        const ids = this.#chunks[c]?.ids;
        if (ids !== undefined && i < ids.length && ids[i] === id) i++;
      } else {
        i++;
      }
    }
  }
}
