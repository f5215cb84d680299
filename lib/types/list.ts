/**
 * The list type: a deque of byte strings in a ring buffer (O(1) push and pop
 * at both ends, O(1) index access), and the list commands, blocking ones
 * included.
 *
 * @module
 */

import {
  parseBlockingTimeout,
  parseIntegerArgument,
  parseMultiPopCount,
  parseNumkeys,
  parsePopCount,
} from "../commands/arguments.ts";
import { defineCommand, keyCount, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { Entry } from "../store/database.ts";
import { bytesBytes, sampledBytes } from "../store/memory_usage.ts";
import { registerValueType } from "../store/value_types.ts";
import { lookupValue } from "./indexed_map.ts";
import {
  bytesEqual,
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
} from "../util/bytes.ts";
import { LLONG_MIN, parseInt64 } from "../util/numbers.ts";

const INITIAL_CAPACITY = 8;
/** A Deque and its buffer array, beyond the buffer's slots. */
const LIST_BYTES = 160;

/** A double-ended queue of byte strings backed by a growable ring buffer. */
export class Deque {
  #buf: (Uint8Array | undefined)[] = new Array(INITIAL_CAPACITY);
  #head = 0;
  #length = 0;

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** Slots of the ring buffer (the memory estimate counts them). */
  get capacity(): number {
    return this.#buf.length;
  }

  /** Elements from the head on. */
  *values(): IterableIterator<Uint8Array> {
    for (let i = 0; i < this.#length; i++) yield this.at(i);
  }

  /** Element at `index` (0 = head); the index must be in range. */
  at(index: number): Uint8Array {
    return this.#buf[(this.#head + index) & (this.#buf.length - 1)]!;
  }

  /** Replaces the element at `index`; the index must be in range. */
  setAt(index: number, value: Uint8Array): void {
    this.#buf[(this.#head + index) & (this.#buf.length - 1)] = value;
  }

  /** Adds an element before the head. */
  pushFront(value: Uint8Array): void {
    if (this.#length === this.#buf.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#buf.length - 1);
    this.#buf[this.#head] = value;
    this.#length++;
  }

  /** Adds an element after the tail. */
  pushBack(value: Uint8Array): void {
    if (this.#length === this.#buf.length) this.#grow();
    this.#buf[(this.#head + this.#length) & (this.#buf.length - 1)] = value;
    this.#length++;
  }

  /** Removes and returns the head; the deque must not be empty. */
  popFront(): Uint8Array {
    const value = this.#buf[this.#head]!;
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#buf.length - 1);
    this.#length--;
    this.#shrinkIfSparse();
    return value;
  }

  /** Removes and returns the tail; the deque must not be empty. */
  popBack(): Uint8Array {
    const slot = (this.#head + this.#length - 1) & (this.#buf.length - 1);
    const value = this.#buf[slot]!;
    this.#buf[slot] = undefined;
    this.#length--;
    this.#shrinkIfSparse();
    return value;
  }

  /** Elements from `start` to `end` inclusive (indexes in range). */
  slice(start: number, end: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = start; i <= end; i++) out.push(this.at(i));
    return out;
  }

  /** Replaces the whole content (used by O(N) edits: LINSERT, LREM). */
  replaceAll(values: Uint8Array[]): void {
    let capacity = INITIAL_CAPACITY;
    while (capacity < values.length) capacity *= 2;
    const buf: (Uint8Array | undefined)[] = new Array(capacity);
    for (let i = 0; i < values.length; i++) buf[i] = values[i];
    this.#buf = buf;
    this.#head = 0;
    this.#length = values.length;
  }

  /** All elements, head first. */
  toArray(): Uint8Array[] {
    return this.#length === 0 ? [] : this.slice(0, this.#length - 1);
  }

  #grow(): void {
    this.#resize(this.#buf.length * 2);
  }

  #shrinkIfSparse(): void {
    const capacity = this.#buf.length;
    if (capacity > INITIAL_CAPACITY * 4 && this.#length * 4 < capacity) {
      this.#resize(capacity / 2);
    }
  }

  #resize(capacity: number): void {
    const buf: (Uint8Array | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.#length; i++) buf[i] = this.at(i);
    this.#buf = buf;
    this.#head = 0;
  }
}

registerValueType("list", {
  copy: (value) => {
    const copy = new Deque();
    copy.replaceAll((value as Deque).toArray());
    return copy;
  },
  // Redis 7.0 keeps every list in a quicklist, whatever its size.
  encoding: () => "quicklist",
  memoryBytes: (value, samples) => {
    const list = value as Deque;
    return LIST_BYTES + 8 * list.capacity +
      sampledBytes(list.values(), list.length, samples, bytesBytes);
  },
  toPlain: (value) => ({ type: "list", items: (value as Deque).toArray() }),
  fromPlain: (plain) => {
    const list = new Deque();
    if (plain.type === "list") list.replaceAll([...plain.items]);
    return { value: list, flags: 0 };
  },
});

/**
 * Returns the list at `key`, or null when missing; throws WRONGTYPE for
 * other types. A `read` lookup counts a keyspace hit or miss, as Redis's
 * lookupKeyRead does.
 */
function lookupList(
  ctx: CommandContext,
  key: string,
  read = false,
): Deque | null {
  return lookupValue<Deque>(ctx, key, "list", read);
}

/** Creates an empty list at `key` and returns it. */
function createList(ctx: CommandContext, key: string): Deque {
  const list = new Deque();
  ctx.db.set(key, new Entry("list", list, ctx.now));
  return list;
}

/** Deletes `key` when its list became empty, with the "del" event. */
function deleteIfEmpty(ctx: CommandContext, key: string, list: Deque): void {
  if (list.length === 0) {
    ctx.db.delete(key);
    ctx.keyChanged(key, "g", "del", 0);
  }
}

type End = "left" | "right";

/** LEFT or RIGHT (case-insensitive), else a syntax error. */
function parseEnd(arg: Uint8Array): End {
  if (equalsIgnoreCase(arg, "left")) return "left";
  if (equalsIgnoreCase(arg, "right")) return "right";
  throw new CommandError(Errors.syntax);
}

function pop(list: Deque, end: End): Uint8Array {
  return end === "left" ? list.popFront() : list.popBack();
}

function push(list: Deque, end: End, value: Uint8Array): void {
  if (end === "left") list.pushFront(value);
  else list.pushBack(value);
}

function pushGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  end: End,
  onlyIfExists: boolean,
): void {
  const key = bytesToString(args[1]);
  let list = lookupList(ctx, key);
  if (list === null) {
    if (onlyIfExists) {
      ctx.reply.integer(0);
      return;
    }
    list = createList(ctx, key);
  }
  for (let i = 2; i < args.length; i++) push(list, end, args[i]);
  ctx.keyChanged(
    key,
    "l",
    end === "left" ? "lpush" : "rpush",
    args.length - 2,
  );
  ctx.reply.integer(list.length);
}

/**
 * Pops up to `count` elements of the list at `key` and writes them as an
 * array, with the pop event and the deletion of an emptied key.
 */
function popRangeReply(
  ctx: CommandContext,
  key: string,
  list: Deque,
  end: End,
  count: number,
): void {
  const n = Math.min(count, list.length);
  ctx.reply.array(n);
  for (let i = 0; i < n; i++) ctx.reply.bulk(pop(list, end));
  ctx.keyChanged(key, "l", end === "left" ? "lpop" : "rpop", n);
  deleteIfEmpty(ctx, key, list);
}

function popGeneric(ctx: CommandContext, args: Uint8Array[], end: End): void {
  if (args.length > 3) {
    throw new CommandError(Errors.wrongArity(end === "left" ? "lpop" : "rpop"));
  }
  let count = -1;
  if (args.length === 3) {
    count = parsePopCount(args[2]);
  }
  const key = bytesToString(args[1]);
  const list = lookupList(ctx, key);
  if (list === null) {
    if (count >= 0) ctx.reply.nullArray();
    else ctx.reply.nullBulk();
    return;
  }
  if (count === 0) {
    ctx.reply.array(0);
    return;
  }
  if (count > 0) {
    popRangeReply(ctx, key, list, end, count);
    return;
  }
  ctx.reply.bulk(pop(list, end));
  ctx.keyChanged(key, "l", end === "left" ? "lpop" : "rpop");
  deleteIfEmpty(ctx, key, list);
}

function llen(ctx: CommandContext, args: Uint8Array[]): void {
  const list = lookupList(ctx, bytesToString(args[1]), true);
  ctx.reply.integer(list === null ? 0 : list.length);
}

/**
 * Normalises an inclusive [start, end] range with negative indexes, as
 * LRANGE and LTRIM do; returns null for an empty range.
 */
function clampRange(
  start: number,
  end: number,
  length: number,
): [number, number] | null {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return null;
  if (end >= length) end = length - 1;
  return [start, end];
}

function lrange(ctx: CommandContext, args: Uint8Array[]): void {
  const start = parseIntegerArgument(args[2]);
  const end = parseIntegerArgument(args[3]);
  const list = lookupList(ctx, bytesToString(args[1]), true);
  const range = list === null ? null : clampRange(start, end, list.length);
  if (range === null) {
    ctx.reply.array(0);
    return;
  }
  ctx.reply.array(range[1] - range[0] + 1);
  for (let i = range[0]; i <= range[1]; i++) ctx.reply.bulk(list!.at(i));
}

function lindex(ctx: CommandContext, args: Uint8Array[]): void {
  const list = lookupList(ctx, bytesToString(args[1]), true);
  if (list === null) {
    ctx.reply.nullBulk();
    return;
  }
  let index = parseIntegerArgument(args[2]);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) ctx.reply.nullBulk();
  else ctx.reply.bulk(list.at(index));
}

function lset(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const list = lookupList(ctx, key);
  if (list === null) throw new CommandError(Errors.noSuchKey);
  let index = parseIntegerArgument(args[2]);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) {
    throw new CommandError(Errors.outOfRange);
  }
  list.setAt(index, args[3]);
  ctx.keyChanged(key, "l", "lset");
  ctx.reply.ok();
}

function linsert(ctx: CommandContext, args: Uint8Array[]): void {
  let after: boolean;
  if (equalsIgnoreCase(args[2], "after")) after = true;
  else if (equalsIgnoreCase(args[2], "before")) after = false;
  else throw new CommandError(Errors.syntax);
  const key = bytesToString(args[1]);
  const list = lookupList(ctx, key);
  if (list === null) {
    ctx.reply.integer(0);
    return;
  }
  const pivot = args[3];
  const n = list.length;
  let found = -1;
  for (let i = 0; i < n; i++) {
    if (bytesEqual(list.at(i), pivot)) {
      found = i;
      break;
    }
  }
  if (found < 0) {
    ctx.reply.integer(-1);
    return;
  }
  const position = after ? found + 1 : found;
  if (position === 0) list.pushFront(args[4]);
  else if (position === n) list.pushBack(args[4]);
  else {
    const values = list.toArray();
    values.splice(position, 0, args[4]);
    list.replaceAll(values);
  }
  ctx.keyChanged(key, "l", "linsert");
  ctx.reply.integer(list.length);
}

function lrem(ctx: CommandContext, args: Uint8Array[]): void {
  const count = parseIntegerArgument(args[2]);
  const key = bytesToString(args[1]);
  const list = lookupList(ctx, key);
  if (list === null) {
    ctx.reply.integer(0);
    return;
  }
  const element = args[3];
  const values = list.toArray();
  const limit = count === 0 ? Infinity : Math.abs(count);
  let removed = 0;
  if (count >= 0) {
    const kept: Uint8Array[] = [];
    for (const value of values) {
      if (removed < limit && bytesEqual(value, element)) removed++;
      else kept.push(value);
    }
    if (removed > 0) list.replaceAll(kept);
  } else {
    const kept: Uint8Array[] = [];
    for (let i = values.length - 1; i >= 0; i--) {
      if (removed < limit && bytesEqual(values[i], element)) removed++;
      else kept.push(values[i]);
    }
    if (removed > 0) list.replaceAll(kept.reverse());
  }
  if (removed > 0) {
    ctx.keyChanged(key, "l", "lrem", removed);
    deleteIfEmpty(ctx, key, list);
  }
  ctx.reply.integer(removed);
}

function ltrim(ctx: CommandContext, args: Uint8Array[]): void {
  const start = parseIntegerArgument(args[2]);
  const end = parseIntegerArgument(args[3]);
  const key = bytesToString(args[1]);
  const list = lookupList(ctx, key);
  if (list === null) {
    ctx.reply.ok();
    return;
  }
  const length = list.length;
  const range = clampRange(start, end, length);
  let removed = 0;
  if (range === null) {
    removed = length;
    while (list.length > 0) list.popBack();
  } else {
    for (let i = 0; i < range[0]; i++) list.popFront();
    for (let i = range[1] + 1; i < length; i++) list.popBack();
    removed = length - (range[1] - range[0] + 1);
  }
  ctx.keyChanged(key, "l", "ltrim", removed);
  deleteIfEmpty(ctx, key, list);
  ctx.reply.ok();
}

function lpos(ctx: CommandContext, args: Uint8Array[]): void {
  let rank = 1;
  let reportAll = false;
  let count = -1;
  let maxlen = 0;
  for (let i = 3; i < args.length; i++) {
    const hasNext = i + 1 < args.length;
    if (equalsIgnoreCase(args[i], "rank") && hasNext) {
      rank = parseIntegerArgument(args[++i]);
      if (rank === 0) {
        throw new CommandError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
      // Redis negates the rank; -2^63 stays negative, so every match from
      // the tail is reported whatever COUNT says.
      reportAll = parseInt64(args[i]) === LLONG_MIN;
    } else if (equalsIgnoreCase(args[i], "count") && hasNext) {
      count = parseIntegerArgument(args[++i], {
        min: 0,
        message: "ERR COUNT can't be negative",
      });
    } else if (equalsIgnoreCase(args[i], "maxlen") && hasNext) {
      maxlen = parseIntegerArgument(args[++i], {
        min: 0,
        message: "ERR MAXLEN can't be negative",
      });
    } else throw new CommandError(Errors.syntax);
  }
  const list = lookupList(ctx, bytesToString(args[1]), true);
  if (list === null) {
    if (count >= 0) ctx.reply.array(0);
    else ctx.reply.nullBulk();
    return;
  }
  const fromTail = rank < 0;
  const skip = reportAll ? 0 : Math.abs(rank) - 1;
  const element = args[2];
  const n = list.length;
  const matches: number[] = [];
  let seen = 0;
  for (let step = 0; step < n && (maxlen === 0 || step < maxlen); step++) {
    const index = fromTail ? n - 1 - step : step;
    if (!bytesEqual(list.at(index), element)) continue;
    seen++;
    if (seen <= skip) continue;
    matches.push(index);
    if (count < 0) break;
    if (count > 0 && !reportAll && matches.length >= count) break;
  }
  if (count >= 0) {
    ctx.reply.array(matches.length);
    for (const index of matches) ctx.reply.integer(index);
  } else if (matches.length === 0) ctx.reply.nullBulk();
  else ctx.reply.integer(matches[0]);
}

/**
 * Moves an element from `source` (a non-empty list) to `destKey`, creating
 * the destination when needed, and replies with the element. The caller has
 * checked the destination's type.
 */
function moveElement(
  ctx: CommandContext,
  sourceKey: string,
  source: Deque,
  destKey: string,
  from: End,
  to: End,
): void {
  // Looked up before popping: a list moved onto itself is its own target.
  const dest = lookupList(ctx, destKey);
  const value = pop(source, from);
  push(dest ?? createList(ctx, destKey), to, value);
  ctx.keyChanged(destKey, "l", to === "left" ? "lpush" : "rpush");
  ctx.reply.bulk(value);
  ctx.keyChanged(sourceKey, "l", from === "left" ? "lpop" : "rpop", 0);
  deleteIfEmpty(ctx, sourceKey, source);
}

/** LMOVE's checks and move; returns false when the source is empty. */
function tryMove(
  ctx: CommandContext,
  sourceKey: string,
  destKey: string,
  from: End,
  to: End,
): boolean {
  const source = lookupList(ctx, sourceKey);
  if (source === null) return false;
  lookupList(ctx, destKey);
  moveElement(ctx, sourceKey, source, destKey, from, to);
  return true;
}

function lmove(ctx: CommandContext, args: Uint8Array[]): void {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  if (!tryMove(ctx, bytesToString(args[1]), bytesToString(args[2]), from, to)) {
    ctx.reply.nullBulk();
  }
}

function rpoplpush(ctx: CommandContext, args: Uint8Array[]): void {
  if (
    !tryMove(
      ctx,
      bytesToString(args[1]),
      bytesToString(args[2]),
      "right",
      "left",
    )
  ) ctx.reply.nullBulk();
}

/** Parsed arguments of LMPOP/BLMPOP from the numkeys argument on. */
interface MultiPop {
  keys: string[];
  end: End;
  count: number;
}

function parseMultiPop(args: Uint8Array[], numkeysIndex: number): MultiPop {
  const numkeys = parseNumkeys(args[numkeysIndex]);
  const endIndex = numkeysIndex + numkeys + 1;
  if (endIndex >= args.length) throw new CommandError(Errors.syntax);
  const end = parseEnd(args[endIndex]);
  let count = -1;
  for (let i = endIndex + 1; i < args.length; i++) {
    if (
      count === -1 && equalsIgnoreCase(args[i], "count") && i + 1 < args.length
    ) {
      count = parseMultiPopCount(args[++i]);
    } else throw new CommandError(Errors.syntax);
  }
  const keys: string[] = [];
  for (let i = numkeysIndex + 1; i < endIndex; i++) {
    keys.push(bytesToString(args[i]));
  }
  return { keys, end, count: count === -1 ? 1 : count };
}

/** Pops from the first non-empty list of `keys`; false when all are empty. */
function tryMultiPop(ctx: CommandContext, request: MultiPop): boolean {
  for (const key of request.keys) {
    const list = lookupList(ctx, key);
    if (list === null) continue;
    popMultiple(ctx, key, list, request);
    return true;
  }
  return false;
}

/** LMPOP/BLMPOP's pop from one list, logged as LPOP/RPOP with a count like Redis. */
function popMultiple(
  ctx: CommandContext,
  key: string,
  list: Deque,
  request: MultiPop,
): void {
  const count = Math.min(request.count, list.length);
  ctx.reply.array(2);
  ctx.reply.bulkString(key);
  popRangeReply(ctx, key, list, request.end, request.count);
  ctx.propagate([
    request.end === "left" ? "LPOP" : "RPOP",
    stringToBytes(key),
    String(count),
  ]);
}

function lmpop(ctx: CommandContext, args: Uint8Array[]): void {
  if (!tryMultiPop(ctx, parseMultiPop(args, 1))) ctx.reply.nullArray();
}

/** Pops one element from `key` for BLPOP/BRPOP and replies [key, element]. */
function popWithKey(
  ctx: CommandContext,
  key: string,
  list: Deque,
  end: End,
): void {
  ctx.reply.array(2);
  ctx.reply.bulkString(key);
  ctx.reply.bulk(pop(list, end));
  ctx.keyChanged(key, "l", end === "left" ? "lpop" : "rpop");
  deleteIfEmpty(ctx, key, list);
  // Logged in its non-blocking form, which replays without waiting.
  ctx.propagate([end === "left" ? "LPOP" : "RPOP", key]);
}

/** The list at `key` if it exists and is a list (blocked clients skip others). */
function readyList(ctx: CommandContext, key: string): Deque | null {
  const entry = ctx.db.get(key, ctx.now);
  return entry !== undefined && entry.type === "list"
    ? entry.value as Deque
    : null;
}

function blockingPop(ctx: CommandContext, args: Uint8Array[], end: End): void {
  const timeout = parseBlockingTimeout(args[args.length - 1]);
  const keys: string[] = [];
  for (let i = 1; i < args.length - 1; i++) keys.push(bytesToString(args[i]));
  for (const key of keys) {
    const list = lookupList(ctx, key);
    if (list !== null) {
      popWithKey(ctx, key, list, end);
      return;
    }
  }
  if (ctx.client.inTransaction) {
    ctx.reply.nullArray();
    return;
  }
  ctx.server.blocking.block(ctx, {
    dbIndex: ctx.client.dbIndex,
    keys,
    tryServe: (c, key) => {
      const list = readyList(c, key);
      if (list === null) return false;
      popWithKey(c, key, list, end);
      return true;
    },
    timedOut: (c) => c.reply.nullArray(),
  }, timeout);
}

function blockingMove(
  ctx: CommandContext,
  sourceKey: string,
  destKey: string,
  from: End,
  to: End,
  timeoutArg: Uint8Array,
  loggedAs: (Uint8Array | string)[],
): void {
  const timeout = parseBlockingTimeout(timeoutArg);
  if (tryMove(ctx, sourceKey, destKey, from, to)) {
    ctx.propagate(loggedAs);
    return;
  }
  if (ctx.client.inTransaction) {
    ctx.reply.nullBulk();
    return;
  }
  ctx.server.blocking.block(ctx, {
    dbIndex: ctx.client.dbIndex,
    keys: [sourceKey],
    tryServe: (c) => {
      const source = readyList(c, sourceKey);
      if (source === null) return false;
      const dest = c.db.get(destKey, c.now);
      if (dest !== undefined && dest.type !== "list") {
        // As in Redis, the client gets the error and stops waiting.
        c.reply.error(Errors.wrongType);
        c.server.stats.countError(Errors.wrongType);
        return true;
      }
      moveElement(c, sourceKey, source, destKey, from, to);
      // Served later, Redis logs LMOVE with its own lower-case ends.
      c.propagate(
        loggedAs.length === 3
          ? loggedAs
          : [loggedAs[0], loggedAs[1], loggedAs[2], from, to],
      );
      return true;
    },
    timedOut: (c) => c.reply.nullArray(),
  }, timeout);
}

function blmove(ctx: CommandContext, args: Uint8Array[]): void {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  blockingMove(
    ctx,
    bytesToString(args[1]),
    bytesToString(args[2]),
    from,
    to,
    args[5],
    ["LMOVE", args[1], args[2], args[3], args[4]],
  );
}

function brpoplpush(ctx: CommandContext, args: Uint8Array[]): void {
  blockingMove(
    ctx,
    bytesToString(args[1]),
    bytesToString(args[2]),
    "right",
    "left",
    args[3],
    ["RPOPLPUSH", args[1], args[2]],
  );
}

function blmpop(ctx: CommandContext, args: Uint8Array[]): void {
  const request = parseMultiPop(args, 2);
  const timeout = parseBlockingTimeout(args[1]);
  if (tryMultiPop(ctx, request)) return;
  if (ctx.client.inTransaction) {
    ctx.reply.nullArray();
    return;
  }
  ctx.server.blocking.block(ctx, {
    dbIndex: ctx.client.dbIndex,
    keys: request.keys,
    tryServe: (c, key) => {
      const list = readyList(c, key);
      if (list === null) return false;
      popMultiple(c, key, list, request);
      return true;
    },
    timedOut: (c) => c.reply.nullArray(),
  }, timeout);
}

/** List commands. */
export const LIST_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "lpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Prepends one or more elements to a list, creating it if needed.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    handler: (ctx, args) => pushGeneric(ctx, args, "left", false),
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
  }),
  defineCommand({
    name: "rpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Appends one or more elements to a list, creating it if needed.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    handler: (ctx, args) => pushGeneric(ctx, args, "right", false),
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
  }),
  defineCommand({
    name: "lpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["list"],
    group: "list",
    since: "2.2.0",
    summary: "Prepends elements to a list only when the list exists.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    handler: (ctx, args) => pushGeneric(ctx, args, "left", true),
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
  }),
  defineCommand({
    name: "rpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["list"],
    group: "list",
    since: "2.2.0",
    summary: "Appends elements to a list only when the list exists.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    handler: (ctx, args) => pushGeneric(ctx, args, "right", true),
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
  }),
  defineCommand({
    name: "lpop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary:
      "Removes and returns the first elements of a list; the key goes when the list empties.",
    complexity: "O(N) where N is the number of elements returned",
    handler: (ctx, args) => popGeneric(ctx, args, "left"),
    history: [["6.2.0", "Added the `count` argument."]],
  }),
  defineCommand({
    name: "rpop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary:
      "Removes and returns the last elements of a list; the key goes when the list empties.",
    complexity: "O(N) where N is the number of elements returned",
    handler: (ctx, args) => popGeneric(ctx, args, "right"),
    history: [["6.2.0", "Added the `count` argument."]],
  }),
  defineCommand({
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Returns the number of elements of a list.",
    complexity: "O(1)",
    handler: llen,
  }),
  defineCommand({
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Returns a range of elements of a list.",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    handler: lrange,
  }),
  defineCommand({
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Returns the element of a list at an index.",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    handler: lindex,
  }),
  defineCommand({
    name: "lset",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Replaces the element of a list at an index.",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    handler: lset,
  }),
  defineCommand({
    name: "linsert",
    arity: 5,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["list"],
    group: "list",
    since: "2.2.0",
    summary:
      "Inserts an element before or after the first occurrence of another element of a list.",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    handler: linsert,
  }),
  defineCommand({
    name: "lrem",
    arity: 4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary:
      "Removes occurrences of an element from a list; the key goes when the list empties.",
    complexity:
      "O(N+M) where N is the length of the list and M is the number of elements removed.",
    handler: lrem,
  }),
  defineCommand({
    name: "ltrim",
    arity: 4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["list"],
    group: "list",
    since: "1.0.0",
    summary: "Keeps only a range of a list's elements, removing the rest.",
    complexity:
      "O(N) where N is the number of elements to be removed by the operation.",
    handler: ltrim,
  }),
  defineCommand({
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["list"],
    group: "list",
    since: "6.0.6",
    summary:
      "Returns the indexes of the elements of a list that equal a value.",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    handler: lpos,
  }),
  defineCommand({
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["RW", "insert"], 2),
    ],
    categories: ["list"],
    group: "list",
    since: "6.2.0",
    summary:
      "Pops an element from one end of a list and pushes it onto an end of another (or the same) list.",
    complexity: "O(1)",
    handler: lmove,
  }),
  defineCommand({
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["RW", "insert"], 2),
    ],
    categories: ["list"],
    group: "list",
    since: "1.2.0",
    summary:
      "Pops the last element of a list and pushes it onto the head of another list.",
    complexity: "O(1)",
    handler: rpoplpush,
  }),
  defineCommand({
    name: "lmpop",
    arity: -4,
    flags: ["write"],
    keySpecs: [keyCount(["RW", "access", "delete"], 1)],
    categories: ["list"],
    group: "list",
    since: "7.0.0",
    summary: "Pops elements from the first non-empty list among several keys.",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    handler: lmpop,
  }),
  defineCommand({
    name: "blpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1, { lastKey: -2 })],
    categories: ["list"],
    group: "list",
    since: "2.0.0",
    summary:
      "Pops the first element of the first non-empty list, waiting for one when all are empty.",
    complexity: "O(N) where N is the number of provided keys.",
    handler: (ctx, args) => blockingPop(ctx, args, "left"),
    history: [[
      "6.0.0",
      "`timeout` is interpreted as a double instead of an integer.",
    ]],
  }),
  defineCommand({
    name: "brpop",
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1, { lastKey: -2 })],
    categories: ["list"],
    group: "list",
    since: "2.0.0",
    summary:
      "Pops the last element of the first non-empty list, waiting for one when all are empty.",
    complexity: "O(N) where N is the number of provided keys.",
    handler: (ctx, args) => blockingPop(ctx, args, "right"),
    history: [[
      "6.0.0",
      "`timeout` is interpreted as a double instead of an integer.",
    ]],
  }),
  defineCommand({
    name: "blmove",
    arity: 6,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["RW", "insert"], 2),
    ],
    categories: ["list"],
    group: "list",
    since: "6.2.0",
    summary:
      "Moves an element between lists like LMOVE, waiting for one when the source is empty.",
    complexity: "O(1)",
    handler: blmove,
  }),
  defineCommand({
    name: "brpoplpush",
    arity: 4,
    flags: ["write", "denyoom", "noscript", "blocking"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["RW", "insert"], 2),
    ],
    categories: ["list"],
    group: "list",
    since: "2.2.0",
    summary:
      "Moves the last element of a list to the head of another, waiting for one when the source is empty.",
    complexity: "O(1)",
    handler: brpoplpush,
    history: [[
      "6.0.0",
      "`timeout` is interpreted as a double instead of an integer.",
    ]],
  }),
  defineCommand({
    name: "blmpop",
    arity: -5,
    flags: ["write", "blocking"],
    keySpecs: [keyCount(["RW", "access", "delete"], 2)],
    categories: ["list"],
    group: "list",
    since: "7.0.0",
    summary:
      "Pops elements from the first non-empty list among several keys, waiting when all are empty.",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    handler: blmpop,
  }),
];
