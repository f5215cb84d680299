/**
 * The in-memory stream: entries in nodes of up to stream-node-max-entries
 * entries, each node packing its IDs in a BigUint64Array and its fields and
 * values in one byte buffer (like Redis's listpack nodes), indexed by a
 * sorted array of nodes, so appends are cheap and any ID is found by binary
 * search. Deleted entries stay in their node as tombstones until the node
 * empties, as in Redis, which keeps trimming and node boundaries identical.
 * Consumer groups keep their pending entries lists as in Redis.
 *
 * @module
 */

import { compareIds, MIN_ID, type StreamId } from "./stream_id.ts";
import { IdMap } from "./stream_idmap.ts";

/** Largest listpack Redis allows (STREAM_LISTPACK_MAX_SIZE). */
const LISTPACK_MAX_SIZE = 1 << 30;

/** Bytes a listpack element takes (encoding, data and back-length). */
function lpElementSize(bytes: Uint8Array): number {
  const asInt = lpInteger(bytes);
  return asInt === null ? lpStringSize(bytes.length) : lpIntSize(asInt);
}

function lpBacklen(length: number): number {
  if (length <= 127) return 1;
  if (length < 16383) return 2;
  if (length < 2097151) return 3;
  if (length < 268435455) return 4;
  return 5;
}

function lpStringSize(length: number): number {
  const head = length < 64 ? 1 : length < 4096 ? 2 : 5;
  return head + length + lpBacklen(head + length);
}

function lpIntSize(value: number): number {
  let size: number;
  if (value >= 0 && value <= 127) size = 1;
  else if (value >= -4096 && value <= 4095) size = 2;
  else if (value >= -32768 && value <= 32767) size = 3;
  else if (value >= -8388608 && value <= 8388607) size = 4;
  else if (value >= -2147483648 && value <= 2147483647) size = 5;
  else size = 9;
  return size + 1;
}

/**
 * The integer a listpack would store `bytes` as, if any (values beyond the
 * safe range only need to be known as large).
 */
function lpInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  const negative = bytes[0] === 0x2d;
  let i = negative ? 1 : 0;
  if (i === n || bytes[i] < 0x30 || bytes[i] > 0x39) return null;
  if (bytes[i] === 0x30 && n > i + 1) return null;
  if (negative && bytes[i] === 0x30) return null;
  let value = 0;
  for (; i < n; i++) {
    const c = bytes[i];
    if (c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  if (!Number.isSafeInteger(value)) return 9e15;
  return negative ? -value : value;
}

/** A node: a run of consecutive entries (live or deleted). */
export class StreamNode {
  /** Entries stored, deleted ones included. */
  count = 0;
  /** Entries not deleted. */
  live = 0;
  /** ms and seq of each entry, interleaved. */
  ids: BigUint64Array;
  /** 1 for deleted entries. */
  deleted: Uint8Array;
  /** Index in `itemEnds` of each entry's first item (fields and values alternate). */
  itemStart: Uint32Array;
  /** End offset in `data` of each item. */
  itemEnds: Uint32Array;
  items = 0;
  data: Uint8Array;
  used = 0;
  /** Size Redis's listpack for this node would have, for node splitting. */
  lpBytes = 0;
  /** Field names of the first entry (the listpack's master fields). */
  masterFields: Uint8Array[] = [];

  /** Creates an empty node with room for `capacity` entries. */
  constructor(capacity = 4) {
    this.ids = new BigUint64Array(capacity * 2);
    this.deleted = new Uint8Array(capacity);
    this.itemStart = new Uint32Array(capacity + 1);
    this.itemEnds = new Uint32Array(capacity * 4);
    this.data = new Uint8Array(capacity * 16);
  }

  /** ID of entry `i`. */
  id(i: number): StreamId {
    return { ms: this.ids[2 * i], seq: this.ids[2 * i + 1] };
  }

  /** First entry ID (the listpack's master ID). */
  get firstId(): StreamId {
    return this.id(0);
  }

  /** Last entry ID, deleted or not. */
  get lastId(): StreamId {
    return this.id(this.count - 1);
  }

  /** Fields and values of entry `i`, alternating (views into the node). */
  fields(i: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    const end = this.itemStart[i + 1];
    for (let k = this.itemStart[i]; k < end; k++) {
      const from = k === 0 ? 0 : this.itemEnds[k - 1];
      out.push(this.data.subarray(from, this.itemEnds[k]));
    }
    return out;
  }

  /** Position of the first entry with ID >= `id` (count when none). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.id(mid), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `fields` has the same names as the node's master fields. */
  #sameFields(fields: readonly Uint8Array[]): boolean {
    const master = this.masterFields;
    if (fields.length !== master.length * 2) return false;
    for (let k = 0; k < master.length; k++) {
      const a = master[k];
      const b = fields[2 * k];
      if (a.length !== b.length) return false;
      for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
    }
    return true;
  }

  /** Appends an entry (IDs must increase). */
  append(id: StreamId, fields: readonly Uint8Array[]): void {
    if (this.count === this.deleted.length) this.#growEntries();
    let bytes = 0;
    for (const f of fields) bytes += f.length;
    if (this.items + fields.length > this.itemEnds.length) {
      const ends = new Uint32Array(
        Math.max(this.itemEnds.length * 2, this.items + fields.length),
      );
      ends.set(this.itemEnds.subarray(0, this.items));
      this.itemEnds = ends;
    }
    if (this.used + bytes > this.data.length) {
      const data = new Uint8Array(
        Math.max(this.data.length * 2, this.used + bytes),
      );
      data.set(this.data.subarray(0, this.used));
      this.data = data;
    }
    this.#accountListpack(id, fields);
    const i = this.count;
    this.ids[2 * i] = id.ms;
    this.ids[2 * i + 1] = id.seq;
    this.itemStart[i] = this.items;
    for (const f of fields) {
      this.data.set(f, this.used);
      this.used += f.length;
      this.itemEnds[this.items++] = this.used;
    }
    this.itemStart[i + 1] = this.items;
    this.count++;
    this.live++;
  }

  #accountListpack(id: StreamId, fields: readonly Uint8Array[]): void {
    const n = fields.length / 2;
    if (this.count === 0) {
      this.masterFields = [];
      for (let k = 0; k < fields.length; k += 2) {
        this.masterFields.push(fields[k].slice());
      }
      // Header, terminator, and master entry: count, deleted, #fields, fields, 0.
      this.lpBytes = 7 + 2 + 2 + lpIntSize(n) + 2;
      for (let k = 0; k < fields.length; k += 2) {
        this.lpBytes += lpElementSize(fields[k]);
      }
    }
    const first = this.count === 0 ? id : this.firstId;
    const msDelta = id.ms - first.ms;
    const seqDelta = id.seq - first.seq;
    const deltaSize = (d: bigint) =>
      d <= 9007199254740991n && d >= -9007199254740991n
        ? lpIntSize(Number(d))
        : 10;
    let size = 2 + deltaSize(msDelta) + deltaSize(seqDelta);
    if (this.#sameFields(fields)) {
      for (let k = 1; k < fields.length; k += 2) {
        size += lpElementSize(fields[k]);
      }
      size += lpIntSize(n + 3);
    } else {
      size += lpIntSize(n);
      for (const f of fields) size += lpElementSize(f);
      size += lpIntSize(2 * n + 4);
    }
    this.lpBytes += size;
  }

  #growEntries(): void {
    const capacity = Math.max(4, this.deleted.length * 2);
    const ids = new BigUint64Array(capacity * 2);
    ids.set(this.ids);
    const deleted = new Uint8Array(capacity);
    deleted.set(this.deleted);
    const itemStart = new Uint32Array(capacity + 1);
    itemStart.set(this.itemStart);
    this.ids = ids;
    this.deleted = deleted;
    this.itemStart = itemStart;
  }

  /** Drops spare capacity once the node will not grow any more. */
  seal(): void {
    this.ids = this.ids.slice(0, this.count * 2);
    this.deleted = this.deleted.slice(0, this.count);
    this.itemStart = this.itemStart.slice(0, this.count + 1);
    this.itemEnds = this.itemEnds.slice(0, this.items);
    this.data = this.data.slice(0, this.used);
  }

  /** A copy with its own buffers (spare capacity dropped). */
  clone(): StreamNode {
    const copy = new StreamNode(0);
    copy.count = this.count;
    copy.live = this.live;
    copy.items = this.items;
    copy.used = this.used;
    copy.lpBytes = this.lpBytes;
    copy.masterFields = this.masterFields.map((f) => f.slice());
    copy.ids = this.ids.slice(0, this.count * 2);
    copy.deleted = this.deleted.slice(0, this.count);
    copy.itemStart = this.itemStart.slice(0, this.count + 1);
    copy.itemEnds = this.itemEnds.slice(0, this.items);
    copy.data = this.data.slice(0, this.used);
    return copy;
  }

  /** Marks entry `i` deleted; returns false if it already was. */
  markDeleted(i: number): boolean {
    if (this.deleted[i]) return false;
    this.deleted[i] = 1;
    this.live--;
    return true;
  }
}

/** A pending entry: delivered to a consumer, not yet acknowledged. */
export interface Nack {
  /** Last delivery time, ms since the epoch. */
  deliveryTime: number;
  deliveryCount: number;
  consumer: Consumer;
}

/** A consumer of a group. */
export class Consumer {
  /** Pending entries owned by this consumer. */
  readonly pel = new IdMap<Nack>();

  /** Creates a consumer; `name` is a binary string. */
  constructor(readonly name: string, public seenTime: number) {}
}

/** A consumer group. */
export class ConsumerGroup {
  /** Pending entries of all consumers. */
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<string, Consumer>();

  /** Creates a group; entriesRead is -1 when unknown. */
  constructor(
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in Redis's order (byte order of their names). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }
}

/** Where an entry lives: its node and position. */
export interface EntryRef {
  readonly node: StreamNode;
  readonly index: number;
}

/** A stream value. */
export class Stream {
  /** Nodes sorted by first ID. */
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamId = MIN_ID;
  /** First live entry ID (0-0 when empty). */
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  /** Entries ever added. */
  entriesAdded = 0n;
  readonly groups = new Map<string, ConsumerGroup>();

  /**
   * A deep copy (COPY): same nodes, tombstones included, and the same
   * groups, consumers and pending entries.
   */
  clone(): Stream {
    const copy = new Stream();
    copy.nodes = this.nodes.map((node) => node.clone());
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const group of this.groups.values()) {
      const g = new ConsumerGroup(group.name, group.lastId, group.entriesRead);
      for (const consumer of group.consumers.values()) {
        g.consumers.set(
          consumer.name,
          new Consumer(consumer.name, consumer.seenTime),
        );
      }
      for (const [id, nack] of group.pel.from()) {
        const owner = g.consumers.get(nack.consumer.name)!;
        const n: Nack = { ...nack, consumer: owner };
        g.pel.set(id, n);
        owner.pel.set(id, n);
      }
      copy.groups.set(g.name, g);
    }
    return copy;
  }

  /** Groups in Redis's order (byte order of their names). */
  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /**
   * Appends an entry whose ID is greater than the last one, opening a new
   * node when the last is full by Redis's rules (entry count including
   * tombstones, or listpack bytes).
   */
  append(
    id: StreamId,
    fields: readonly Uint8Array[],
    maxEntries: number,
    maxBytes: number,
  ): void {
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node !== undefined) {
      const limit = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE
        ? LISTPACK_MAX_SIZE
        : maxBytes;
      let size = 0;
      for (const f of fields) size += f.length;
      if (
        node.lpBytes + size >= limit ||
        (maxEntries > 0 && node.count >= maxEntries)
      ) {
        node.seal();
        node = undefined;
      }
    }
    if (node === undefined) {
      node = new StreamNode();
      this.nodes.push(node);
    }
    node.append(id, fields);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the node that holds or would hold `id` (-1 before the first). */
  nodeIndexFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.nodes[mid].firstId, id) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The live entry with this ID, if any. */
  find(id: StreamId): EntryRef | null {
    const n = this.nodeIndexFor(id);
    if (n < 0) return null;
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    if (
      i < node.count && !node.deleted[i] && compareIds(node.id(i), id) === 0
    ) {
      return { node, index: i };
    }
    return null;
  }

  /** Live entries with start <= ID <= end, ascending. */
  *range(start: StreamId, end: StreamId): IterableIterator<EntryRef> {
    if (compareIds(start, end) > 0) return;
    let n = Math.max(0, this.nodeIndexFor(start));
    let i = n < this.nodes.length ? this.nodes[n].lowerBound(start) : 0;
    for (; n < this.nodes.length; n++, i = 0) {
      const node = this.nodes[n];
      for (; i < node.count; i++) {
        if (compareIds(node.id(i), end) > 0) return;
        if (!node.deleted[i]) yield { node, index: i };
      }
    }
  }

  /** Live entries with start <= ID <= end, descending. */
  *reverseRange(start: StreamId, end: StreamId): IterableIterator<EntryRef> {
    if (compareIds(start, end) > 0) return;
    let n = this.nodeIndexFor(end);
    if (n < 0) return;
    let i = this.nodes[n].lowerBound(end);
    if (i < this.nodes[n].count && compareIds(this.nodes[n].id(i), end) === 0) {
      i++;
    }
    for (; n >= 0; n--, i = n >= 0 ? this.nodes[n].count : 0) {
      const node = this.nodes[n];
      for (i--; i >= 0; i--) {
        if (compareIds(node.id(i), start) < 0) return;
        if (!node.deleted[i]) yield { node, index: i };
      }
    }
  }

  /** Deletes a live entry; returns whether it existed. */
  delete(id: StreamId): boolean {
    const n = this.nodeIndexFor(id);
    if (n < 0) return false;
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    if (i >= node.count || compareIds(node.id(i), id) !== 0) return false;
    if (!node.markDeleted(i)) return false;
    this.length--;
    if (node.live === 0) this.nodes.splice(n, 1);
    return true;
  }

  /** The first (or last) live entry ID, or null when empty. */
  edgeId(first: boolean): StreamId | null {
    const iterator = first
      ? this.range(MIN_ID, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n })
      : this.reverseRange(MIN_ID, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n });
    const next = iterator.next();
    return next.done ? null : next.value.node.id(next.value.index);
  }

  /**
   * Trims from the oldest entries as Redis's streamTrim does: by MAXLEN
   * (`maxLen`) or MINID (`minId`); approximate trimming only drops whole
   * nodes; `limit` (0 = none) caps the entries removed. Returns the count
   * removed.
   */
  trim(
    maxLen: bigint | null,
    minId: StreamId | null,
    approx: boolean,
    limit: number,
  ): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (maxLen !== null && BigInt(this.length) <= maxLen) break;
      const node = this.nodes[0];
      const entries = node.live;
      if (limit > 0 && deleted + entries > limit) break;
      const removeNode = maxLen !== null
        ? BigInt(this.length - entries) >= maxLen
        : compareIds(node.lastId, minId!) < 0;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.count; i++) {
        const stop = maxLen !== null
          ? BigInt(this.length) <= maxLen
          : compareIds(node.id(i), minId!) >= 0;
        if (stop) break;
        if (node.markDeleted(i)) {
          this.length--;
          deleted++;
        }
      }
      break;
    }
    this.firstId = this.length === 0 ? MIN_ID : this.edgeId(true)!;
    return deleted;
  }
}
