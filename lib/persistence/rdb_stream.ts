/**
 * The stream value in RDB files (types 15, 19 and 21): entries packed in
 * listpacks under master IDs, then consumer groups with their pending
 * entries lists. Decoded into a plain form the stream type converts.
 *
 * @module
 */

import { parseListpack } from "./compact.ts";
import { type RdbCursor, RdbError } from "./rdb_reader.ts";

/** A stream entry ID: milliseconds and sequence, both unsigned 64-bit. */
export type PlainStreamId = readonly [bigint, bigint];

/** A pending entry of a consumer group. */
export interface PlainPendingEntry {
  /** ID of the delivered entry. */
  readonly id: PlainStreamId;
  /** Last delivery time, ms since the epoch. */
  readonly deliveryTime: number;
  /** How many times the entry was delivered. */
  readonly deliveryCount: number;
}

/** A consumer of a group. */
export interface PlainConsumer {
  /** Consumer name. */
  readonly name: Uint8Array;
  /** Last time the consumer was seen, ms since the epoch. */
  readonly seenTime: number;
  /** Last time the consumer was active, ms since the epoch. */
  readonly activeTime: number;
  /** IDs of the group's pending entries owned by this consumer. */
  readonly pending: PlainStreamId[];
}

/** A consumer group. */
export interface PlainConsumerGroup {
  /** Group name. */
  readonly name: Uint8Array;
  /** ID of the last entry delivered to the group. */
  readonly lastId: PlainStreamId;
  /** Entries read counter, or -1 when unknown (files older than type 19). */
  readonly entriesRead: bigint;
  /** The group's pending entries list. */
  readonly pending: PlainPendingEntry[];
  /** The group's consumers. */
  readonly consumers: PlainConsumer[];
}

/** One listpack node of a stream, as Redis lays the entries out. */
export interface PlainStreamNode {
  /** Its entries in ID order, deleted ones (tombstones) included. */
  readonly entries: {
    id: PlainStreamId;
    fields: Uint8Array[];
    deleted: boolean;
  }[];
}

/** A whole stream in plain form. */
export interface PlainStream {
  /** Live entries in ID order; `fields` alternates field and value. */
  readonly entries: { id: PlainStreamId; fields: Uint8Array[] }[];
  /**
   * The same entries in their nodes, with tombstones, when known (read from
   * a file, or saved from memory), so that node boundaries survive.
   */
  readonly nodes?: readonly PlainStreamNode[];
  /** Highest ID ever added to the stream. */
  readonly lastId: PlainStreamId;
  /** First entry ID ever present, 0-0 when empty (type 19+). */
  readonly firstId: PlainStreamId;
  /** Highest ID of a deleted entry (type 19+). */
  readonly maxDeletedId: PlainStreamId;
  /** Entries ever added to the stream (type 19+). */
  readonly entriesAdded: bigint;
  /** Consumer groups. */
  readonly groups: PlainConsumerGroup[];
}

const FLAG_DELETED = 1;
const FLAG_SAME_FIELDS = 2;

const text = new TextDecoder();
const int = (b: Uint8Array) => BigInt(text.decode(b));

function rawId(bytes: Uint8Array): PlainStreamId {
  if (bytes.length !== 16) throw new RdbError("stream ID of wrong size");
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return [view.getBigUint64(0, false), view.getBigUint64(8, false)];
}

function readEntries(
  master: PlainStreamId,
  items: Uint8Array[],
  out: { id: PlainStreamId; fields: Uint8Array[] }[],
  node: PlainStreamNode,
): void {
  let p = 0;
  const next = () => {
    if (p >= items.length) throw new RdbError("truncated stream listpack");
    return items[p++];
  };
  const count = Number(int(next()));
  const deleted = Number(int(next()));
  const masterFieldCount = Number(int(next()));
  const masterFields: Uint8Array[] = [];
  for (let i = 0; i < masterFieldCount; i++) masterFields.push(next());
  next(); // master entry terminator
  for (let e = 0; e < count + deleted; e++) {
    const flags = Number(int(next()));
    const id: PlainStreamId = [
      master[0] + int(next()),
      master[1] + int(next()),
    ];
    const fields: Uint8Array[] = [];
    if (flags & FLAG_SAME_FIELDS) {
      for (const field of masterFields) fields.push(field, next());
    } else {
      const n = Number(int(next()));
      for (let i = 0; i < n; i++) fields.push(next(), next());
    }
    next(); // lp-count, for backward iteration
    const deleted = (flags & FLAG_DELETED) !== 0;
    node.entries.push({ id, fields, deleted });
    if (!deleted) out.push({ id, fields });
  }
}

/** Reads a stream value of RDB type 15, 19 or 21. */
export function readStream(cursor: RdbCursor, type: number): PlainStream {
  const entries: { id: PlainStreamId; fields: Uint8Array[] }[] = [];
  const nodes: PlainStreamNode[] = [];
  const nodeCount = cursor.length();
  for (let i = 0; i < nodeCount; i++) {
    const master = rawId(cursor.string());
    const items = parseListpack(cursor.string());
    if (items.length === 0) throw new RdbError("empty listpack inside stream");
    const node: PlainStreamNode = { entries: [] };
    readEntries(master, items, entries, node);
    nodes.push(node);
  }
  const length = cursor.length();
  if (length !== entries.length) {
    throw new RdbError(
      `stream length ${length} does not match its ${entries.length} entries`,
    );
  }
  const lastId: PlainStreamId = [cursor.lengthBig(), cursor.lengthBig()];
  let firstId: PlainStreamId = entries.length > 0 ? entries[0].id : [0n, 0n];
  let maxDeletedId: PlainStreamId = [0n, 0n];
  let entriesAdded = BigInt(length);
  if (type >= 19) {
    firstId = [cursor.lengthBig(), cursor.lengthBig()];
    maxDeletedId = [cursor.lengthBig(), cursor.lengthBig()];
    entriesAdded = cursor.lengthBig();
  }
  const groups: PlainConsumerGroup[] = [];
  const groupCount = cursor.length();
  for (let g = 0; g < groupCount; g++) {
    const name = cursor.string();
    const groupLastId: PlainStreamId = [cursor.lengthBig(), cursor.lengthBig()];
    const entriesRead = type >= 19
      ? BigInt.asIntN(64, cursor.lengthBig())
      : -1n;
    const pending: PlainPendingEntry[] = [];
    const pendingCount = cursor.length();
    for (let i = 0; i < pendingCount; i++) {
      const id = rawId(cursor.bytes(16));
      const deliveryTime = cursor.int64le();
      const deliveryCount = cursor.length();
      pending.push({ id, deliveryTime, deliveryCount });
    }
    const consumers: PlainConsumer[] = [];
    const consumerCount = cursor.length();
    for (let c = 0; c < consumerCount; c++) {
      const consumerName = cursor.string();
      const seenTime = cursor.int64le();
      const activeTime = type >= 21 ? cursor.int64le() : seenTime;
      const owned: PlainStreamId[] = [];
      const ownedCount = cursor.length();
      for (let i = 0; i < ownedCount; i++) owned.push(rawId(cursor.bytes(16)));
      consumers.push({
        name: consumerName,
        seenTime,
        activeTime,
        pending: owned,
      });
    }
    groups.push({ name, lastId: groupLastId, entriesRead, pending, consumers });
  }
  return {
    entries,
    nodes,
    lastId,
    firstId,
    maxDeletedId,
    entriesAdded,
    groups,
  };
}
