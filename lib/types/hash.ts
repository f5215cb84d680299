/**
 * The hash type: fields (binary strings) mapped to byte-string values in an
 * {@linkcode IndexedMap}, and the hash commands. The value records whether
 * Redis would still hold it as a listpack (small fields and values, few
 * entries) or has converted it to a hashtable, for OBJECT ENCODING and HSCAN.
 *
 * @module
 */

import {
  parseInt64Argument,
  parseLongDoubleArgument,
  parseScanCursor,
  parseScanOptions,
} from "../commands/arguments.ts";
import { defineCommand, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Config } from "../config/config.ts";
import { Entry } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { bytesBytes, stringBytes } from "../store/memory_usage.ts";
import { registerValueType } from "../store/value_types.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
  utf8,
} from "../util/bytes.ts";
import {
  addLongDouble,
  formatLongDouble,
  LLONG_MAX,
  LLONG_MIN,
  longDoubleFromInteger,
  parseInt64,
} from "../util/numbers.ts";
import { IndexedMap, lookupValue } from "./indexed_map.ts";
import { distinctRandomKeys, parseRandomCount } from "./set.ts";

/** A HashValue and its IndexedMap, empty. */
const HASH_BYTES = 600;
/** Per field slot: the Map entry and the three arrays' slots. */
const HASH_SLOT_BYTES = 48;

/** A hash value. */
export class HashValue {
  /** Field → value, in insertion order (the listpack order). */
  readonly fields = new IndexedMap<Uint8Array>();
  /** Whether Redis would still use a listpack; once false it stays false. */
  listpack = true;

  /** Number of fields. */
  get size(): number {
    return this.fields.size;
  }

  /**
   * Sets a field, converting to a hashtable as Redis does when the field or
   * value is longer than hash-max-listpack-value or the hash outgrows
   * hash-max-listpack-entries. Returns whether the field is new.
   */
  set(field: string, value: Uint8Array, config: Config): boolean {
    if (this.listpack) {
      const maxValue = config.number("hash-max-listpack-value");
      if (field.length > maxValue || value.length > maxValue) {
        this.listpack = false;
      }
    }
    const created = this.fields.set(field, value);
    if (
      this.listpack &&
      this.fields.size > config.number("hash-max-listpack-entries")
    ) this.listpack = false;
    return created;
  }
}

registerValueType("hash", {
  memoryBytes: (value, samples) => {
    const fields = (value as HashValue).fields;
    return HASH_BYTES + HASH_SLOT_BYTES * fields.slots +
      fields.sampledBytes(
        samples,
        (field, v) => stringBytes(field.length) + bytesBytes(v),
      );
  },
  copy: (value) => {
    const source = value as HashValue;
    const copy = new HashValue();
    copy.listpack = source.listpack;
    for (const [field, v] of source.fields.entries()) copy.fields.set(field, v);
    return copy;
  },
  encoding: (value) => (value as HashValue).listpack ? "listpack" : "hashtable",
  toPlain: (value) => ({
    type: "hash",
    pairs: [...(value as HashValue).fields.entries()].map((
      [field, v],
    ): [Uint8Array, Uint8Array] => [stringToBytes(field), v]),
  }),
  fromPlain: (plain, config) => {
    // Loading ends in the encoding Redis picks from the sizes and lengths.
    const hash = new HashValue();
    if (plain.type === "hash") {
      for (const [field, v] of plain.pairs) {
        hash.set(bytesToString(field), v, config);
      }
    }
    return { value: hash, flags: 0 };
  },
});

/**
 * Returns the hash at `key`, or null; throws WRONGTYPE for other types. A
 * `read` lookup counts a keyspace hit or miss.
 */
function lookupHash(
  ctx: CommandContext,
  key: string,
  read = false,
): HashValue | null {
  return lookupValue<HashValue>(ctx, key, "hash", read);
}

/** The hash at `key`, created empty when missing (WRONGTYPE for others). */
function lookupOrCreateHash(ctx: CommandContext, key: string): HashValue {
  let hash = lookupHash(ctx, key);
  if (hash === null) {
    hash = new HashValue();
    ctx.db.set(key, new Entry("hash", hash, ctx.now));
  }
  return hash;
}

/**
 * Redis converts a listpack hash before writing when any of the written
 * fields or values is longer than hash-max-listpack-value.
 */
function convertForArguments(
  hash: HashValue,
  args: Uint8Array[],
  start: number,
  config: Config,
): void {
  if (!hash.listpack) return;
  const maxValue = config.number("hash-max-listpack-value");
  for (let i = start; i < args.length; i++) {
    if (args[i].length > maxValue) {
      hash.listpack = false;
      return;
    }
  }
}

function hsetGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  name: string,
): number {
  if (args.length % 2 === 1) throw new CommandError(Errors.wrongArity(name));
  const key = bytesToString(args[1]);
  const hash = lookupOrCreateHash(ctx, key);
  const config = ctx.server.config;
  convertForArguments(hash, args, 2, config);
  let created = 0;
  for (let i = 2; i < args.length; i += 2) {
    if (hash.set(bytesToString(args[i]), args[i + 1], config)) created++;
  }
  ctx.keyChanged(key, "h", "hset", (args.length - 2) / 2);
  return created;
}

function hset(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.integer(hsetGeneric(ctx, args, "hset"));
}

function hmset(ctx: CommandContext, args: Uint8Array[]): void {
  hsetGeneric(ctx, args, "hmset");
  ctx.reply.ok();
}

function hsetnx(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const hash = lookupOrCreateHash(ctx, key);
  const field = bytesToString(args[2]);
  if (hash.fields.has(field)) {
    ctx.reply.integer(0);
    return;
  }
  const config = ctx.server.config;
  convertForArguments(hash, args, 2, config);
  hash.set(field, args[3], config);
  ctx.keyChanged(key, "h", "hset");
  ctx.reply.integer(1);
}

function hget(ctx: CommandContext, args: Uint8Array[]): void {
  const value = lookupHash(ctx, bytesToString(args[1]), true)
    ?.fields.get(bytesToString(args[2]));
  if (value === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(value);
}

function hmget(ctx: CommandContext, args: Uint8Array[]): void {
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  ctx.reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const value = hash?.fields.get(bytesToString(args[i]));
    if (value === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(value);
  }
}

function hdel(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const hash = lookupHash(ctx, key);
  if (hash === null) {
    ctx.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < args.length && hash.size > 0; i++) {
    if (hash.fields.delete(bytesToString(args[i]))) deleted++;
  }
  if (deleted > 0) {
    ctx.keyChanged(key, "h", "hdel", deleted);
    if (hash.size === 0) {
      ctx.db.delete(key);
      ctx.keyChanged(key, "g", "del", 0);
    }
  }
  ctx.reply.integer(deleted);
}

function hlen(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.integer(lookupHash(ctx, bytesToString(args[1]), true)?.size ?? 0);
}

function hstrlen(ctx: CommandContext, args: Uint8Array[]): void {
  const value = lookupHash(ctx, bytesToString(args[1]), true)
    ?.fields.get(bytesToString(args[2]));
  ctx.reply.integer(value?.length ?? 0);
}

function hexists(ctx: CommandContext, args: Uint8Array[]): void {
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  ctx.reply.integer(hash?.fields.has(bytesToString(args[2])) ? 1 : 0);
}

function hkeys(ctx: CommandContext, args: Uint8Array[]): void {
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  ctx.reply.array(hash?.size ?? 0);
  if (hash !== null) {
    for (const field of hash.fields.keys()) ctx.reply.bulkString(field);
  }
}

function hvals(ctx: CommandContext, args: Uint8Array[]): void {
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  ctx.reply.array(hash?.size ?? 0);
  if (hash !== null) {
    for (const [, value] of hash.fields.entries()) ctx.reply.bulk(value);
  }
}

function hgetall(ctx: CommandContext, args: Uint8Array[]): void {
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  ctx.reply.map(hash?.size ?? 0);
  if (hash === null) return;
  for (const [field, value] of hash.fields.entries()) {
    ctx.reply.bulkString(field);
    ctx.reply.bulk(value);
  }
}

function hincrby(ctx: CommandContext, args: Uint8Array[]): void {
  const increment = parseInt64Argument(args[3]);
  const key = bytesToString(args[1]);
  const hash = lookupOrCreateHash(ctx, key);
  const field = bytesToString(args[2]);
  const current = hash.fields.get(field);
  const value = current === undefined ? 0n : parseInt64Argument(current, {
    message: "ERR hash value is not an integer",
  });
  const sum = value + increment;
  if (sum > LLONG_MAX || sum < LLONG_MIN) {
    throw new CommandError(Errors.overflow);
  }
  hash.set(field, utf8(sum.toString()), ctx.server.config);
  ctx.keyChanged(key, "h", "hincrby");
  ctx.reply.integer(sum);
}

function hincrbyfloat(ctx: CommandContext, args: Uint8Array[]): void {
  const increment = parseLongDoubleArgument(args[3]);
  if (increment.kind !== "finite") {
    throw new CommandError("ERR value is NaN or Infinity");
  }
  const key = bytesToString(args[1]);
  const hash = lookupOrCreateHash(ctx, key);
  const field = bytesToString(args[2]);
  const current = hash.fields.get(field);
  const parsed = current === undefined
    ? ZERO
    : parseLongDoubleArgument(current, {
      message: "ERR hash value is not a float",
    });
  const value = addLongDouble(parsed, increment);
  if (value.kind !== "finite") {
    throw new CommandError("ERR increment would produce NaN or Infinity");
  }
  const bytes = utf8(formatLongDouble(value));
  hash.set(field, bytes, ctx.server.config);
  ctx.keyChanged(key, "h", "hincrbyfloat");
  // Replaying the float arithmetic could round differently: log the result.
  ctx.propagate(["HSET", args[1], args[2], bytes]);
  ctx.reply.bulk(bytes);
}

const ZERO = longDoubleFromInteger(0n);

/** Writes a field (and its value when asked) of HRANDFIELD's reply. */
function replyField(
  ctx: CommandContext,
  hash: HashValue,
  field: string,
  withValues: boolean,
): void {
  if (withValues && ctx.reply.protocol === 3) ctx.reply.array(2);
  ctx.reply.bulkString(field);
  if (withValues) ctx.reply.bulk(hash.fields.get(field)!);
}

/** Largest count Redis accepts WITHVALUES with (it doubles the count). */
const MAX_COUNT_WITH_VALUES = LLONG_MAX / 2n;

function hrandfield(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  if (args.length === 2) {
    const hash = lookupHash(ctx, key, true);
    if (hash === null) ctx.reply.nullBulk();
    else ctx.reply.bulkString(hash.fields.randomKey());
    return;
  }
  const count = parseRandomCount(args[2]);
  if (
    args.length > 4 ||
    (args.length === 4 && !equalsIgnoreCase(args[3], "withvalues"))
  ) throw new CommandError(Errors.syntax);
  const withValues = args.length === 4;
  if (withValues) {
    const exact = parseInt64(args[2])!;
    if (exact < -MAX_COUNT_WITH_VALUES || exact > MAX_COUNT_WITH_VALUES) {
      throw new CommandError(Errors.valueOutOfRange);
    }
  }
  const hash = lookupHash(ctx, key, true);
  if (hash === null || count === 0) {
    ctx.reply.array(0);
    return;
  }
  const flat = withValues && ctx.reply.protocol === 2;
  if (count < 0) {
    ctx.reply.array(flat ? -count * 2 : -count);
    for (let i = 0; i < -count; i++) {
      replyField(ctx, hash, hash.fields.randomKey(), withValues);
    }
    return;
  }
  const fields = count >= hash.size
    ? [...hash.fields.keys()]
    : distinctRandomKeys(hash.fields, count);
  ctx.reply.array(flat ? fields.length * 2 : fields.length);
  for (const field of fields) replyField(ctx, hash, field, withValues);
}

function hscan(ctx: CommandContext, args: Uint8Array[]): void {
  const cursor = parseScanCursor(args[2]);
  const hash = lookupHash(ctx, bytesToString(args[1]), true);
  const options = hash === null ? null : parseScanOptions(args, 3);
  let fields: string[] = [];
  let next = 0;
  if (hash !== null && hash.listpack) fields = [...hash.fields.keys()];
  else if (hash !== null) {
    const start = cursor > BigInt(Number.MAX_SAFE_INTEGER)
      ? Number.MAX_SAFE_INTEGER
      : Number(cursor);
    const step = hash.fields.scan(start, options!.count);
    fields = step.keys;
    next = step.next;
  }
  const pattern = options?.pattern ?? null;
  if (pattern !== null) fields = fields.filter((f) => globMatch(pattern, f));
  ctx.reply.array(2);
  ctx.reply.bulkString(String(next));
  ctx.reply.array(fields.length * 2);
  for (const field of fields) {
    ctx.reply.bulkString(field);
    ctx.reply.bulk(hash!.fields.get(field)!);
  }
}

/** Hash commands. */
export const HASH_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "hset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary:
      "Sets fields of a hash, creating it if needed; replies with the number of new fields.",
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    handler: hset,
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
  }),
  defineCommand({
    name: "hsetnx",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Sets a field of a hash only when the field is absent.",
    complexity: "O(1)",
    handler: hsetnx,
  }),
  defineCommand({
    name: "hget",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns the value of a field of a hash.",
    complexity: "O(1)",
    handler: hget,
  }),
  defineCommand({
    name: "hmget",
    arity: -3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns the values of several fields of a hash.",
    complexity: "O(N) where N is the number of fields being requested.",
    handler: hmget,
  }),
  defineCommand({
    name: "hmset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Sets fields of a hash (replaced by HSET).",
    complexity: "O(N) where N is the number of fields being set.",
    handler: hmset,
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
  }),
  defineCommand({
    name: "hdel",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Deletes fields of a hash; the key goes when the hash empties.",
    complexity: "O(N) where N is the number of fields to be removed.",
    handler: hdel,
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
  }),
  defineCommand({
    name: "hlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns the number of fields of a hash.",
    complexity: "O(1)",
    handler: hlen,
  }),
  defineCommand({
    name: "hstrlen",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "3.2.0",
    summary: "Returns the length of the value of a field of a hash.",
    complexity: "O(1)",
    handler: hstrlen,
  }),
  defineCommand({
    name: "hexists",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Tells whether a field exists in a hash.",
    complexity: "O(1)",
    handler: hexists,
  }),
  defineCommand({
    name: "hkeys",
    arity: 2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns the fields of a hash.",
    complexity: "O(N) where N is the size of the hash.",
    handler: hkeys,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "hvals",
    arity: 2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns the values of a hash.",
    complexity: "O(N) where N is the size of the hash.",
    handler: hvals,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "hgetall",
    arity: 2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Returns every field and value of a hash.",
    complexity: "O(N) where N is the size of the hash.",
    handler: hgetall,
    tips: ["nondeterministic_output_order"],
  }),
  defineCommand({
    name: "hincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.0.0",
    summary: "Adds an integer to the value of a field of a hash.",
    complexity: "O(1)",
    handler: hincrby,
  }),
  defineCommand({
    name: "hincrbyfloat",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.6.0",
    summary: "Adds a floating-point number to the value of a field of a hash.",
    complexity: "O(1)",
    handler: hincrbyfloat,
  }),
  defineCommand({
    name: "hrandfield",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "6.2.0",
    summary: "Returns random fields (and optionally their values) of a hash.",
    complexity: "O(N) where N is the number of fields returned",
    handler: hrandfield,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "hscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["hash"],
    group: "hash",
    since: "2.8.0",
    summary: "Iterates over the fields and values of a hash.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    handler: hscan,
    tips: ["nondeterministic_output"],
  }),
];
