/**
 * Generic keyspace commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN,
 * RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, SWAPDB, TOUCH, DBSIZE, FLUSHDB,
 * FLUSHALL, OBJECT, and the expiry commands (EXPIRE and friends, TTL and
 * friends, PERSIST).
 *
 * @module
 */

import {
  parseDbIndex,
  parseIntegerArgument,
  parseScanCursor,
  parseScanOptions,
} from "./arguments.ts";
import { defineCommand, keyRange } from "./define.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec, KeySpec, KeySpecFlag } from "./spec.ts";
import { Entry, itemType } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { valueTypeOps } from "../store/value_types.ts";
import { freedLazily } from "../store/lazyfree.ts";
import { stringValueScratch } from "../types/string.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import { LLONG_MAX, LLONG_MIN, parseInt64 } from "../util/numbers.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";
const INT_MAX = 2147483647;

/** Re-exported from arguments.ts for modules that import it from here. */
export { parseScanCursor };

/** DEL and UNLINK (which frees large values lazily, as DEL may). */
function del(ctx: CommandContext, args: Uint8Array[]): void {
  const db = ctx.db;
  const config = ctx.server.config;
  const lazy = ctx.spec?.name === "unlink" ||
    config.flag("lazyfree-lazy-user-del");
  let deleted = 0;
  for (let i = 1; i < args.length; i++) {
    const key = bytesToString(args[i]);
    const item = db.lookup(key, ctx.now, false);
    if (
      lazy && item !== undefined && typeof item !== "string" &&
      freedLazily(item, config)
    ) {
      ctx.server.stats.lazyfreedObjects++;
    }
    if (db.delete(key)) {
      ctx.keyChanged(key, "g", "del");
      deleted++;
    }
  }
  ctx.reply.integer(deleted);
}

function exists(ctx: CommandContext, args: Uint8Array[]): void {
  const db = ctx.db;
  let count = 0;
  for (let i = 1; i < args.length; i++) {
    const key = bytesToString(args[i]);
    if (ctx.readValue(key, db, false) !== undefined) count++;
  }
  ctx.reply.integer(count);
}

function touch(ctx: CommandContext, args: Uint8Array[]): void {
  const db = ctx.db;
  let count = 0;
  for (let i = 1; i < args.length; i++) {
    const key = bytesToString(args[i]);
    if (ctx.readValue(key, db, true) !== undefined) count++;
  }
  ctx.reply.integer(count);
}

function type(ctx: CommandContext, args: Uint8Array[]): void {
  const item = ctx.readValue(bytesToString(args[1]), ctx.db, false);
  ctx.reply.simple(item === undefined ? "none" : itemType(item));
}

function keys(ctx: CommandContext, args: Uint8Array[]): void {
  const pattern = bytesToString(args[1]);
  const all = pattern === "*";
  const now = ctx.now;
  const found: string[] = [];
  for (const [key, entry] of ctx.db.entries()) {
    if (!all && !globMatch(pattern, key)) continue;
    // KEYS hides expired keys but leaves their deletion to others.
    if (entry.expireAt !== 0 && entry.expireAt <= now) continue;
    found.push(key);
  }
  ctx.reply.stringArray(found);
}

function scan(ctx: CommandContext, args: Uint8Array[]): void {
  const cursor = parseScanCursor(args[1]);
  const options = parseScanOptions(args, 2, { allowType: true });
  const count = Math.min(options.count, 1_000_000_000);
  const { pattern, type: typeName } = options;

  const db = ctx.db;
  // Bits above the table's size do not matter to a cursor, as in Redis.
  const step = db.scan(Number(cursor & 0xffffffffn), count);
  const result: string[] = [];
  for (const key of step.keys) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (typeName !== null) {
      // Like Redis, the type check's lookup already drops an expired key,
      // which then reads as type "none".
      const item = ctx.readValue(key, db, false);
      const type = item === undefined ? "none" : itemType(item);
      if (!equalsIgnoreCase(typeName, type)) continue;
      if (item === undefined) {
        result.push(key);
        continue;
      }
    }
    if (db.lookup(key, ctx.now, false) === undefined) continue;
    result.push(key);
  }
  ctx.reply.array(2);
  ctx.reply.bulkString(String(step.next));
  ctx.reply.stringArray(result);
}

function randomkey(ctx: CommandContext): void {
  const db = ctx.db;
  while (true) {
    const key = db.randomKey();
    if (key === undefined) {
      ctx.reply.nullBulk();
      return;
    }
    if (db.lookup(key, ctx.now, false) !== undefined) {
      ctx.reply.bulkString(key);
      return;
    }
  }
}

function renameGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  nx: boolean,
): void {
  const source = bytesToString(args[1]);
  const target = bytesToString(args[2]);
  const db = ctx.db;
  const entry = db.get(source, ctx.now);
  if (entry === undefined) throw new CommandError(Errors.noSuchKey);
  if (source === target) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  if (db.get(target, ctx.now) !== undefined && nx) {
    ctx.reply.integer(0);
    return;
  }
  // The target is replaced as a new key, not overwritten in place.
  db.delete(target);
  db.delete(source);
  db.set(target, entry);
  ctx.keyChanged(source, "g", "rename_from");
  ctx.keyChanged(target, "g", "rename_to", 0);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function rename(ctx: CommandContext, args: Uint8Array[]): void {
  renameGeneric(ctx, args, false);
}

function renamenx(ctx: CommandContext, args: Uint8Array[]): void {
  renameGeneric(ctx, args, true);
}

function copy(ctx: CommandContext, args: Uint8Array[]): void {
  const source = ctx.db;
  let target = source;
  let replace = false;
  for (let i = 3; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "replace")) replace = true;
    else if (equalsIgnoreCase(args[i], "db") && i + 1 < args.length) {
      const databases = ctx.server.keyspace.databases.length;
      target = ctx.server.keyspace.db(parseDbIndex(args[++i], databases));
    } else throw new CommandError(Errors.syntax);
  }
  const key = bytesToString(args[1]);
  const newKey = bytesToString(args[2]);
  if (source === target && key === newKey) {
    throw new CommandError(SAME_OBJECT);
  }
  const entry = ctx.readKey(key, source, true);
  if (entry === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (target.get(newKey, ctx.now) !== undefined && !replace) {
    ctx.reply.integer(0);
    return;
  }
  const duplicate = new Entry(
    entry.type,
    valueTypeOps(entry.type).copy(entry.value),
    ctx.now,
  );
  duplicate.flags = entry.flags;
  duplicate.expireAt = entry.expireAt;
  target.delete(newKey);
  target.set(newKey, duplicate);
  ctx.server.dirty++;
  ctx.server.keyChanged(target, newKey, "g", "copy_to");
  ctx.reply.integer(1);
}

function move(ctx: CommandContext, args: Uint8Array[]): void {
  const source = ctx.db;
  const keyspace = ctx.server.keyspace;
  const target = keyspace.db(parseDbIndex(args[2], keyspace.databases.length));
  if (source === target) throw new CommandError(SAME_OBJECT);
  const key = bytesToString(args[1]);
  const entry = source.get(key, ctx.now);
  if (entry === undefined || target.get(key, ctx.now) !== undefined) {
    ctx.reply.integer(0);
    return;
  }
  source.delete(key);
  target.set(key, entry);
  ctx.keyChanged(key, "g", "move_from");
  ctx.server.keyChanged(target, key, "g", "move_to");
  ctx.reply.integer(1);
}

function swapdb(ctx: CommandContext, args: Uint8Array[]): void {
  const keyspace = ctx.server.keyspace;
  const databases = keyspace.databases.length;
  const first = parseDbIndex(args[1], databases, {
    message: "ERR invalid first DB index",
  });
  const second = parseDbIndex(args[2], databases, {
    message: "ERR invalid second DB index",
  });
  if (first !== second) {
    ctx.server.databaseReplaced(keyspace.db(first), keyspace.db(second));
    ctx.server.databaseReplaced(keyspace.db(second), keyspace.db(first));
    keyspace.swap(first, second);
  }
  ctx.server.dirty++;
  ctx.reply.ok();
}

function dbsize(ctx: CommandContext): void {
  ctx.reply.integer(ctx.db.size);
}

/**
 * Validates FLUSHDB/FLUSHALL's optional SYNC or ASYNC argument; returns
 * whether the flush is lazy (ASYNC, or lazyfree-lazy-user-flush without an
 * argument).
 */
function flushIsLazy(ctx: CommandContext, args: Uint8Array[]): boolean {
  if (args.length === 1) {
    return ctx.server.config.flag("lazyfree-lazy-user-flush");
  }
  if (args.length === 2 && equalsIgnoreCase(args[1], "sync")) return false;
  if (args.length === 2 && equalsIgnoreCase(args[1], "async")) return true;
  throw new CommandError(Errors.syntax);
}

function flushdb(ctx: CommandContext, args: Uint8Array[]): void {
  // Like Redis, a lazy flush counts every key as freed lazily.
  if (flushIsLazy(ctx, args)) ctx.server.stats.lazyfreedObjects += ctx.db.size;
  const db = ctx.db;
  ctx.server.dirty += db.size;
  ctx.server.databaseReplaced(db);
  db.clear();
  ctx.server.tracking.flushed();
  // Logged even when the database was already empty, as Redis forces it.
  ctx.propagate(args);
  ctx.reply.ok();
}

function flushall(ctx: CommandContext, args: Uint8Array[]): void {
  const server = ctx.server;
  const keyspace = server.keyspace;
  if (flushIsLazy(ctx, args)) {
    server.stats.lazyfreedObjects += keyspace.totalKeys;
  }
  server.dirty += keyspace.totalKeys;
  for (const db of keyspace.databases) server.databaseReplaced(db);
  keyspace.clear();
  server.tracking.flushed();
  // Like Redis: a running BGSAVE is abandoned and, with save points, the
  // now empty dataset is saved at once (without resetting the dirty count,
  // so that FLUSHALL still reaches the AOF).
  server.rdb.abortBackgroundSave();
  if (server.config.get("save") !== "") {
    const dirty = server.dirty;
    try {
      server.rdb.save();
    } catch (error) {
      server.log.warning(`Failed saving the DB after FLUSHALL: ${error}`);
    }
    server.dirty = dirty;
  }
  server.dirty++;
  ctx.reply.ok();
}

/** OBJECT's lookup: never an access, missing keys reply null. */
function objectLookup(
  ctx: CommandContext,
  args: Uint8Array[],
): Entry | undefined {
  const entry = ctx.readKey(bytesToString(args[2]), ctx.db, false);
  if (entry === undefined) ctx.reply.nullBulk();
  return entry;
}

function isLfuPolicy(ctx: CommandContext): boolean {
  return ctx.server.config.get("maxmemory-policy").endsWith("-lfu");
}

function objectEncoding(ctx: CommandContext, args: Uint8Array[]): void {
  const entry = objectLookup(ctx, args);
  if (entry === undefined) return;
  ctx.reply.bulkString(
    valueTypeOps(entry.type).encoding(
      entry.value,
      ctx.server.config,
      entry.flags,
    ),
  );
}

/**
 * Strings holding 0-9999 are Redis's shared integer objects (refcount
 * INT_MAX in OBJECT REFCOUNT and DEBUG OBJECT).
 */
export function isSharedInteger(ctx: CommandContext, entry: Entry): boolean {
  if (entry.type !== "string") return false;
  const config = ctx.server.config;
  const policy = config.get("maxmemory-policy");
  if (
    config.number("maxmemory") !== 0 &&
    (policy.endsWith("-lru") || policy.endsWith("-lfu"))
  ) return false;
  if (
    valueTypeOps("string").encoding(entry.value, config, entry.flags) !== "int"
  ) {
    return false;
  }
  const value = parseInt64(stringValueScratch(entry));
  return value !== null && value >= 0n && value < 10000n;
}

function objectRefcount(ctx: CommandContext, args: Uint8Array[]): void {
  const entry = objectLookup(ctx, args);
  if (entry === undefined) return;
  ctx.reply.integer(isSharedInteger(ctx, entry) ? INT_MAX : 1);
}

function objectIdletime(ctx: CommandContext, args: Uint8Array[]): void {
  const entry = objectLookup(ctx, args);
  if (entry === undefined) return;
  if (isLfuPolicy(ctx)) {
    throw new CommandError(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  ctx.reply.integer(Math.floor(entry.idleMs(ctx.now) / 1000));
}

function objectFreq(ctx: CommandContext, args: Uint8Array[]): void {
  const entry = objectLookup(ctx, args);
  if (entry === undefined) return;
  if (!isLfuPolicy(ctx)) {
    throw new CommandError(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  ctx.reply.integer(entry.decayedFrequency(ctx.now));
}

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

function objectHelp(ctx: CommandContext): void {
  ctx.reply.array(OBJECT_HELP.length);
  for (const line of OBJECT_HELP) ctx.reply.simple(line);
}

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** Parses EXPIRE's NX/XX/GT/LT options with Redis's error texts. */
function parseExpireFlags(args: Uint8Array[]): number {
  let flags = 0;
  for (let i = 3; i < args.length; i++) {
    const option = args[i];
    if (equalsIgnoreCase(option, "nx")) flags |= EXPIRE_NX;
    else if (equalsIgnoreCase(option, "xx")) flags |= EXPIRE_XX;
    else if (equalsIgnoreCase(option, "gt")) flags |= EXPIRE_GT;
    else if (equalsIgnoreCase(option, "lt")) flags |= EXPIRE_LT;
    else {
      throw new CommandError(`ERR Unsupported option ${bytesToString(option)}`);
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    throw new CommandError(
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    );
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    throw new CommandError(
      "ERR GT and LT options at the same time are not compatible",
    );
  }
  return flags;
}

/** "invalid expire time in '<command>' command", named only when thrown. */
function invalidExpire(args: Uint8Array[]): CommandError {
  return new CommandError(
    Errors.invalidExpire(bytesToString(args[0]).toLowerCase()),
  );
}

/**
 * The absolute time in ms that EXPIRE and friends ask for: a number when
 * exact, else (near the 64-bit limits) a bigint with Redis's overflow checks.
 */
function expireTime(
  ctx: CommandContext,
  args: Uint8Array[],
  relative: boolean,
  seconds: boolean,
): number | bigint {
  const value = parseIntegerArgument(args[2]);
  const ms = seconds ? value * 1000 : value;
  const at = relative ? ms + ctx.now : ms;
  if (Number.isSafeInteger(ms) && Number.isSafeInteger(at)) return at;
  let when = parseInt64(args[2])!;
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) {
      throw invalidExpire(args);
    }
    when *= 1000n;
  }
  const base = relative ? BigInt(ctx.now) : 0n;
  if (when > LLONG_MAX - base) throw invalidExpire(args);
  return when + base;
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: `relative` adds the command time,
 * `seconds` converts the argument from seconds.
 */
function expireGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  relative: boolean,
  seconds: boolean,
): void {
  const flags = parseExpireFlags(args);
  const when = expireTime(ctx, args, relative, seconds);

  const key = bytesToString(args[1]);
  const db = ctx.db;
  const entry = db.get(key, ctx.now);
  if (entry === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const at = Number(when);
  const current = entry.expireAt;
  if (
    (flags & EXPIRE_NX && current !== 0) ||
    (flags & EXPIRE_XX && current === 0) ||
    (flags & EXPIRE_GT && (current === 0 || at <= current)) ||
    (flags & EXPIRE_LT && current !== 0 && at >= current)
  ) {
    ctx.reply.integer(0);
    return;
  }
  if (ctx.alreadyExpired(at)) {
    db.delete(key);
    ctx.keyChanged(key, "g", "del");
    const lazy = ctx.server.config.flag("lazyfree-lazy-expire");
    ctx.propagate([lazy ? "UNLINK" : "DEL", args[1]]);
  } else {
    db.setExpire(key, entry, at);
    ctx.keyChanged(key, "g", "expire");
    // Replayed later, a relative time would mean another instant.
    if (relative || seconds) {
      ctx.propagate(["PEXPIREAT", args[1], String(when), ...args.slice(3)]);
    }
  }
  ctx.reply.integer(1);
}

function expire(ctx: CommandContext, args: Uint8Array[]): void {
  expireGeneric(ctx, args, true, true);
}

function pexpire(ctx: CommandContext, args: Uint8Array[]): void {
  expireGeneric(ctx, args, true, false);
}

function expireat(ctx: CommandContext, args: Uint8Array[]): void {
  expireGeneric(ctx, args, false, true);
}

function pexpireat(ctx: CommandContext, args: Uint8Array[]): void {
  expireGeneric(ctx, args, false, false);
}

/**
 * TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a missing key, -1 without
 * expiry; seconds are rounded to the nearest, as Redis does.
 */
function ttlGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  milliseconds: boolean,
  absolute: boolean,
): void {
  const entry = ctx.readValue(bytesToString(args[1]), ctx.db, false);
  if (entry === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  if (typeof entry === "string" || entry.expireAt === 0) {
    ctx.reply.integer(-1);
    return;
  }
  const ttl = Math.max(0, absolute ? entry.expireAt : entry.expireAt - ctx.now);
  if (!milliseconds) ctx.reply.integer(Math.floor((ttl + 500) / 1000));
  // A time near 2^63 - 1 rounds up to 2^63 as a double: keep it in range.
  else if (ttl >= 2 ** 63) ctx.reply.integer(LLONG_MAX);
  else ctx.reply.integer(ttl);
}

function ttl(ctx: CommandContext, args: Uint8Array[]): void {
  ttlGeneric(ctx, args, false, false);
}

function pttl(ctx: CommandContext, args: Uint8Array[]): void {
  ttlGeneric(ctx, args, true, false);
}

function expiretime(ctx: CommandContext, args: Uint8Array[]): void {
  ttlGeneric(ctx, args, false, true);
}

function pexpiretime(ctx: CommandContext, args: Uint8Array[]): void {
  ttlGeneric(ctx, args, true, true);
}

function persist(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const db = ctx.db;
  const entry = db.lookup(key, ctx.now);
  if (
    entry === undefined || typeof entry === "string" || entry.expireAt === 0
  ) {
    ctx.reply.integer(0);
    return;
  }
  db.setExpire(key, entry, 0);
  ctx.keyChanged(key, "g", "persist");
  ctx.reply.integer(1);
}

/** Metadata that only some keyspace commands have. */
interface KeyCommandExtras {
  /** Flags of the command's single index+range key spec. */
  readonly keyFlags?: readonly KeySpecFlag[];
  /** Key specs of commands with more than one. */
  readonly keySpecs?: readonly KeySpec[];
  /** ACL categories besides @keyspace. */
  readonly categories?: readonly string[];
  /** COMMAND DOCS group, when not "generic". */
  readonly group?: string;
  readonly tips?: readonly string[];
  readonly history?: CommandSpec["history"];
}

/** Keyspace and expiry commands. */
export const KEY_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "del",
    arity: -2,
    flags: ["write"],
    keySpecs: [keyRange(["RM", "delete"], 1, { lastKey: -1 })],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Removes one or more keys.",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    handler: del,
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
  }),
  defineCommand({
    name: "unlink",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RM", "delete"], 1, { lastKey: -1 })],
    categories: ["keyspace"],
    group: "generic",
    since: "4.0.0",
    summary:
      "Removes one or more keys, freeing their memory in the background.",
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    handler: del,
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
  }),
  defineCommand({
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1, { lastKey: -1 })],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Counts how many of the given keys exist.",
    complexity: "O(N) where N is the number of keys to check.",
    handler: exists,
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
  }),
  defineCommand({
    name: "touch",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1, { lastKey: -1 })],
    categories: ["keyspace"],
    group: "generic",
    since: "3.2.1",
    summary: "Marks keys as accessed and counts how many of them exist.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    handler: touch,
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
  }),
  defineCommand({
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Reports the type of the value stored at a key.",
    complexity: "O(1)",
    handler: type,
  }),
  defineCommand({
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    categories: ["keyspace", "dangerous"],
    group: "generic",
    since: "1.0.0",
    summary: "Lists every key matching a glob pattern.",
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    handler: keys,
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
  }),
  defineCommand({
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    categories: ["keyspace"],
    group: "generic",
    since: "2.8.0",
    summary: "Walks the keys of the database a batch at a time.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    handler: scan,
    tips: ["nondeterministic_output", "request_policy:special"],
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
  }),
  defineCommand({
    name: "randomkey",
    arity: 1,
    flags: ["readonly"],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Picks a random key of the database.",
    complexity: "O(1)",
    handler: randomkey,
    tips: ["request_policy:all_shards", "nondeterministic_output"],
  }),
  defineCommand({
    name: "rename",
    arity: 3,
    flags: ["write"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["OW", "update"], 2),
    ],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Gives a key a new name, replacing any key that had that name.",
    complexity: "O(1)",
    handler: rename,
  }),
  defineCommand({
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    keySpecs: [
      keyRange(["RW", "access", "delete"], 1),
      keyRange(["OW", "insert"], 2),
    ],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Gives a key a new name only when no key has that name yet.",
    complexity: "O(1)",
    handler: renamenx,
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
  }),
  defineCommand({
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RO", "access"], 1), keyRange(["OW", "update"], 2)],
    categories: ["keyspace"],
    group: "generic",
    since: "6.2.0",
    summary:
      "Duplicates the value of a key under another name, optionally in another database.",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    handler: copy,
    crossDatabase: true,
  }),
  defineCommand({
    name: "move",
    arity: 3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Transfers a key to another database.",
    complexity: "O(1)",
    handler: move,
    crossDatabase: true,
  }),
  defineCommand({
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    categories: ["keyspace", "dangerous"],
    group: "server",
    since: "4.0.0",
    summary: "Exchanges the contents of two databases.",
    complexity:
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    handler: swapdb,
    crossDatabase: true,
  }),
  defineCommand({
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    categories: ["keyspace"],
    group: "server",
    since: "1.0.0",
    summary: "Counts the keys of the selected database.",
    complexity: "O(1)",
    handler: dbsize,
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
  }),
  defineCommand({
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    categories: ["keyspace", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Deletes every key of the selected database.",
    complexity: "O(N) where N is the number of keys in the selected database",
    handler: flushdb,
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    history: [["4.0.0", "Added the `ASYNC` flushing mode modifier."], [
      "6.2.0",
      "Added the `SYNC` flushing mode modifier.",
    ]],
  }),
  defineCommand({
    name: "flushall",
    arity: -1,
    flags: ["write"],
    categories: ["keyspace", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Deletes every key of every database.",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: flushall,
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    history: [["4.0.0", "Added the `ASYNC` flushing mode modifier."], [
      "6.2.0",
      "Added the `SYNC` flushing mode modifier.",
    ]],
    crossDatabase: true,
  }),
  defineCommand({
    name: "object",
    arity: -2,
    group: "generic",
    since: "2.2.3",
    summary: "Inspects the internal representation of values.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "freq",
        arity: 3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO"], 2)],
        categories: ["keyspace"],
        group: "generic",
        since: "4.0.0",
        summary: "Reports the logarithmic access frequency counter of a key.",
        complexity: "O(1)",
        handler: objectFreq,
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        categories: ["keyspace"],
        group: "generic",
        since: "6.2.0",
        summary: "Lists the OBJECT subcommands.",
        complexity: "O(1)",
        handler: objectHelp,
      }),
      defineCommand({
        name: "encoding",
        arity: 3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO"], 2)],
        categories: ["keyspace"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports how the value of a key is stored internally.",
        complexity: "O(1)",
        handler: objectEncoding,
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        name: "idletime",
        arity: 3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO"], 2)],
        categories: ["keyspace"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports the seconds since a key was last accessed.",
        complexity: "O(1)",
        handler: objectIdletime,
        tips: ["nondeterministic_output"],
      }),
      defineCommand({
        name: "refcount",
        arity: 3,
        flags: ["readonly"],
        keySpecs: [keyRange(["RO"], 2)],
        categories: ["keyspace"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports how many references the value of a key has.",
        complexity: "O(1)",
        handler: objectRefcount,
        tips: ["nondeterministic_output"],
      }),
    ],
  }),
  defineCommand({
    name: "expire",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Gives a key a time to live in seconds.",
    complexity: "O(1)",
    handler: expire,
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
  }),
  defineCommand({
    name: "pexpire",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "2.6.0",
    summary: "Gives a key a time to live in milliseconds.",
    complexity: "O(1)",
    handler: pexpire,
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
  }),
  defineCommand({
    name: "expireat",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "1.2.0",
    summary: "Makes a key expire at a Unix time in seconds.",
    complexity: "O(1)",
    handler: expireat,
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
  }),
  defineCommand({
    name: "pexpireat",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "2.6.0",
    summary: "Makes a key expire at a Unix time in milliseconds.",
    complexity: "O(1)",
    handler: pexpireat,
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
  }),
  defineCommand({
    name: "ttl",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "1.0.0",
    summary: "Reports the remaining time to live of a key in seconds.",
    complexity: "O(1)",
    handler: ttl,
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
  }),
  defineCommand({
    name: "pttl",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "2.6.0",
    summary: "Reports the remaining time to live of a key in milliseconds.",
    complexity: "O(1)",
    handler: pttl,
    tips: ["nondeterministic_output"],
    history: [["2.8.0", "Added the -2 reply."]],
  }),
  defineCommand({
    name: "expiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "7.0.0",
    summary: "Reports the Unix time in seconds at which a key expires.",
    complexity: "O(1)",
    handler: expiretime,
  }),
  defineCommand({
    name: "pexpiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "7.0.0",
    summary: "Reports the Unix time in milliseconds at which a key expires.",
    complexity: "O(1)",
    handler: pexpiretime,
  }),
  defineCommand({
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["keyspace"],
    group: "generic",
    since: "2.2.0",
    summary: "Removes the expiry time of a key.",
    complexity: "O(1)",
    handler: persist,
  }),
];
