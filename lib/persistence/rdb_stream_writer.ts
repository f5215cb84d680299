/**
 * Writing a stream value in RDB type 19 (Redis 7.0's stream format).
 *
 * @module
 */

import { buildListpack } from "./compact.ts";
import type { PlainStream, PlainStreamId } from "./rdb_stream.ts";
import type { RdbWriter } from "./rdb_writer.ts";

/** Entries per listpack node, as stream-node-max-entries defaults to. */
const NODE_ENTRIES = 100;

function rawId(id: PlainStreamId): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, id[0], false);
  view.setBigUint64(8, id[1], false);
  return out;
}

/** Writes one listpack node: its master ID and the listpack. */
function writeNode(
  writer: RdbWriter,
  entries: readonly {
    id: PlainStreamId;
    fields: Uint8Array[];
    deleted: boolean;
  }[],
): void {
  const master = entries[0].id;
  const masterFields: Uint8Array[] = [];
  for (let i = 0; i < entries[0].fields.length; i += 2) {
    masterFields.push(entries[0].fields[i]);
  }
  const deleted = entries.filter((e) => e.deleted).length;
  const items: (Uint8Array | bigint)[] = [
    BigInt(entries.length - deleted),
    BigInt(deleted),
    BigInt(masterFields.length),
    ...masterFields,
    0n,
  ];
  for (const entry of entries) {
    const pairs = entry.fields.length / 2;
    items.push(
      entry.deleted ? 1n : 0n,
      entry.id[0] - master[0],
      entry.id[1] - master[1],
      BigInt(pairs),
    );
    items.push(...entry.fields);
    items.push(BigInt(2 * pairs + 4));
  }
  writer.string(rawId(master));
  writer.string(buildListpack(items));
}

/**
 * Writes the body of a stream value (RDB type 19): its nodes as they are
 * when known (tombstones included, as Redis keeps them), else its entries
 * in nodes of NODE_ENTRIES.
 */
export function writeStream(writer: RdbWriter, stream: unknown): void {
  const s = stream as PlainStream;
  if (s.nodes !== undefined) {
    const nodes = s.nodes.filter((node) =>
      node.entries.some((e) => !e.deleted)
    );
    writer.length(nodes.length);
    for (const node of nodes) writeNode(writer, node.entries);
  } else {
    const nodeCount = Math.ceil(s.entries.length / NODE_ENTRIES);
    writer.length(nodeCount);
    for (let n = 0; n < nodeCount; n++) {
      const slice = s.entries.slice(n * NODE_ENTRIES, (n + 1) * NODE_ENTRIES);
      writeNode(writer, slice.map((e) => ({ ...e, deleted: false })));
    }
  }
  writer.length(s.entries.length);
  writer.length(s.lastId[0]);
  writer.length(s.lastId[1]);
  writer.length(s.firstId[0]);
  writer.length(s.firstId[1]);
  writer.length(s.maxDeletedId[0]);
  writer.length(s.maxDeletedId[1]);
  writer.length(s.entriesAdded);
  writer.length(s.groups.length);
  for (const group of s.groups) {
    writer.string(group.name);
    writer.length(group.lastId[0]);
    writer.length(group.lastId[1]);
    writer.length(BigInt.asUintN(64, group.entriesRead));
    writer.length(group.pending.length);
    for (const p of group.pending) {
      writer.raw(rawId(p.id));
      writer.int64(p.deliveryTime);
      writer.length(p.deliveryCount);
    }
    writer.length(group.consumers.length);
    for (const consumer of group.consumers) {
      writer.string(consumer.name);
      writer.int64(consumer.seenTime);
      writer.length(consumer.pending.length);
      for (const id of consumer.pending) writer.raw(rawId(id));
    }
  }
}
