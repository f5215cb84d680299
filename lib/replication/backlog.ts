/**
 * The replication backlog: the last `repl-backlog-size` bytes of the
 * replication stream, kept so that a replica that lost its link can continue
 * from its offset (PSYNC) instead of loading a whole snapshot again.
 *
 * @module
 */

/** A fixed-size ring of the most recent replication stream bytes. */
export class ReplicationBacklog {
  #buffer: Uint8Array;
  /** Where the next byte goes in #buffer. */
  #writeIndex = 0;
  /** Bytes of history held (repl_backlog_histlen). */
  #length = 0;
  /** Stream offset of the byte after the last one held. */
  #endOffset: number;

  /**
   * Creates an empty backlog of `size` bytes whose history starts after
   * stream offset `offset` (the master_repl_offset when it is created).
   */
  constructor(size: number, offset: number) {
    this.#buffer = new Uint8Array(size);
    this.#endOffset = offset + 1;
  }

  /** Capacity in bytes (repl_backlog_size). */
  get size(): number {
    return this.#buffer.length;
  }

  /** Bytes of history held (repl_backlog_histlen). */
  get historyLength(): number {
    return this.#length;
  }

  /** Offset of the oldest byte held (repl_backlog_first_byte_offset). */
  get firstByteOffset(): number {
    return this.#endOffset - this.#length;
  }

  /** Adds stream bytes, dropping the oldest when full. */
  append(bytes: Uint8Array): void {
    this.#endOffset += bytes.length;
    const buffer = this.#buffer;
    const size = buffer.length;
    if (bytes.length >= size) {
      buffer.set(bytes.subarray(bytes.length - size));
      this.#writeIndex = 0;
      this.#length = size;
      return;
    }
    const first = Math.min(bytes.length, size - this.#writeIndex);
    buffer.set(bytes.subarray(0, first), this.#writeIndex);
    if (first < bytes.length) buffer.set(bytes.subarray(first), 0);
    this.#writeIndex = (this.#writeIndex + bytes.length) % size;
    this.#length = Math.min(size, this.#length + bytes.length);
  }

  /**
   * The history from stream offset `offset` to the end, or null when that
   * offset is not held (older than the history, or beyond its end + 1).
   */
  from(offset: number): Uint8Array | null {
    const first = this.firstByteOffset;
    if (offset < first || offset > this.#endOffset) return null;
    const count = this.#endOffset - offset;
    const out = new Uint8Array(count);
    const size = this.#buffer.length;
    const start = (this.#writeIndex - count + size) % size;
    const head = Math.min(count, size - start);
    out.set(this.#buffer.subarray(start, start + head));
    if (head < count) out.set(this.#buffer.subarray(0, count - head), head);
    return out;
  }

  /**
   * Changes the capacity (CONFIG SET repl-backlog-size), keeping as much
   * recent history as fits.
   */
  resize(size: number): void {
    if (size === this.#buffer.length) return;
    const keep = Math.min(size, this.#length);
    const history = this.from(this.#endOffset - keep)!;
    this.#buffer = new Uint8Array(size);
    this.#buffer.set(history);
    this.#writeIndex = keep % size;
    this.#length = keep;
  }
}
