/**
 * The set type: members (binary strings) in an {@linkcode IndexedMap}, and
 * the set commands. Redis 7.0 keeps small all-integer sets in an intset
 * (which iterates in numeric order) and everything else in a hashtable; the
 * value records which one Redis would use so that OBJECT ENCODING and the
 * order of replies match.
 *
 * @module
 */

import {
  parseInt64Argument,
  parseIntegerArgument,
  parseNumkeys,
  parsePopCount,
  parseScanCursor,
  parseScanOptions,
} from "../commands/arguments.ts";
import { defineCommand, keyCount, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Config } from "../config/config.ts";
import { Entry } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { stringBytes } from "../store/memory_usage.ts";
import { registerValueType } from "../store/value_types.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  scratchBytes,
  stringToBytes,
} from "../util/bytes.ts";
import { LLONG_MAX, parseInt64 } from "../util/numbers.ts";
import { IndexedMap, lookupValue } from "./indexed_map.ts";

/** A SetValue and its IndexedMap, empty. */
const SET_BYTES = 520;
/** Per member slot: the Map entry and the three arrays' slots. */
const SET_SLOT_BYTES = 31;

/** Whether Redis would hold `member` in an intset (a canonical int64). */
function isIntsetMember(member: string): boolean {
  return member.length <= 20 && parseInt64(scratchBytes(member)) !== null;
}

/** A set value. */
export class SetValue {
  /** Members, in insertion order. */
  readonly members = new IndexedMap<true>();
  /** Whether Redis would use an intset; once false it stays false. */
  intset: boolean;

  /**
   * Creates an empty set; `intset` says whether Redis would start with an
   * intset (it does when the first member is an integer).
   */
  constructor(intset: boolean) {
    this.intset = intset;
  }

  /** Number of members. */
  get size(): number {
    return this.members.size;
  }

  /** Whether `member` is in the set. */
  has(member: string): boolean {
    return this.members.has(member);
  }

  /**
   * Adds `member`, converting away from intset as Redis does (a non-integer
   * member, or more members than set-max-intset-entries). Returns whether
   * it was new.
   */
  add(member: string, config: Config): boolean {
    if (!this.members.set(member, true)) return false;
    if (
      this.intset &&
      (!isIntsetMember(member) ||
        this.members.size > config.number("set-max-intset-entries"))
    ) this.intset = false;
    return true;
  }

  /** Removes `member`; returns whether it was present. */
  delete(member: string): boolean {
    return this.members.delete(member);
  }

  /** Members in the order Redis iterates them (numeric for an intset). */
  ordered(): string[] {
    const members = [...this.members.keys()];
    if (this.intset) {
      const values = members.map((m) => BigInt(m));
      values.sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
      return values.map(String);
    }
    return members;
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    return this.members.randomKey();
  }
}

registerValueType("set", {
  copy: (value) => {
    const source = value as SetValue;
    const copy = new SetValue(source.intset);
    for (const member of source.members.keys()) copy.members.set(member, true);
    return copy;
  },
  encoding: (value) => (value as SetValue).intset ? "intset" : "hashtable",
  memoryBytes: (value, samples) => {
    const members = (value as SetValue).members;
    return SET_BYTES + SET_SLOT_BYTES * members.slots +
      members.sampledBytes(samples, (member) => stringBytes(member.length));
  },
  toPlain: (value) => ({
    type: "set",
    members: [...(value as SetValue).members.keys()].map(stringToBytes),
  }),
  fromPlain: (plain, config) => {
    // Loading ends in the encoding Redis picks: intset only for few integers.
    const set = new SetValue(true);
    if (plain.type === "set") {
      for (const member of plain.members) {
        set.add(bytesToString(member), config);
      }
    }
    return { value: set, flags: 0 };
  },
});

/**
 * Returns the set at `key`, or null; throws WRONGTYPE for other types. A
 * `read` lookup counts a keyspace hit or miss.
 */
function lookupSet(
  ctx: CommandContext,
  key: string,
  read = false,
): SetValue | null {
  return lookupValue<SetValue>(ctx, key, "set", read);
}

/**
 * Builds a set from `members` the way Redis builds a computed set (SUNION,
 * SINTERSTORE...): it starts as an intset and converts as members come.
 */
function buildSet(ctx: CommandContext, members: Iterable<string>): SetValue {
  const set = new SetValue(true);
  for (const member of members) set.add(member, ctx.server.config);
  return set;
}

/** Replies with `members` as a set (RESP3 ~, RESP2 array). */
function replySet(ctx: CommandContext, members: readonly string[]): void {
  ctx.reply.set(members.length);
  for (const member of members) ctx.reply.bulkString(member);
}

/** Deletes `key` if its set became empty, with the "del" event. */
function deleteIfEmpty(ctx: CommandContext, key: string, set: SetValue): void {
  if (set.size === 0) {
    ctx.db.delete(key);
    ctx.keyChanged(key, "g", "del", 0);
  }
}

function sadd(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  let set = lookupSet(ctx, key);
  if (set === null) {
    set = new SetValue(isIntsetMember(bytesToString(args[2])));
    ctx.db.set(key, new Entry("set", set, ctx.now));
  }
  let added = 0;
  for (let i = 2; i < args.length; i++) {
    if (set.add(bytesToString(args[i]), ctx.server.config)) added++;
  }
  if (added > 0) ctx.keyChanged(key, "s", "sadd", added);
  ctx.reply.integer(added);
}

function srem(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const set = lookupSet(ctx, key);
  if (set === null) {
    ctx.reply.integer(0);
    return;
  }
  let removed = 0;
  for (let i = 2; i < args.length && set.size > 0; i++) {
    if (set.delete(bytesToString(args[i]))) removed++;
  }
  if (removed > 0) {
    ctx.keyChanged(key, "s", "srem", removed);
    deleteIfEmpty(ctx, key, set);
  }
  ctx.reply.integer(removed);
}

function scard(ctx: CommandContext, args: Uint8Array[]): void {
  const set = lookupSet(ctx, bytesToString(args[1]), true);
  ctx.reply.integer(set === null ? 0 : set.size);
}

function sismember(ctx: CommandContext, args: Uint8Array[]): void {
  const set = lookupSet(ctx, bytesToString(args[1]), true);
  ctx.reply.integer(set !== null && set.has(bytesToString(args[2])) ? 1 : 0);
}

function smismember(ctx: CommandContext, args: Uint8Array[]): void {
  const set = lookupSet(ctx, bytesToString(args[1]), true);
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    ctx.reply.integer(set !== null && set.has(bytesToString(args[i])) ? 1 : 0);
  }
}

function smembers(ctx: CommandContext, args: Uint8Array[]): void {
  const set = lookupSet(ctx, bytesToString(args[1]), true);
  replySet(ctx, set === null ? [] : set.ordered());
}

function smove(ctx: CommandContext, args: Uint8Array[]): void {
  const sourceKey = bytesToString(args[1]);
  const destKey = bytesToString(args[2]);
  const member = bytesToString(args[3]);
  const sourceEntry = ctx.db.get(sourceKey, ctx.now);
  if (sourceEntry === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const source = lookupSet(ctx, sourceKey)!;
  let dest = lookupSet(ctx, destKey);
  if (source === dest) {
    ctx.reply.integer(source.has(member) ? 1 : 0);
    return;
  }
  if (!source.delete(member)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.keyChanged(sourceKey, "s", "srem");
  deleteIfEmpty(ctx, sourceKey, source);
  if (dest === null) {
    dest = new SetValue(isIntsetMember(member));
    ctx.db.set(destKey, new Entry("set", dest, ctx.now));
  }
  if (dest.add(member, ctx.server.config)) ctx.keyChanged(destKey, "s", "sadd");
  ctx.reply.integer(1);
}

/** Removes and returns `count` random members (fewer than the set holds). */
function popRandom(set: SetValue, count: number): string[] {
  const popped: string[] = [];
  for (let i = 0; i < count; i++) {
    const member = set.random();
    set.delete(member);
    popped.push(member);
  }
  return popped;
}

function spop(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  const key = bytesToString(args[1]);
  if (args.length === 2) {
    const set = lookupSet(ctx, key);
    if (set === null) {
      ctx.reply.nullBulk();
      return;
    }
    const [member] = popRandom(set, 1);
    ctx.keyChanged(key, "s", "spop");
    // A random pick would replay differently: log what was removed.
    ctx.propagate(["SREM", args[1], member]);
    deleteIfEmpty(ctx, key, set);
    ctx.reply.bulkString(member);
    return;
  }
  const count = parsePopCount(args[2]);
  const set = lookupSet(ctx, key);
  if (set === null || count === 0) {
    replySet(ctx, []);
    return;
  }
  if (count >= set.size) {
    const members = buildSet(ctx, set.members.keys()).ordered();
    ctx.db.delete(key);
    ctx.keyChanged(key, "s", "spop", members.length);
    ctx.keyChanged(key, "g", "del", 0);
    ctx.propagate(["DEL", args[1]]);
    replySet(ctx, members);
    return;
  }
  const members = popRandom(set, count);
  ctx.keyChanged(key, "s", "spop", count);
  for (const member of members) {
    ctx.propagate(["SREM", args[1], member]);
  }
  replySet(ctx, members);
}

/** Parses SRANDMEMBER/HRANDFIELD's count: a 64-bit integer but not -2^63. */
export function parseRandomCount(arg: Uint8Array): number {
  return Number(parseInt64Argument(arg, { min: -LLONG_MAX }));
}

/**
 * `count` distinct random keys of `map` (fewer than its size), in O(count)
 * expected time when count is small against the size, else by a partial
 * shuffle of all keys.
 */
export function distinctRandomKeys<V>(
  map: IndexedMap<V>,
  count: number,
): string[] {
  if (count * 3 > map.size) {
    const keys = [...map.keys()];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (keys.length - i));
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    return keys.slice(0, count);
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(map.randomKey());
  return [...picked];
}

function srandmember(ctx: CommandContext, args: Uint8Array[]): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  const key = bytesToString(args[1]);
  if (args.length === 2) {
    const set = lookupSet(ctx, key, true);
    if (set === null) ctx.reply.nullBulk();
    else ctx.reply.bulkString(set.random());
    return;
  }
  const count = parseRandomCount(args[2]);
  const set = lookupSet(ctx, key, true);
  if (set === null || count === 0) {
    ctx.reply.array(0);
    return;
  }
  if (count < 0) {
    ctx.reply.array(-count);
    for (let i = 0; i < -count; i++) ctx.reply.bulkString(set.random());
    return;
  }
  if (count >= set.size) {
    ctx.reply.stringArray(buildSet(ctx, set.members.keys()).ordered());
    return;
  }
  ctx.reply.stringArray(distinctRandomKeys(set.members, count));
}

/**
 * Looks up the sets at `keys` for set algebra (read lookups, even for the
 * STORE variants, as in Redis 7.0): missing keys are null; WRONGTYPE is
 * thrown for any other type, whatever precedes it.
 */
function lookupSets(ctx: CommandContext, keys: string[]): (SetValue | null)[] {
  return keys.map((key) => lookupSet(ctx, key, true));
}

function keysFrom(args: Uint8Array[], start: number, end = args.length) {
  const keys: string[] = [];
  for (let i = start; i < end; i++) keys.push(bytesToString(args[i]));
  return keys;
}

/**
 * Members of the intersection, iterating the smallest set (in its own
 * order) and stopping after `limit` members (0 = no limit); empty if any
 * set is missing.
 */
function intersection(sets: (SetValue | null)[], limit: number): string[] {
  if (sets.some((set) => set === null)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const result: string[] = [];
  for (const member of sorted[0].ordered()) {
    let inAll = true;
    for (let i = 1; i < sorted.length; i++) {
      if (!sorted[i].has(member)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    result.push(member);
    if (limit > 0 && result.length >= limit) break;
  }
  return result;
}

/** Union of the sets, members in first-seen order. */
function union(sets: (SetValue | null)[]): Set<string> {
  const result = new Set<string>();
  for (const set of sets) {
    if (set === null) continue;
    for (const member of set.members.keys()) result.add(member);
  }
  return result;
}

/** Members of the first set that are in none of the others. */
function difference(sets: (SetValue | null)[]): Set<string> {
  const result = new Set<string>();
  const first = sets[0];
  if (first === null) return result;
  for (const member of first.members.keys()) {
    if (!sets.some((set, i) => i > 0 && set !== null && set.has(member))) {
      result.add(member);
    }
  }
  return result;
}

/**
 * Stores a computed set at `dest` (deleting it when empty) and replies with
 * its size, with the store event or "del" as Redis emits them.
 */
function storeResult(
  ctx: CommandContext,
  dest: string,
  members: Iterable<string>,
  event: string,
): void {
  const set = buildSet(ctx, members);
  if (set.size > 0) {
    ctx.db.set(dest, new Entry("set", set, ctx.now));
    ctx.keyChanged(dest, "s", event);
  } else if (ctx.db.delete(dest)) ctx.keyChanged(dest, "g", "del");
  ctx.reply.integer(set.size);
}

function sinter(ctx: CommandContext, args: Uint8Array[]): void {
  replySet(ctx, intersection(lookupSets(ctx, keysFrom(args, 1)), 0));
}

function sinterstore(ctx: CommandContext, args: Uint8Array[]): void {
  const sets = lookupSets(ctx, keysFrom(args, 2));
  storeResult(
    ctx,
    bytesToString(args[1]),
    intersection(sets, 0),
    "sinterstore",
  );
}

function sintercard(ctx: CommandContext, args: Uint8Array[]): void {
  const numkeys = parseNumkeys(args[1]);
  if (numkeys > args.length - 2) {
    throw new CommandError(
      "ERR Number of keys can't be greater than number of args",
    );
  }
  let limit = 0;
  for (let i = 2 + numkeys; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "limit") && i + 1 < args.length) {
      limit = parseIntegerArgument(args[++i], {
        min: 0,
        message: Errors.limitNegative,
      });
    } else throw new CommandError(Errors.syntax);
  }
  const sets = lookupSets(ctx, keysFrom(args, 2, 2 + numkeys));
  ctx.reply.integer(intersection(sets, limit).length);
}

function sunion(ctx: CommandContext, args: Uint8Array[]): void {
  const sets = lookupSets(ctx, keysFrom(args, 1));
  replySet(ctx, buildSet(ctx, union(sets)).ordered());
}

function sunionstore(ctx: CommandContext, args: Uint8Array[]): void {
  const sets = lookupSets(ctx, keysFrom(args, 2));
  storeResult(ctx, bytesToString(args[1]), union(sets), "sunionstore");
}

function sdiff(ctx: CommandContext, args: Uint8Array[]): void {
  const sets = lookupSets(ctx, keysFrom(args, 1));
  replySet(ctx, buildSet(ctx, difference(sets)).ordered());
}

function sdiffstore(ctx: CommandContext, args: Uint8Array[]): void {
  const sets = lookupSets(ctx, keysFrom(args, 2));
  storeResult(ctx, bytesToString(args[1]), difference(sets), "sdiffstore");
}

function sscan(ctx: CommandContext, args: Uint8Array[]): void {
  const cursor = parseScanCursor(args[2]);
  const set = lookupSet(ctx, bytesToString(args[1]), true);
  const options = set === null ? null : parseScanOptions(args, 3);
  let members: string[] = [];
  let next = 0;
  if (set !== null && set.intset) members = set.ordered();
  else if (set !== null) {
    const start = cursor > BigInt(Number.MAX_SAFE_INTEGER)
      ? Number.MAX_SAFE_INTEGER
      : Number(cursor);
    const step = set.members.scan(start, options!.count);
    members = step.keys;
    next = step.next;
  }
  const pattern = options?.pattern ?? null;
  if (pattern !== null) members = members.filter((m) => globMatch(pattern, m));
  ctx.reply.array(2);
  ctx.reply.bulkString(String(next));
  ctx.reply.stringArray(members);
}

/** Set commands. */
export const SET_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "sadd",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Adds members to a set, creating it if needed.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    handler: sadd,
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
  }),
  defineCommand({
    name: "srem",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Removes members from a set; the key goes when the set empties.",
    complexity: "O(N) where N is the number of members to be removed.",
    handler: srem,
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
  }),
  defineCommand({
    name: "scard",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Returns the number of members of a set.",
    complexity: "O(1)",
    handler: scard,
  }),
  defineCommand({
    name: "sismember",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Tells whether a value is a member of a set.",
    complexity: "O(1)",
    handler: sismember,
  }),
  defineCommand({
    name: "smismember",
    arity: -3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["set"],
    group: "set",
    since: "6.2.0",
    summary:
      "Tells, for each of several values, whether it is a member of a set.",
    complexity:
      "O(N) where N is the number of elements being checked for membership",
    handler: smismember,
  }),
  defineCommand({
    name: "smembers",
    arity: 2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Returns every member of a set.",
    complexity: "O(N) where N is the set cardinality.",
    handler: smembers,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "srandmember",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Returns random members of a set without removing them.",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    handler: srandmember,
    tips: ["nondeterministic_output"],
    history: [["2.6.0", "Added the optional `count` argument."]],
  }),
  defineCommand({
    name: "spop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary:
      "Removes and returns random members of a set; the key goes when the set empties.",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    handler: spop,
    tips: ["nondeterministic_output"],
    history: [["3.2.0", "Added the `count` argument."]],
  }),
  defineCommand({
    name: "smove",
    arity: 4,
    flags: ["write", "fast"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["RW", "insert"], 2),
    ],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Moves a member from one set to another.",
    complexity: "O(1)",
    handler: smove,
  }),
  defineCommand({
    name: "sinter",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1, { lastKey: -1 })],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Returns the intersection of several sets.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: sinter,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "sintercard",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyCount(["RO", "access"], 1)],
    categories: ["set"],
    group: "set",
    since: "7.0.0",
    summary:
      "Returns the size of the intersection of several sets, optionally stopping at a limit.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: sintercard,
  }),
  defineCommand({
    name: "sinterstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "update"], 1),
      keyRange(["RO", "access"], 2, { lastKey: -1 }),
    ],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Stores the intersection of several sets in a key.",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    handler: sinterstore,
  }),
  defineCommand({
    name: "sunion",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1, { lastKey: -1 })],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Returns the union of several sets.",
    complexity:
      "O(N) where N is the total number of elements in all given sets.",
    handler: sunion,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "sunionstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["OW", "update"], 1),
      keyRange(["RO", "access"], 2, { lastKey: -1 }),
    ],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Stores the union of several sets in a key.",
    complexity:
      "O(N) where N is the total number of elements in all given sets.",
    handler: sunionstore,
  }),
  defineCommand({
    name: "sdiff",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1, { lastKey: -1 })],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary:
      "Returns the members of a set that are in none of the other given sets.",
    complexity:
      "O(N) where N is the total number of elements in all given sets.",
    handler: sdiff,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "sdiffstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["OW", "update"], 1),
      keyRange(["RO", "access"], 2, { lastKey: -1 }),
    ],
    categories: ["set"],
    group: "set",
    since: "1.0.0",
    summary: "Stores the difference of several sets in a key.",
    complexity:
      "O(N) where N is the total number of elements in all given sets.",
    handler: sdiffstore,
  }),
  defineCommand({
    name: "sscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["set"],
    group: "set",
    since: "2.8.0",
    summary: "Iterates over the members of a set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    handler: sscan,
    tips: ["nondeterministic_output"],
  }),
];
