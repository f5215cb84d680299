/**
 * The stream type and its commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL,
 * XTRIM, XSETID, XREAD, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM,
 * XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER) and XINFO
 * (STREAM, GROUPS, CONSUMERS), with Redis 7.0's replies and errors.
 *
 * @module
 */

import {
  parseBlockingTimeout,
  parseInt64Argument,
} from "../commands/arguments.ts";
import {
  defineCommand,
  keyRange,
  keysAfterKeyword,
} from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { replyHelp } from "../commands/command.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type {
  PlainConsumerGroup,
  PlainStream,
  PlainStreamId,
  PlainStreamNode,
} from "../persistence/rdb_stream.ts";
import type { BlockedRequest } from "../server/blocking.ts";
import { KeyspaceNotifier } from "../server/notifications.ts";
import type { Server } from "../server/server.ts";
import { Entry } from "../store/database.ts";
import {
  bytesBytes,
  DEFAULT_SAMPLES,
  sampledBytes,
} from "../store/memory_usage.ts";
import { type PlainValue, registerValueType } from "../store/value_types.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
} from "../util/bytes.ts";
import { lookupValue } from "./indexed_map.ts";
import {
  compareIds,
  formatId,
  INVALID_ID,
  isZeroId,
  MAX_ID,
  MIN_ID,
  nextId,
  parseId,
  previousId,
  type StreamId,
  UINT64_MAX,
} from "./stream_id.ts";
import {
  Consumer,
  ConsumerGroup,
  type EntryRef,
  type Nack,
  Stream,
  StreamNode,
} from "./stream_store.ts";

/** Entries a blocked XREAD without COUNT gets at most (XREAD_BLOCKED_DEFAULT_COUNT). */
const BLOCKED_DEFAULT_COUNT = 1000;
/** entries_read value meaning "unknown" (SCG_INVALID_ENTRIES_READ). */
const INVALID_ENTRIES_READ = -1n;

// ---------------------------------------------------------------------------
// Value type registration (COPY, OBJECT ENCODING, persistence)

const toPlainId = (id: StreamId): PlainStreamId => [id.ms, id.seq];
const fromPlainId = (id: PlainStreamId): StreamId => ({
  ms: id[0],
  seq: id[1],
});
const latin1 = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

/** The stream in the plain form persistence reads and writes. */
function streamToPlain(stream: Stream): PlainStream {
  const entries: { id: PlainStreamId; fields: Uint8Array[] }[] = [];
  const nodes: PlainStreamNode[] = stream.nodes.map((node) => {
    const nodeEntries: PlainStreamNode["entries"] = [];
    for (let i = 0; i < node.count; i++) {
      const entry = {
        id: toPlainId(node.id(i)),
        fields: node.fields(i).map((f) => f.slice()),
        deleted: node.isDeleted(i),
      };
      nodeEntries.push(entry);
      if (!entry.deleted) entries.push({ id: entry.id, fields: entry.fields });
    }
    return { entries: nodeEntries };
  });
  const groups: PlainConsumerGroup[] = stream.sortedGroups().map((g) => ({
    name: latin1(g.name),
    lastId: toPlainId(g.lastId),
    entriesRead: g.entriesRead,
    pending: [...g.pel.from()].map(([id, nack]) => ({
      id: toPlainId(id),
      deliveryTime: nack.deliveryTime,
      deliveryCount: nack.deliveryCount,
    })),
    consumers: g.sortedConsumers().map((c) => ({
      name: latin1(c.name),
      seenTime: c.seenTime,
      activeTime: c.seenTime,
      pending: [...c.pel.from()].map(([id]) => toPlainId(id)),
    })),
  }));
  return {
    entries,
    nodes,
    lastId: toPlainId(stream.lastId),
    firstId: toPlainId(stream.firstId),
    maxDeletedId: toPlainId(stream.maxDeletedId),
    entriesAdded: stream.entriesAdded,
    groups,
  };
}

/** Builds a stream from its plain form, with the configured node sizes. */
function streamFromPlain(
  plain: PlainStream,
  maxEntries: number,
  maxBytes: number,
): Stream {
  const stream = new Stream();
  if (plain.nodes !== undefined) {
    // The nodes as saved, tombstones included, as Redis loads them.
    for (const plainNode of plain.nodes) {
      if (!plainNode.entries.some((e) => !e.deleted)) continue;
      const node = new StreamNode();
      plainNode.entries.forEach((entry, i) => {
        node.append(fromPlainId(entry.id), entry.fields);
        if (entry.deleted) node.markDeleted(i);
      });
      node.seal();
      stream.appendNode(node);
    }
  } else {
    for (const entry of plain.entries) {
      stream.append(fromPlainId(entry.id), entry.fields, maxEntries, maxBytes);
    }
  }
  stream.lastId = fromPlainId(plain.lastId);
  stream.firstId = stream.length === 0 ? MIN_ID : fromPlainId(plain.firstId);
  stream.maxDeletedId = fromPlainId(plain.maxDeletedId);
  stream.entriesAdded = plain.entriesAdded;
  for (const g of plain.groups) {
    const group = new ConsumerGroup(
      bytesToString(g.name),
      fromPlainId(g.lastId),
      g.entriesRead,
    );
    const owners = new Map<string, Consumer>();
    for (const c of g.consumers) {
      const consumer = new Consumer(bytesToString(c.name), c.seenTime);
      group.consumers.set(consumer.name, consumer);
      for (const id of c.pending) {
        owners.set(formatId(fromPlainId(id)), consumer);
      }
    }
    for (const p of g.pending) {
      const id = fromPlainId(p.id);
      const consumer = owners.get(formatId(id));
      if (consumer === undefined) continue;
      const nack: Nack = {
        deliveryTime: p.deliveryTime,
        deliveryCount: p.deliveryCount,
        consumer,
      };
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
    }
    stream.groups.set(group.name, group);
  }
  return stream;
}

/** A Stream with its node array and group Map, empty. */
const STREAM_BYTES = 400;
/** A StreamNode object with its two buffers' views and objects. */
const STREAM_NODE_BYTES = 1000;
/** A consumer group or consumer with its PEL and Map entry. */
const STREAM_GROUP_BYTES = 300;
/** A pending entry: the Nack object and its IdMap slot. */
const STREAM_NACK_BYTES = 120;

/** A stream node's estimated bytes: buffers, offsets, master fields. */
function streamNodeBytes(node: Stream["nodes"][number]): number {
  return STREAM_NODE_BYTES + node.data.buffer.byteLength +
    node.offsets.buffer.byteLength +
    sampledBytes(
      node.masterFields,
      node.masterFields.length,
      DEFAULT_SAMPLES,
      bytesBytes,
    );
}

/** A stream's estimated bytes: its nodes (sampled), groups and PELs. */
function streamBytes(stream: Stream, samples: number): number {
  const nodes = sampledBytes(
    stream.nodes,
    stream.nodes.length,
    samples,
    streamNodeBytes,
  );
  let groups = 0;
  for (const group of stream.groups.values()) {
    groups += STREAM_GROUP_BYTES + STREAM_NACK_BYTES * group.pel.size;
    for (const consumer of group.consumers.values()) {
      groups += STREAM_GROUP_BYTES + consumer.name.length +
        STREAM_NACK_BYTES * consumer.pel.size;
    }
  }
  return STREAM_BYTES + nodes + groups;
}

registerValueType("stream", {
  memoryBytes: (value, samples) => streamBytes(value as Stream, samples),
  copy: (value) => (value as Stream).clone(),
  encoding: () => "stream",
  toPlain: (value): PlainValue => ({
    type: "stream",
    stream: streamToPlain(value as Stream),
  }),
  fromPlain: (plain, config) => ({
    value: streamFromPlain(
      (plain as { stream: PlainStream }).stream,
      config.number("stream-node-max-entries"),
      config.number("stream-node-max-bytes"),
    ),
    flags: 0,
  }),
});

// ---------------------------------------------------------------------------
// Helpers

/** The stream at `key` or null; throws WRONGTYPE for other types. */
function lookupStream(
  ctx: CommandContext,
  key: string,
  read = false,
): Stream | null {
  return lookupValue<Stream>(ctx, key, "stream", read);
}

/** The text of an argument up to its first NUL, as Redis's %s prints it. */
function cText(arg: Uint8Array): string {
  const nul = arg.indexOf(0);
  return bytesToString(nul < 0 ? arg : arg.subarray(0, nul));
}

function strictId(arg: Uint8Array): StreamId {
  const parsed = parseId(arg, { strict: true });
  if (parsed === null) throw new CommandError(INVALID_ID);
  return parsed.id;
}

function looseId(arg: Uint8Array, missingSeq = 0n): StreamId {
  const parsed = parseId(arg, { missingSeq });
  if (parsed === null) throw new CommandError(INVALID_ID);
  return parsed.id;
}

/**
 * Parses a range bound: "(" makes it exclusive (and then strict), which
 * moves it to the next (start) or previous (end) ID.
 */
function intervalId(arg: Uint8Array, isStart: boolean): StreamId {
  const missingSeq = isStart ? 0n : UINT64_MAX;
  if (arg.length > 1 && arg[0] === 0x28) {
    const parsed = parseId(arg.subarray(1), { strict: true, missingSeq });
    if (parsed === null) throw new CommandError(INVALID_ID);
    const moved = isStart ? nextId(parsed.id) : previousId(parsed.id);
    if (moved === null) {
      throw new CommandError(
        `ERR invalid ${isStart ? "start" : "end"} ID for the interval`,
      );
    }
    return moved;
  }
  return looseId(arg, missingSeq);
}

function replyId(ctx: CommandContext, id: StreamId): void {
  ctx.reply.bulkString(formatId(id));
}

function replyEntry(ctx: CommandContext, ref: EntryRef): void {
  const reply = ctx.reply;
  reply.array(2);
  replyId(ctx, ref.node.id(ref.index));
  ref.node.replyFields(ref.index, reply);
}

/** Replies with an entry, or with a null when it does not exist. */
function replyEntryOrNull(ctx: CommandContext, stream: Stream, id: StreamId) {
  const ref = stream.find(id);
  if (ref === null) ctx.reply.nullBulk();
  else replyEntry(ctx, ref);
}

/** The last live entry's ID, or 0-0 (streamLastValidID). */
function lastValidId(stream: Stream): StreamId {
  return stream.edgeId(false) ?? MIN_ID;
}

/** Whether start..end (whole stream when null) may contain a deleted entry. */
function rangeHasTombstones(
  stream: Stream,
  start: StreamId | null,
  end: StreamId | null,
): boolean {
  if (stream.length === 0 || isZeroId(stream.maxDeletedId)) return false;
  if (compareIds(stream.firstId, stream.maxDeletedId) > 0) return false;
  return compareIds(start ?? MIN_ID, stream.maxDeletedId) <= 0 &&
    compareIds(stream.maxDeletedId, end ?? MAX_ID) <= 0;
}

/** The logical read counter of `id`, or -1 when it cannot be known. */
function estimateDistance(stream: Stream, id: StreamId): bigint {
  if (stream.entriesAdded === 0n) return 0n;
  if (stream.length === 0 && compareIds(id, stream.lastId) < 1) {
    return stream.entriesAdded;
  }
  const cmpLast = compareIds(id, stream.lastId);
  if (cmpLast === 0) return stream.entriesAdded;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpFirst = compareIds(id, stream.firstId);
  if (
    isZeroId(stream.maxDeletedId) ||
    compareIds(stream.maxDeletedId, stream.firstId) < 0
  ) {
    if (cmpFirst < 0) return stream.entriesAdded - BigInt(stream.length);
    if (cmpFirst === 0) return stream.entriesAdded - BigInt(stream.length) + 1n;
  }
  return INVALID_ENTRIES_READ;
}

function replyLag(ctx: CommandContext, stream: Stream, group: ConsumerGroup) {
  if (stream.entriesAdded === 0n) {
    ctx.reply.integer(0);
    return;
  }
  if (
    group.entriesRead !== INVALID_ENTRIES_READ &&
    !rangeHasTombstones(stream, group.lastId, null)
  ) {
    ctx.reply.integer(stream.entriesAdded - group.entriesRead);
    return;
  }
  const read = estimateDistance(stream, group.lastId);
  if (read === INVALID_ENTRIES_READ) ctx.reply.nullBulk();
  else ctx.reply.integer(stream.entriesAdded - read);
}

/** NOGROUP for a missing key or group; XREADGROUP adds a `suffix`. */
function noGroupError(
  key: Uint8Array,
  group: Uint8Array,
  suffix = "",
): CommandError {
  return new CommandError(
    `NOGROUP No such key '${cText(key)}' or consumer group '${
      cText(group)
    }'${suffix}`,
  );
}

/** XGROUP's and XINFO CONSUMERS' error for a group missing from a stream. */
function noConsumerGroupError(
  key: Uint8Array,
  group: Uint8Array,
): CommandError {
  return new CommandError(
    `NOGROUP No such consumer group '${cText(group)}' for key name '${
      cText(key)
    }'`,
  );
}

/** Keyspace notifiers for events that, as in Redis, do not touch WATCH. */
const notifiers = new WeakMap<Server, KeyspaceNotifier>();

/**
 * Records a consumer group change: a dirty change and its keyspace event,
 * but unlike {@linkcode CommandContext.keyChanged} no WATCH invalidation,
 * since Redis does not signal these changes as key modifications.
 */
function groupChanged(ctx: CommandContext, key: string, event: string): void {
  const server = ctx.server;
  let notifier = notifiers.get(server);
  if (notifier === undefined) {
    notifier = new KeyspaceNotifier(
      server.pubsub,
      () => server.config.get("notify-keyspace-events"),
    );
    notifiers.set(server, notifier);
  }
  server.dirty++;
  notifier.notify(ctx.db, key, "t", event);
}

/** Creates a consumer, with Redis's event, or returns null if it exists. */
function createConsumer(
  ctx: CommandContext,
  group: ConsumerGroup,
  name: string,
  key: string,
): Consumer | null {
  if (group.consumers.has(name)) return null;
  const consumer = new Consumer(name, Date.now());
  group.consumers.set(name, consumer);
  groupChanged(ctx, key, "xgroup-createconsumer");
  return consumer;
}

/** Looks a consumer up (refreshing its seen time) or creates it. */
function consumerFor(
  ctx: CommandContext,
  group: ConsumerGroup,
  name: string,
  key: string,
): Consumer {
  const consumer = group.consumers.get(name);
  if (consumer !== undefined) {
    consumer.seenTime = Date.now();
    return consumer;
  }
  return createConsumer(ctx, group, name, key)!;
}

/** XCLAIM that recreates a pending entry's state on replay. */
function propagateClaim(
  ctx: CommandContext,
  key: Uint8Array,
  groupName: Uint8Array,
  group: ConsumerGroup,
  id: StreamId,
  nack: Nack,
): void {
  ctx.propagate([
    "XCLAIM",
    key,
    groupName,
    latin1(nack.consumer.name),
    "0",
    formatId(id),
    "TIME",
    String(nack.deliveryTime),
    "RETRYCOUNT",
    String(nack.deliveryCount),
    "FORCE",
    "JUSTID",
    "LASTID",
    formatId(group.lastId),
  ]);
}

function propagateGroupId(
  ctx: CommandContext,
  key: Uint8Array,
  groupName: Uint8Array,
  group: ConsumerGroup,
): void {
  ctx.propagate([
    "XGROUP",
    "SETID",
    key,
    groupName,
    formatId(group.lastId),
    "ENTRIESREAD",
    String(group.entriesRead),
  ]);
}

function deletePending(group: ConsumerGroup, id: StreamId, nack: Nack): void {
  group.pel.delete(id);
  nack.consumer.pel.delete(id);
}

// ---------------------------------------------------------------------------
// XADD, XTRIM

interface TrimArgs {
  maxLen: bigint | null;
  minId: StreamId | null;
  approx: boolean;
  limit: number;
  /** Argument index of the threshold (for rewriting on propagation). */
  thresholdIndex: number;
  noMkStream: boolean;
  id: StreamId | null;
  seqGiven: boolean;
  /** Index of the ID argument (XADD) or args.length. */
  next: number;
}

function parseAddOrTrim(
  ctx: CommandContext,
  args: Uint8Array[],
  xadd: boolean,
): TrimArgs {
  const out: TrimArgs = {
    maxLen: null,
    minId: null,
    approx: false,
    limit: 0,
    thresholdIndex: 0,
    noMkStream: false,
    id: null,
    seqGiven: true,
    next: args.length,
  };
  let limitGiven = false;
  let i = 2;
  const single = (a: Uint8Array, c: number) => a.length === 1 && a[0] === c;
  for (; i < args.length; i++) {
    const more = args.length - 1 - i;
    const opt = args[i];
    if (xadd && single(opt, 0x2a)) break;
    const maxlen = equalsIgnoreCase(opt, "maxlen");
    if ((maxlen || equalsIgnoreCase(opt, "minid")) && more > 0) {
      if (out.maxLen !== null || out.minId !== null) {
        throw new CommandError(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
      }
      out.approx = false;
      const next = args[i + 1];
      if (more >= 2 && single(next, 0x7e)) {
        out.approx = true;
        i++;
      } else if (more >= 2 && single(next, 0x3d)) {
        i++;
      }
      if (maxlen) {
        out.maxLen = parseInt64Argument(args[i + 1], {
          min: 0n,
          rangeMessage: "ERR The MAXLEN argument must be >= 0.",
        });
      } else {
        out.minId = strictId(args[i + 1]);
      }
      i++;
      out.thresholdIndex = i;
    } else if (equalsIgnoreCase(opt, "limit") && more > 0) {
      const value = parseInt64Argument(args[i + 1], {
        min: 0n,
        rangeMessage: "ERR The LIMIT argument must be >= 0.",
      });
      out.limit = value > 1_000_000_000_000n ? 1e12 : Number(value);
      limitGiven = true;
      i++;
    } else if (xadd && equalsIgnoreCase(opt, "nomkstream")) {
      out.noMkStream = true;
    } else if (xadd) {
      const parsed = parseId(opt, { strict: true, allowSeqStar: true });
      if (parsed === null) throw new CommandError(INVALID_ID);
      out.id = parsed.id;
      out.seqGiven = parsed.seqGiven;
      break;
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  out.next = i;
  const strategy = out.maxLen !== null || out.minId !== null;
  if (out.limit !== 0 && !strategy) {
    throw new CommandError(
      "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
    );
  }
  if (!xadd && !strategy) {
    throw new CommandError(
      "ERR syntax error, XTRIM must be called with a trimming strategy",
    );
  }
  if (limitGiven) {
    if (!out.approx) {
      throw new CommandError(
        "ERR syntax error, LIMIT cannot be used without the special ~ option",
      );
    }
  } else if (out.approx) {
    const perNode = ctx.server.config.number("stream-node-max-entries");
    out.limit = 100 * perNode;
    if (out.limit <= 0 || out.limit > 10000) out.limit = 10000;
  }
  return out;
}

/**
 * Rewrites an approximate trim for propagation: "~" becomes "=" and the
 * threshold the state reached, and LIMIT is dropped, so replay trims the
 * same entries.
 */
function rewriteTrim(
  args: Uint8Array[],
  trim: TrimArgs,
  stream: Stream,
): (Uint8Array | string)[] {
  const out: (Uint8Array | string)[] = [];
  for (let i = 0; i < args.length; i++) {
    if (i === trim.thresholdIndex - 1) out.push("=");
    else if (i === trim.thresholdIndex) {
      out.push(
        trim.maxLen !== null
          ? String(stream.length)
          : formatId(stream.edgeId(true) ?? MAX_ID),
      );
    } else if (equalsIgnoreCase(args[i], "limit") && i < trim.next) {
      i++;
    } else out.push(args[i]);
  }
  return out;
}

function trimStream(stream: Stream, trim: TrimArgs): number {
  return stream.trim(trim.maxLen, trim.minId, trim.approx, trim.limit);
}

function xadd(ctx: CommandContext, args: Uint8Array[]): void {
  const trim = parseAddOrTrim(ctx, args, true);
  const fieldPos = trim.next + 1;
  const count = args.length - fieldPos;
  if (count < 2 || count % 2 === 1) {
    throw new CommandError(Errors.wrongArity("xadd"));
  }
  if (trim.id !== null && trim.seqGiven && isZeroId(trim.id)) {
    throw new CommandError(
      "ERR The ID specified in XADD must be greater than 0-0",
    );
  }
  const key = bytesToString(args[1]);
  let stream = lookupStream(ctx, key);
  if (stream === null && trim.noMkStream) {
    ctx.reply.nullBulk();
    return;
  }
  const last = stream?.lastId ?? MIN_ID;
  if (last.ms === UINT64_MAX && last.seq === UINT64_MAX) {
    throw new CommandError(
      "ERR The stream has exhausted the last possible ID, unable to add more items",
    );
  }
  let id: StreamId | null;
  if (trim.id === null) {
    const ms = BigInt(Date.now());
    id = ms > last.ms ? { ms, seq: 0n } : nextId(last);
  } else if (!trim.seqGiven) {
    const ms = trim.id.ms;
    if (ms === last.ms) {
      id = last.seq === UINT64_MAX ? null : { ms, seq: last.seq + 1n };
    } else id = ms > last.ms ? { ms, seq: 0n } : null;
  } else {
    id = compareIds(trim.id, last) > 0 ? trim.id : null;
  }
  if (id === null) {
    throw new CommandError(
      "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
  }
  if (stream === null) {
    stream = new Stream();
    ctx.db.set(key, new Entry("stream", stream, ctx.now));
  }
  const config = ctx.server.config;
  stream.append(
    id,
    args.slice(fieldPos),
    config.number("stream-node-max-entries"),
    config.number("stream-node-max-bytes"),
  );
  ctx.keyChanged(key, "t", "xadd");
  let propagated: (Uint8Array | string)[] = args;
  if (trim.maxLen !== null || trim.minId !== null) {
    if (trimStream(stream, trim) > 0) {
      ctx.server.keyChanged(ctx.db, key, "t", "xtrim");
    }
    if (trim.approx) propagated = rewriteTrim(args, trim, stream);
  }
  const idText = formatId(id);
  if (trim.id === null || !trim.seqGiven || propagated !== args) {
    const idIndex = trim.next - (args.length - propagated.length);
    propagated = propagated.slice();
    propagated[idIndex] = idText;
    ctx.propagate(propagated);
  }
  ctx.reply.bulkString(idText);
}

function xtrim(ctx: CommandContext, args: Uint8Array[]): void {
  const trim = parseAddOrTrim(ctx, args, false);
  const key = bytesToString(args[1]);
  const stream = lookupStream(ctx, key);
  if (stream === null) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = trimStream(stream, trim);
  if (deleted > 0) {
    ctx.keyChanged(key, "t", "xtrim", deleted);
    if (trim.approx) ctx.propagate(rewriteTrim(args, trim, stream));
  }
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------------------
// XLEN, XRANGE, XREVRANGE, XDEL, XSETID

function xlen(ctx: CommandContext, args: Uint8Array[]): void {
  const stream = lookupStream(ctx, bytesToString(args[1]), true);
  ctx.reply.integer(stream?.length ?? 0);
}

function rangeCommand(
  ctx: CommandContext,
  args: Uint8Array[],
  reverse: boolean,
): void {
  const start = intervalId(reverse ? args[3] : args[2], true);
  const end = intervalId(reverse ? args[2] : args[3], false);
  let count = -1n;
  for (let j = 4; j < args.length; j++) {
    if (equalsIgnoreCase(args[j], "count") && j + 1 < args.length) {
      count = parseInt64Argument(args[++j]);
      if (count < 0n) count = 0n;
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  const stream = lookupStream(ctx, bytesToString(args[1]), true);
  if (stream === null) {
    ctx.reply.array(0);
    return;
  }
  if (count === 0n) {
    ctx.reply.nullArray();
    return;
  }
  const limit = count < 0n ? Infinity : Number(count);
  const refs: EntryRef[] = [];
  const iterator = reverse
    ? stream.reverseRange(start, end)
    : stream.range(start, end);
  for (const ref of iterator) {
    if (refs.length >= limit) break;
    refs.push(ref);
  }
  ctx.reply.array(refs.length);
  for (const ref of refs) replyEntry(ctx, ref);
}

function xrange(ctx: CommandContext, args: Uint8Array[]): void {
  rangeCommand(ctx, args, false);
}

function xrevrange(ctx: CommandContext, args: Uint8Array[]): void {
  rangeCommand(ctx, args, true);
}

function xdel(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const stream = lookupStream(ctx, key);
  if (stream === null) {
    ctx.reply.integer(0);
    return;
  }
  const ids = args.slice(2).map(strictId);
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!stream.delete(id)) continue;
    if (compareIds(id, stream.firstId) === 0) firstDeleted = true;
    if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (stream.length === 0) stream.firstId = MIN_ID;
    else if (firstDeleted) stream.firstId = stream.edgeId(true)!;
    ctx.keyChanged(key, "t", "xdel", deleted);
  }
  ctx.reply.integer(deleted);
}

function xsetid(ctx: CommandContext, args: Uint8Array[]): void {
  const id = strictId(args[2]);
  let entriesAdded = -1n;
  let maxDeleted = MIN_ID;
  for (let i = 3; i < args.length; i += 2) {
    const more = args.length - 1 - i;
    if (equalsIgnoreCase(args[i], "entriesadded") && more > 0) {
      entriesAdded = parseInt64Argument(args[i + 1], {
        min: 0n,
        rangeMessage: "ERR entries_added must be positive",
      });
    } else if (equalsIgnoreCase(args[i], "maxdeletedid") && more > 0) {
      maxDeleted = strictId(args[i + 1]);
      if (compareIds(id, maxDeleted) < 0) {
        throw new CommandError(
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
      }
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  const key = bytesToString(args[1]);
  const stream = lookupStream(ctx, key);
  if (stream === null) throw new CommandError(Errors.noSuchKey);
  if (stream.length > 0) {
    if (compareIds(id, lastValidId(stream)) < 0) {
      throw new CommandError(
        "ERR The ID specified in XSETID is smaller than the target stream top item",
      );
    }
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) {
      throw new CommandError(
        "ERR The entries_added specified in XSETID is smaller than the target stream length",
      );
    }
  }
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeleted)) stream.maxDeletedId = maxDeleted;
  groupChanged(ctx, key, "xsetid");
  ctx.reply.ok();
}

// ---------------------------------------------------------------------------
// XREAD, XREADGROUP

interface ReadRequest {
  readonly keys: Uint8Array[];
  /** Per stream: read entries after this ID (MAX_ID stands for ">"). */
  readonly ids: StreamId[];
  readonly count: number;
  readonly timeoutMs: number;
  readonly groupName: Uint8Array | null;
  readonly consumerName: string;
  readonly noAck: boolean;
}

/**
 * Replies with entries after `after` for one stream (the body of
 * streamReplyWithRange with a group): new deliveries go to the PELs and are
 * propagated as XCLAIMs, and the group's last ID and read counter advance.
 */
function replyNewEntries(
  ctx: CommandContext,
  stream: Stream,
  after: StreamId,
  count: number,
  group: ConsumerGroup | null,
  consumer: Consumer | null,
  noAck: boolean,
  key: Uint8Array,
  groupName: Uint8Array | null,
): void {
  const start = nextId(after);
  const refs: EntryRef[] = [];
  if (start !== null) {
    for (const ref of stream.range(start, MAX_ID)) {
      if (count > 0 && refs.length >= count) break;
      refs.push(ref);
    }
  }
  ctx.reply.array(refs.length);
  let propagateLastId = false;
  for (const ref of refs) {
    const id = ref.node.id(ref.index);
    replyEntry(ctx, ref);
    if (group === null || consumer === null) continue;
    if (compareIds(id, group.lastId) > 0) {
      if (
        group.entriesRead !== INVALID_ENTRIES_READ &&
        !rangeHasTombstones(stream, id, null)
      ) {
        group.entriesRead++;
      } else if (stream.entriesAdded !== 0n) {
        group.entriesRead = estimateDistance(stream, id);
      }
      group.lastId = id;
      // Without NOACK the XCLAIMs carry the last ID (LASTID), as in 7.0.
      if (noAck) propagateLastId = true;
    }
    if (noAck) continue;
    let nack = group.pel.get(id);
    if (nack === undefined) {
      nack = { deliveryTime: ctx.now, deliveryCount: 1, consumer };
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
    } else {
      nack.consumer.pel.delete(id);
      nack.consumer = consumer;
      nack.deliveryTime = ctx.now;
      nack.deliveryCount = 1;
      consumer.pel.set(id, nack);
    }
    propagateClaim(ctx, key, groupName!, group, id, nack);
  }
  if (group !== null && propagateLastId) {
    propagateGroupId(ctx, key, groupName!, group);
  }
}

/**
 * XREADGROUP with an explicit ID: the consumer's own pending entries after
 * that ID.
 */
function replyHistory(
  ctx: CommandContext,
  stream: Stream,
  consumer: Consumer,
  after: StreamId,
  count: number,
): void {
  const items: [StreamId, Nack][] = [];
  const start = nextId(after);
  for (const item of start === null ? [] : consumer.pel.from(start)) {
    if (count > 0 && items.length >= count) break;
    items.push(item);
  }
  ctx.reply.array(items.length);
  for (const [id, nack] of items) {
    const ref = stream.find(id);
    if (ref === null) {
      ctx.reply.array(2);
      replyId(ctx, id);
      ctx.reply.nullArray();
    } else {
      replyEntry(ctx, ref);
      nack.deliveryTime = ctx.now;
      nack.deliveryCount++;
    }
  }
}

function parseRead(args: Uint8Array[], group: boolean): ReadRequest {
  let timeoutMs = -1;
  let count = 0;
  let streamsArg = 0;
  let groupName: Uint8Array | null = null;
  let consumerName = "";
  let noAck = false;
  for (let i = 1; i < args.length; i++) {
    const more = args.length - i - 1;
    const opt = args[i];
    if (equalsIgnoreCase(opt, "block") && more > 0) {
      i++;
      timeoutMs = parseBlockingTimeout(args[i], { unit: "milliseconds" });
    } else if (equalsIgnoreCase(opt, "count") && more > 0) {
      i++;
      const value = parseInt64Argument(args[i]);
      count = value < 0n ? 0 : Number(value);
    } else if (equalsIgnoreCase(opt, "streams") && more > 0) {
      streamsArg = i + 1;
      if ((args.length - streamsArg) % 2 !== 0) {
        throw new CommandError(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
        );
      }
      break;
    } else if (equalsIgnoreCase(opt, "group") && more >= 2) {
      if (!group) {
        throw new CommandError(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      groupName = args[i + 1];
      consumerName = bytesToString(args[i + 2]);
      i += 2;
    } else if (equalsIgnoreCase(opt, "noack")) {
      if (!group) {
        throw new CommandError(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      noAck = true;
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  if (streamsArg === 0) throw new CommandError(Errors.syntax);
  if (group && groupName === null) {
    throw new CommandError("ERR Missing GROUP option for XREADGROUP");
  }
  const n = (args.length - streamsArg) / 2;
  return {
    keys: args.slice(streamsArg, streamsArg + n),
    ids: [],
    count,
    timeoutMs,
    groupName,
    consumerName,
    noAck,
  };
}

/** Whether blocking is off for this client (inside EXEC or a script). */
function cannotBlock(ctx: CommandContext): boolean {
  return ctx.client.inTransaction;
}

function readCommand(
  ctx: CommandContext,
  args: Uint8Array[],
  isGroup: boolean,
): void {
  const request = parseRead(args, isGroup);
  const n = request.keys.length;
  const idArgs = args.slice(args.length - n);
  const groups: (ConsumerGroup | null)[] = [];
  for (let i = 0; i < n; i++) {
    const key = bytesToString(request.keys[i]);
    const stream = lookupStream(ctx, key, true);
    let group: ConsumerGroup | null = null;
    if (request.groupName !== null) {
      group = stream?.groups.get(bytesToString(request.groupName)) ?? null;
      if (group === null) {
        throw noGroupError(
          request.keys[i],
          request.groupName,
          " in XREADGROUP with GROUP option",
        );
      }
    }
    groups.push(group);
    const arg = idArgs[i];
    if (arg.length === 1 && arg[0] === 0x24) {
      if (isGroup) {
        throw new CommandError(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
        );
      }
      request.ids.push(stream?.lastId ?? MIN_ID);
    } else if (arg.length === 1 && arg[0] === 0x3e) {
      if (!isGroup) {
        throw new CommandError(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
        );
      }
      request.ids.push(MAX_ID);
    } else {
      request.ids.push(strictId(arg));
    }
  }

  // Serve synchronously what can be served.
  const served: { key: Uint8Array; run: () => void }[] = [];
  for (let i = 0; i < n; i++) {
    const key = bytesToString(request.keys[i]);
    const stream = lookupStream(ctx, key, true);
    if (stream === null) continue;
    const group = groups[i];
    const after = request.ids[i];
    const rawKey = request.keys[i];
    if (group !== null) {
      if (compareIds(after, MAX_ID) !== 0) {
        const consumer = consumerFor(ctx, group, request.consumerName, key);
        served.push({
          key: rawKey,
          run: () => replyHistory(ctx, stream, consumer, after, request.count),
        });
      } else if (
        stream.length > 0 &&
        compareIds(lastValidId(stream), group.lastId) > 0
      ) {
        const from = group.lastId;
        const created = !group.consumers.has(request.consumerName);
        const consumer = consumerFor(ctx, group, request.consumerName, key);
        // Without NOACK the XCLAIMs create the consumer on replay; with it,
        // Redis propagates the creation itself.
        if (created && request.noAck) {
          ctx.propagate([
            "XGROUP",
            "CREATECONSUMER",
            rawKey,
            request.groupName!,
            stringToBytes(request.consumerName),
          ]);
        }
        served.push({
          key: rawKey,
          run: () =>
            replyNewEntries(
              ctx,
              stream,
              from,
              request.count,
              group,
              consumer,
              request.noAck,
              rawKey,
              request.groupName,
            ),
        });
      }
    } else if (
      stream.length > 0 && compareIds(lastValidId(stream), after) > 0
    ) {
      served.push({
        key: rawKey,
        run: () =>
          replyNewEntries(
            ctx,
            stream,
            after,
            request.count,
            null,
            null,
            false,
            rawKey,
            null,
          ),
      });
    }
  }
  if (isGroup) {
    // Only the deliveries are propagated (as XCLAIM and XGROUP SETID).
    ctx.propagated ??= [];
  }
  if (served.length > 0) {
    const reply = ctx.reply;
    if (reply.protocol === 2) reply.array(served.length);
    else reply.map(served.length);
    for (const item of served) {
      if (reply.protocol === 2) reply.array(2);
      reply.bulk(item.key);
      item.run();
      if (isGroup) ctx.server.dirty++;
    }
    return;
  }
  if (request.timeoutMs >= 0 && !cannotBlock(ctx)) {
    blockRead(ctx, request, isGroup);
    return;
  }
  ctx.reply.nullArray();
}

function blockRead(
  ctx: CommandContext,
  request: ReadRequest,
  isGroup: boolean,
): void {
  const keys = request.keys.map(bytesToString);
  const dbIndex = ctx.client.dbIndex;
  const ids = request.ids.slice();
  const count = request.count > 0 ? request.count : BLOCKED_DEFAULT_COUNT;
  const blocked: BlockedRequest = {
    dbIndex,
    keys,
    tryServe: (c, readyKey) => {
      const i = keys.indexOf(readyKey);
      const db = c.server.keyspace.db(dbIndex);
      const entry = db.get(readyKey, c.now);
      if (entry === undefined || entry.type !== "stream") {
        if (!isGroup) return false;
        const message = "UNBLOCKED the stream key no longer exists";
        c.reply.error(message);
        c.server.stats.countError(message);
        return true;
      }
      const stream = entry.value as Stream;
      let group: ConsumerGroup | null = null;
      let after = ids[i];
      if (isGroup) {
        group = stream.groups.get(bytesToString(request.groupName!)) ?? null;
        if (group === null) {
          const message =
            "NOGROUP the consumer group this client was blocked on no longer exists";
          c.reply.error(message);
          c.server.stats.countError(message);
          return true;
        }
        after = group.lastId;
      }
      if (compareIds(stream.lastId, after) <= 0) return false;
      const consumer = group === null
        ? null
        : consumerFor(c, group, request.consumerName, readyKey);
      if (c.reply.protocol === 2) {
        c.reply.array(1);
        c.reply.array(2);
      } else {
        c.reply.map(1);
      }
      c.reply.bulk(request.keys[i]);
      replyNewEntries(
        c,
        stream,
        after,
        count,
        group,
        consumer,
        request.noAck,
        request.keys[i],
        request.groupName,
      );
      if (group !== null) c.server.dirty++;
      return true;
    },
    timedOut: (c) => c.reply.nullArray(),
  };
  ctx.server.blocking.block(ctx, blocked, request.timeoutMs);
}

function xread(ctx: CommandContext, args: Uint8Array[]): void {
  readCommand(ctx, args, false);
}

function xreadgroup(ctx: CommandContext, args: Uint8Array[]): void {
  readCommand(ctx, args, true);
}

// ---------------------------------------------------------------------------
// XACK, XPENDING, XCLAIM, XAUTOCLAIM

/** The group named `name` of the stream at `key`, or null when either is missing. */
function lookupGroup(
  ctx: CommandContext,
  key: Uint8Array,
  name: Uint8Array,
): { stream: Stream; group: ConsumerGroup } | null {
  const stream = lookupStream(ctx, bytesToString(key), true);
  const group = stream?.groups.get(bytesToString(name));
  return stream === null || group === undefined ? null : { stream, group };
}

function xack(ctx: CommandContext, args: Uint8Array[]): void {
  const found = lookupGroup(ctx, args[1], args[2]);
  if (found === null) {
    ctx.reply.integer(0);
    return;
  }
  const ids = args.slice(3).map(strictId);
  let acknowledged = 0;
  for (const id of ids) {
    const nack = found.group.pel.get(id);
    if (nack === undefined) continue;
    deletePending(found.group, id, nack);
    acknowledged++;
    ctx.server.dirty++;
  }
  ctx.reply.integer(acknowledged);
}

function xpending(ctx: CommandContext, args: Uint8Array[]): void {
  const summary = args.length === 3;
  if (!summary && (args.length < 6 || args.length > 9)) {
    throw new CommandError(Errors.syntax);
  }
  let start = MIN_ID;
  let end = MAX_ID;
  let count = 0n;
  let minIdle = 0n;
  let consumerName: string | null = null;
  if (!summary) {
    let at = 3;
    if (equalsIgnoreCase(args[3], "idle")) {
      minIdle = parseInt64Argument(args[4]);
      if (args.length < 8) throw new CommandError(Errors.syntax);
      at += 2;
    }
    count = parseInt64Argument(args[at + 2]);
    if (count < 0n) count = 0n;
    start = intervalId(args[at], true);
    end = intervalId(args[at + 1], false);
    if (at + 3 < args.length) consumerName = bytesToString(args[at + 3]);
  }
  const found = lookupGroup(ctx, args[1], args[2]);
  if (found === null) throw noGroupError(args[1], args[2]);
  const { group } = found;
  const reply = ctx.reply;
  if (summary) {
    reply.array(4);
    reply.integer(group.pel.size);
    const bounds = group.pel.bounds();
    if (bounds === null) {
      reply.nullBulk();
      reply.nullBulk();
      reply.nullArray();
      return;
    }
    replyId(ctx, bounds[0]);
    replyId(ctx, bounds[1]);
    const owners = group.sortedConsumers().filter((c) => c.pel.size > 0);
    reply.array(owners.length);
    for (const consumer of owners) {
      reply.array(2);
      reply.bulk(latin1(consumer.name));
      reply.bulkString(String(consumer.pel.size));
    }
    return;
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) {
      reply.array(0);
      return;
    }
    pel = consumer.pel;
  }
  const now = ctx.now;
  const rows: [StreamId, Nack][] = [];
  for (const [id, nack] of pel.from(start)) {
    if (count === 0n || compareIds(id, end) > 0) break;
    if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
    rows.push([id, nack]);
    count--;
  }
  reply.array(rows.length);
  for (const [id, nack] of rows) {
    reply.array(4);
    replyId(ctx, id);
    reply.bulk(latin1(nack.consumer.name));
    reply.integer(Math.max(0, now - nack.deliveryTime));
    reply.integer(nack.deliveryCount);
  }
}

function xclaim(ctx: CommandContext, args: Uint8Array[]): void {
  const found = lookupGroup(ctx, args[1], args[2]);
  if (found === null) throw noGroupError(args[1], args[2]);
  const { stream, group } = found;
  let minIdle = parseInt64Argument(args[4], {
    message: "ERR Invalid min-idle-time argument for XCLAIM",
  });
  if (minIdle < 0n) minIdle = 0n;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < args.length; j++) {
    const parsed = parseId(args[j], { strict: true });
    if (parsed === null) break;
    ids.push(parsed.id);
  }
  const now = ctx.now;
  let deliveryTime = -1n;
  let retryCount = -1n;
  let force = false;
  let justId = false;
  let lastId = MIN_ID;
  for (; j < args.length; j++) {
    const more = args.length - 1 - j;
    const opt = args[j];
    if (equalsIgnoreCase(opt, "force")) force = true;
    else if (equalsIgnoreCase(opt, "justid")) justId = true;
    else if (equalsIgnoreCase(opt, "idle") && more > 0) {
      deliveryTime = BigInt(now) -
        parseInt64Argument(args[++j], {
          message: "ERR Invalid IDLE option argument for XCLAIM",
        });
    } else if (equalsIgnoreCase(opt, "time") && more > 0) {
      deliveryTime = parseInt64Argument(args[++j], {
        message: "ERR Invalid TIME option argument for XCLAIM",
      });
    } else if (equalsIgnoreCase(opt, "retrycount") && more > 0) {
      retryCount = parseInt64Argument(args[++j], {
        message: "ERR Invalid RETRYCOUNT option argument for XCLAIM",
      });
    } else if (equalsIgnoreCase(opt, "lastid") && more > 0) {
      lastId = strictId(args[++j]);
    } else {
      throw new CommandError(`ERR Unrecognized XCLAIM option '${cText(opt)}'`);
    }
  }
  let propagateLastId = false;
  if (compareIds(lastId, group.lastId) > 0) {
    group.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime < 0n || deliveryTime > BigInt(now)) deliveryTime = -1n;
  const time = deliveryTime === -1n ? now : Number(deliveryTime);
  const key = bytesToString(args[1]);
  const name = bytesToString(args[3]);
  let consumer: Consumer | null = null;
  const out: (() => void)[] = [];
  ctx.propagated ??= [];
  for (const id of ids) {
    let nack = group.pel.get(id);
    if (stream.find(id) === null) {
      if (nack !== undefined) {
        propagateClaim(ctx, args[1], args[2], group, id, nack);
        propagateLastId = false;
        ctx.server.dirty++;
        deletePending(group, id, nack);
      }
      continue;
    }
    const created = force && nack === undefined;
    if (nack === undefined && !created) continue;
    if (
      nack !== undefined && minIdle !== 0n &&
      BigInt(now - nack.deliveryTime) < minIdle
    ) {
      continue;
    }
    consumer ??= consumerFor(ctx, group, name, key);
    if (nack === undefined) {
      // FORCE: a new pending entry, as if delivered once just now.
      nack = { deliveryTime: now, deliveryCount: 1, consumer };
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
    } else if (nack.consumer !== consumer) {
      nack.consumer.pel.delete(id);
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    nack.deliveryTime = time;
    if (retryCount >= 0n) nack.deliveryCount = Number(retryCount);
    else if (!justId) nack.deliveryCount++;
    out.push(
      justId ? () => replyId(ctx, id) : () => replyEntryOrNull(ctx, stream, id),
    );
    propagateClaim(ctx, args[1], args[2], group, id, nack);
    propagateLastId = false;
    ctx.server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupId(ctx, args[1], args[2], group);
    ctx.server.dirty++;
  }
  ctx.reply.array(out.length);
  for (const write of out) write();
}

/** Largest XAUTOCLAIM COUNT (LONG_MAX / 16). */
const AUTOCLAIM_MAX_COUNT = 576460752303423487n;

function xautoclaim(ctx: CommandContext, args: Uint8Array[]): void {
  let minIdle = parseInt64Argument(args[4], {
    message: "ERR Invalid min-idle-time argument for XAUTOCLAIM",
  });
  if (minIdle < 0n) minIdle = 0n;
  const start = intervalId(args[5], true);
  let count = 100;
  let justId = false;
  for (let j = 6; j < args.length; j++) {
    const more = args.length - 1 - j;
    if (equalsIgnoreCase(args[j], "count") && more > 0) {
      const value = parseInt64Argument(args[j + 1], {
        min: 1n,
        max: AUTOCLAIM_MAX_COUNT,
        message: Errors.countMustBePositive,
      });
      count = value > 100_000_000n ? 100_000_000 : Number(value);
      j++;
    } else if (equalsIgnoreCase(args[j], "justid")) {
      justId = true;
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  const found = lookupGroup(ctx, args[1], args[2]);
  if (found === null) throw noGroupError(args[1], args[2]);
  const { stream, group } = found;
  const key = bytesToString(args[1]);
  const name = bytesToString(args[3]);
  const now = ctx.now;
  let attempts = count * 10;
  let consumer: Consumer | null = null;
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  let cursor = MIN_ID;
  ctx.propagated ??= [];
  const iterator = group.pel.from(start);
  for (;;) {
    if (attempts-- === 0 || count === 0) {
      const next = iterator.next();
      if (!next.done) cursor = next.value[0];
      break;
    }
    const next = iterator.next();
    if (next.done) break;
    const [id, nack] = next.value;
    if (stream.find(id) === null) {
      propagateClaim(ctx, args[1], args[2], group, id, nack);
      ctx.server.dirty++;
      deletePending(group, id, nack);
      deleted.push(id);
      count--;
      continue;
    }
    if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= consumerFor(ctx, group, name, key);
    if (nack.consumer !== consumer) {
      nack.consumer.pel.delete(id);
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    claimed.push(id);
    count--;
    propagateClaim(ctx, args[1], args[2], group, id, nack);
    ctx.server.dirty++;
  }
  const reply = ctx.reply;
  reply.array(3);
  replyId(ctx, cursor);
  reply.array(claimed.length);
  for (const id of claimed) {
    if (justId) replyId(ctx, id);
    else replyEntryOrNull(ctx, stream, id);
  }
  reply.array(deleted.length);
  for (const id of deleted) replyId(ctx, id);
}

// ---------------------------------------------------------------------------
// XGROUP

const KEY_REQUIRED =
  "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";

function subcommandSyntax(args: Uint8Array[]): CommandError {
  return new CommandError(Errors.subcommandSyntax(args));
}

function parseEntriesRead(arg: Uint8Array): bigint {
  const value = parseInt64Argument(arg);
  if (value < 0n && value !== INVALID_ENTRIES_READ) {
    throw new CommandError(
      "ERR value for ENTRIESREAD must be positive or -1",
    );
  }
  return value;
}

/** Looks up the stream and group of an XGROUP subcommand. */
function xgroupTarget(
  ctx: CommandContext,
  args: Uint8Array[],
  mkstream: boolean,
  needGroup: boolean,
): { stream: Stream | null; group: ConsumerGroup | null } {
  const stream = lookupStream(ctx, bytesToString(args[2]));
  if (stream === null && !mkstream) throw new CommandError(KEY_REQUIRED);
  const group = stream?.groups.get(bytesToString(args[3])) ?? null;
  if (group === null && needGroup) {
    throw noConsumerGroupError(args[2], args[3]);
  }
  return { stream, group };
}

function xgroupCreate(ctx: CommandContext, args: Uint8Array[]): void {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < args.length;) {
    if (equalsIgnoreCase(args[i], "mkstream")) {
      mkstream = true;
      i++;
    } else if (
      equalsIgnoreCase(args[i], "entriesread") && i + 1 < args.length
    ) {
      entriesRead = parseEntriesRead(args[i + 1]);
      i += 2;
    } else {
      throw subcommandSyntax(args);
    }
  }
  const key = bytesToString(args[2]);
  let { stream, group } = xgroupTarget(ctx, args, mkstream, false);
  if (args.length > 8) throw subcommandSyntax(args);
  let id: StreamId;
  if (args[4].length === 1 && args[4][0] === 0x24) {
    id = stream?.lastId ?? MIN_ID;
  } else {
    id = strictId(args[4]);
  }
  if (stream === null) {
    stream = new Stream();
    ctx.db.set(key, new Entry("stream", stream, ctx.now));
    ctx.server.watches.keyChanged(ctx.db, key);
  }
  if (group !== null) {
    throw new CommandError("BUSYGROUP Consumer Group name already exists");
  }
  group = new ConsumerGroup(bytesToString(args[3]), id, entriesRead);
  stream.groups.set(group.name, group);
  groupChanged(ctx, key, "xgroup-create");
  ctx.reply.ok();
}

function xgroupSetid(ctx: CommandContext, args: Uint8Array[]): void {
  const { stream, group } = xgroupTarget(ctx, args, false, true);
  if (args.length !== 5 && args.length !== 7) throw subcommandSyntax(args);
  let id: StreamId;
  if (args[4].length === 1 && args[4][0] === 0x24) id = stream!.lastId;
  else id = looseId(args[4]);
  let entriesRead = INVALID_ENTRIES_READ;
  if (args.length === 7) {
    if (!equalsIgnoreCase(args[5], "entriesread")) throw subcommandSyntax(args);
    entriesRead = parseEntriesRead(args[6]);
  }
  group!.lastId = id;
  group!.entriesRead = entriesRead;
  groupChanged(ctx, bytesToString(args[2]), "xgroup-setid");
  ctx.reply.ok();
}

function xgroupDestroy(ctx: CommandContext, args: Uint8Array[]): void {
  const { stream, group } = xgroupTarget(ctx, args, false, false);
  if (group === null) {
    ctx.reply.integer(0);
    return;
  }
  stream!.groups.delete(group.name);
  const key = bytesToString(args[2]);
  groupChanged(ctx, key, "xgroup-destroy");
  // Readers blocked on the group get their NOGROUP error.
  ctx.server.blocking.keyChanged(ctx.db, key);
  ctx.reply.integer(1);
}

function xgroupCreateConsumer(ctx: CommandContext, args: Uint8Array[]): void {
  const { group } = xgroupTarget(ctx, args, false, true);
  const created = createConsumer(
    ctx,
    group!,
    bytesToString(args[4]),
    bytesToString(args[2]),
  );
  ctx.reply.integer(created === null ? 0 : 1);
}

function xgroupDelConsumer(ctx: CommandContext, args: Uint8Array[]): void {
  const { group } = xgroupTarget(ctx, args, false, true);
  const consumer = group!.consumers.get(bytesToString(args[4]));
  let pending = 0;
  if (consumer !== undefined) {
    pending = consumer.pel.size;
    for (const [id] of [...consumer.pel.from()]) group!.pel.delete(id);
    group!.consumers.delete(consumer.name);
    groupChanged(ctx, bytesToString(args[2]), "xgroup-delconsumer");
  }
  ctx.reply.integer(pending);
}

// ---------------------------------------------------------------------------
// XINFO

/** The stream an XINFO subcommand reports on; ERR no such key when missing. */
function xinfoTarget(ctx: CommandContext, key: Uint8Array): Stream {
  const stream = lookupStream(ctx, bytesToString(key), true);
  if (stream === null) throw new CommandError(Errors.noSuchKey);
  return stream;
}

function xinfoStream(ctx: CommandContext, args: Uint8Array[]): void {
  let full = false;
  let count = 10n;
  const extra = args.length - 3;
  const syntax = () => new CommandError(Errors.subcommandSyntax(args));
  // Like Redis, the key is looked up before the options are read.
  const stream = xinfoTarget(ctx, args[2]);
  if (extra === 1 || extra === 3) {
    if (!equalsIgnoreCase(args[3], "full")) throw syntax();
    full = true;
    if (extra === 3) {
      if (!equalsIgnoreCase(args[4], "count")) throw syntax();
      count = parseInt64Argument(args[5]);
      if (count < 0n) count = 10n;
    }
  } else if (extra !== 0) {
    throw syntax();
  }
  const reply = ctx.reply;
  reply.map(full ? 9 : 10);
  reply.bulkString("length");
  reply.integer(stream.length);
  reply.bulkString("radix-tree-keys");
  reply.integer(stream.nodes.length);
  reply.bulkString("radix-tree-nodes");
  reply.integer(stream.radixTreeNodes);
  reply.bulkString("last-generated-id");
  replyId(ctx, stream.lastId);
  reply.bulkString("max-deleted-entry-id");
  replyId(ctx, stream.maxDeletedId);
  reply.bulkString("entries-added");
  reply.integer(stream.entriesAdded);
  reply.bulkString("recorded-first-entry-id");
  replyId(ctx, stream.firstId);
  if (!full) {
    reply.bulkString("groups");
    reply.integer(stream.groups.size);
    for (const first of [true, false]) {
      reply.bulkString(first ? "first-entry" : "last-entry");
      const edge = (first
        ? stream.range(MIN_ID, MAX_ID)
        : stream.reverseRange(MIN_ID, MAX_ID)).next();
      if (edge.done) {
        reply.nullBulk();
      } else replyEntry(ctx, edge.value);
    }
    return;
  }
  const limit = count === 0n ? Infinity : Number(count);
  reply.bulkString("entries");
  const refs: EntryRef[] = [];
  for (const ref of stream.range(MIN_ID, MAX_ID)) {
    if (refs.length >= limit) break;
    refs.push(ref);
  }
  reply.array(refs.length);
  for (const ref of refs) replyEntry(ctx, ref);
  reply.bulkString("groups");
  const groups = stream.sortedGroups();
  reply.array(groups.length);
  for (const group of groups) {
    reply.map(7);
    reply.bulkString("name");
    reply.bulk(latin1(group.name));
    reply.bulkString("last-delivered-id");
    replyId(ctx, group.lastId);
    reply.bulkString("entries-read");
    if (group.entriesRead === INVALID_ENTRIES_READ) reply.nullBulk();
    else reply.integer(group.entriesRead);
    reply.bulkString("lag");
    replyLag(ctx, stream, group);
    reply.bulkString("pel-count");
    reply.integer(group.pel.size);
    reply.bulkString("pending");
    const pending = take(group.pel.from(), limit);
    reply.array(pending.length);
    for (const [id, nack] of pending) {
      reply.array(4);
      replyId(ctx, id);
      reply.bulk(latin1(nack.consumer.name));
      reply.integer(nack.deliveryTime);
      reply.integer(nack.deliveryCount);
    }
    reply.bulkString("consumers");
    const consumers = group.sortedConsumers();
    reply.array(consumers.length);
    for (const consumer of consumers) {
      reply.map(4);
      reply.bulkString("name");
      reply.bulk(latin1(consumer.name));
      reply.bulkString("seen-time");
      reply.integer(consumer.seenTime);
      reply.bulkString("pel-count");
      reply.integer(consumer.pel.size);
      reply.bulkString("pending");
      const own = take(consumer.pel.from(), limit);
      reply.array(own.length);
      for (const [id, nack] of own) {
        reply.array(3);
        replyId(ctx, id);
        reply.integer(nack.deliveryTime);
        reply.integer(nack.deliveryCount);
      }
    }
  }
}

function take<T>(items: Iterable<T>, limit: number): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length >= limit) break;
    out.push(item);
  }
  return out;
}

function xinfoGroups(ctx: CommandContext, args: Uint8Array[]): void {
  const stream = xinfoTarget(ctx, args[2]);
  const reply = ctx.reply;
  const groups = stream.sortedGroups();
  reply.array(groups.length);
  for (const group of groups) {
    reply.map(6);
    reply.bulkString("name");
    reply.bulk(latin1(group.name));
    reply.bulkString("consumers");
    reply.integer(group.consumers.size);
    reply.bulkString("pending");
    reply.integer(group.pel.size);
    reply.bulkString("last-delivered-id");
    replyId(ctx, group.lastId);
    reply.bulkString("entries-read");
    if (group.entriesRead === INVALID_ENTRIES_READ) reply.nullBulk();
    else reply.integer(group.entriesRead);
    reply.bulkString("lag");
    replyLag(ctx, stream, group);
  }
}

function xinfoConsumers(ctx: CommandContext, args: Uint8Array[]): void {
  const stream = xinfoTarget(ctx, args[2]);
  const group = stream.groups.get(bytesToString(args[3]));
  if (group === undefined) {
    throw noConsumerGroupError(args[2], args[3]);
  }
  const reply = ctx.reply;
  const now = Date.now();
  const consumers = group.sortedConsumers();
  reply.array(consumers.length);
  for (const consumer of consumers) {
    reply.map(3);
    reply.bulkString("name");
    reply.bulk(latin1(consumer.name));
    reply.bulkString("pending");
    reply.integer(consumer.pel.size);
    reply.bulkString("idle");
    reply.integer(Math.max(0, now - consumer.seenTime));
  }
}

// ---------------------------------------------------------------------------
// Command table

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

/** Stream commands. */
export const STREAM_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "xadd",
    arity: -5,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [
      keyRange(["RW", "update"], 1, {
        notes:
          "UPDATE instead of INSERT because of the optional trimming feature",
      }),
    ],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Appends an entry to a stream, creating the stream if needed.",
    complexity:
      "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
    handler: xadd,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "xlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Returns how many entries a stream holds.",
    complexity: "O(1)",
    handler: xlen,
  }),
  defineCommand({
    name: "xrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Returns the entries of a stream between two IDs, oldest first.",
    complexity: "O(N) with N being the number of elements being returned.",
    handler: xrange,
  }),
  defineCommand({
    name: "xrevrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Returns the entries of a stream between two IDs, newest first.",
    complexity: "O(N) with N being the number of elements returned.",
    handler: xrevrange,
  }),
  defineCommand({
    name: "xdel",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Removes entries from a stream by ID and returns how many existed.",
    complexity: "O(1) for each single item to delete in the stream.",
    handler: xdel,
  }),
  defineCommand({
    name: "xtrim",
    arity: -4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Removes the oldest entries of a stream by length or by minimum ID.",
    complexity: "O(N), with N being the number of evicted entries.",
    handler: xtrim,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "xsetid",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Sets the last generated ID and counters of a stream.",
    complexity: "O(1)",
    handler: xsetid,
  }),
  defineCommand({
    name: "xread",
    arity: -4,
    flags: ["readonly", "blocking"],
    keySpecs: [
      keysAfterKeyword(["RO", "access"], "STREAMS", 1, {
        lastKey: -1,
        limit: 2,
      }),
    ],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Returns entries newer than given IDs from one or more streams, optionally waiting for them.",
    complexity:
      "For each stream mentioned: O(N) with N being the number of elements being returned.",
    handler: xread,
  }),
  defineCommand({
    name: "xreadgroup",
    arity: -7,
    flags: ["write", "blocking"],
    keySpecs: [
      keysAfterKeyword(["RO", "access"], "STREAMS", 4, {
        lastKey: -1,
        limit: 2,
      }),
    ],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Reads entries of streams on behalf of a consumer of a group, optionally waiting for them.",
    complexity:
      "For each stream mentioned: O(M) with M being the number of elements returned.",
    handler: xreadgroup,
  }),
  defineCommand({
    name: "xack",
    arity: -4,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Acknowledges entries of a consumer group, removing them from its pending list.",
    complexity: "O(1) for each message ID processed.",
    handler: xack,
  }),
  defineCommand({
    name: "xpending",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary:
      "Reports the pending entries of a consumer group, as a summary or one by one.",
    complexity: "O(N) with N being the number of elements returned.",
    handler: xpending,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "xclaim",
    arity: -6,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "5.0.0",
    summary: "Hands pending entries of a group over to another consumer.",
    complexity:
      "O(log N) with N being the number of messages in the PEL of the consumer group.",
    handler: xclaim,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "xautoclaim",
    arity: -6,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["stream"],
    group: "stream",
    since: "6.2.0",
    summary:
      "Hands pending entries idle for long enough over to another consumer, scanning from an ID.",
    complexity: "O(1) if COUNT is small.",
    handler: xautoclaim,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "xgroup",
    arity: -2,
    group: "stream",
    since: "5.0.0",
    summary: "Container for the consumer group commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "create",
        arity: -5,
        flags: ["write", "denyoom"],
        keySpecs: [keyRange(["RW", "insert"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Creates a consumer group on a stream.",
        complexity: "O(1)",
        handler: xgroupCreate,
      }),
      defineCommand({
        name: "setid",
        arity: -5,
        flags: ["write"],
        keySpecs: [keyRange(["RW", "update"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Moves the last delivered ID of a consumer group.",
        complexity: "O(1)",
        handler: xgroupSetid,
      }),
      defineCommand({
        name: "destroy",
        arity: 4,
        flags: ["write"],
        keySpecs: [keyRange(["RW", "delete"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary:
          "Removes a consumer group with its consumers and pending list.",
        complexity:
          "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        handler: xgroupDestroy,
      }),
      defineCommand({
        name: "createconsumer",
        arity: 5,
        flags: ["write", "denyoom"],
        keySpecs: [keyRange(["RW", "insert"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "6.2.0",
        summary: "Adds a consumer to a consumer group.",
        complexity: "O(1)",
        handler: xgroupCreateConsumer,
      }),
      defineCommand({
        name: "delconsumer",
        arity: 5,
        flags: ["write"],
        keySpecs: [keyRange(["RW", "delete"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary:
          "Removes a consumer from a consumer group, dropping its pending entries.",
        complexity: "O(1)",
        handler: xgroupDelConsumer,
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Lists the XGROUP subcommands.",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, XGROUP_HELP),
      }),
    ],
  }),
  defineCommand({
    name: "xinfo",
    arity: -2,
    group: "stream",
    since: "5.0.0",
    summary: "Container for the stream introspection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "stream",
        arity: -3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO", "access"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary:
          "Describes a stream, optionally with its entries, groups and pending lists.",
        complexity: "O(1)",
        handler: xinfoStream,
      }),
      defineCommand({
        name: "groups",
        arity: 3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO", "access"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Describes the consumer groups of a stream.",
        complexity: "O(1)",
        handler: xinfoGroups,
      }),
      defineCommand({
        name: "consumers",
        arity: 4,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO", "access"], 2)],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Describes the consumers of a consumer group.",
        complexity: "O(1)",
        handler: xinfoConsumers,
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["stream"],
        group: "stream",
        since: "5.0.0",
        summary: "Lists the XINFO subcommands.",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, XINFO_HELP),
      }),
    ],
  }),
];
