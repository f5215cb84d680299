/**
 * The string type: values are bytes, held as a binary string (one char
 * per byte) up to 44 bytes and as a byte array beyond. Commands: GET, SET, SETNX, SETEX,
 * PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN,
 * GETRANGE, SUBSTR, SETRANGE, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, LCS.
 *
 * APPEND and SETRANGE grow a value in place inside spare capacity of a buffer
 * the entry owns (flag STRING_OWNED), which keeps them amortised O(1) like
 * Redis's sds strings. Code that stores or queues a reference to a string
 * value beyond the current command must copy it, and code that replaces a
 * string entry's value must also reset its flags (as setStringValue does).
 *
 * @module
 */

import {
  parseIntegerArgument,
  parseLongDoubleArgument,
} from "../commands/arguments.ts";
import { defineCommand, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec, KeyReference } from "../commands/spec.ts";
import { Entry, itemType, type StoredItem } from "../store/database.ts";
import { bytesBytes, stringBytes } from "../store/memory_usage.ts";
import {
  compactString,
  EMBSTR_SIZE_LIMIT,
  scratchValueBytes,
  type StringValue,
  valueBytes,
} from "../store/string_value.ts";
import { registerValueType } from "../store/value_types.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
} from "../util/bytes.ts";
import {
  addLongDouble,
  formatLongDouble,
  LLONG_MAX,
  LLONG_MIN,
  parseInt64,
  parseInteger,
  parseIntegerText,
} from "../util/numbers.ts";

/** Entry flag: Redis would hold the value "raw" (modified in place). */
export const STRING_RAW = 1;
/**
 * Entry flag: the value is held as text even if it looks like an integer
 * (INCRBYFLOAT results), so OBJECT ENCODING says embstr/raw, not int.
 */
const STRING_NOT_INT = 2;
/**
 * Entry flag: the value is a prefix of a buffer allocated for this entry
 * alone; the bytes after it are free capacity.
 */
export const STRING_OWNED = 4;

/** The bytes of a string entry's value (a fresh array for a short one). */
export function stringValueBytes(entry: Entry): Uint8Array {
  return valueBytes(entry.value as StringValue);
}

/**
 * The bytes of a string entry's value, to be read at once: a short one's
 * are in a shared buffer valid until the next call (see scratchBytes).
 */
export function stringValueScratch(entry: Entry): Uint8Array {
  return scratchValueBytes(entry.value as StringValue);
}

/** sds stops doubling its capacity beyond this size (SDS_MAX_PREALLOC). */
const MAX_PREALLOC = 1024 * 1024;
/** Replies this large are queued by reference by the ReplyWriter. */
const REFERENCED_REPLY = 64 * 1024;

const STRING_TOO_LONG =
  "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/**
 * The encoding Redis would report for a string value with the given entry
 * flags: "int" for a string2l-style integer of at most 20 characters,
 * "embstr" up to 44 bytes, "raw" otherwise or once modified in place.
 */
function stringEncoding(value: StringValue, flags: number): string {
  if (flags & STRING_RAW) return "raw";
  if (
    !(flags & STRING_NOT_INT) && parseInteger(scratchValueBytes(value)) !== null
  ) {
    return "int";
  }
  return value.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

registerValueType("string", {
  copy: (value) =>
    typeof value === "string" ? value : (value as Uint8Array).slice(),
  memoryBytes: (value) =>
    typeof value === "string"
      ? stringBytes(value.length)
      : bytesBytes(value as Uint8Array),
  encoding: (value, _config, flags) =>
    stringEncoding(value as StringValue, flags),
});

/**
 * The string value at `key`, null when missing, counted as a read lookup
 * (keyspace hit or miss); throws WRONGTYPE for other types.
 */
export function readString(
  ctx: CommandContext,
  key: string,
): Uint8Array | null {
  const value = readStringValue(ctx, key);
  return value === null ? null : valueBytes(value);
}

/** Like {@linkcode readString}, in whichever form the value is held. */
function readStringValue(ctx: CommandContext, key: string): StringValue | null {
  const item = ctx.readValue(key);
  if (item === undefined) return null;
  return storedString(item);
}

/** The string value of a stored item; throws WRONGTYPE for other types. */
function storedString(item: StoredItem): StringValue {
  if (typeof item === "string") return item;
  if (item.type !== "string") throw new CommandError(Errors.wrongType);
  return item.value as StringValue;
}

/** Options of {@linkcode storeString}. */
export interface StoreStringOptions {
  /** Absolute expiry time in ms, or 0 (the default) for none. */
  expireAt?: number;
  /** Entry flags; with STRING_OWNED the bytes are kept as given. */
  flags?: number;
}

/** Stores a string value, replacing whatever `key` held (and its TTL). */
export function storeString(
  ctx: CommandContext,
  key: string,
  value: StringValue,
  options: StoreStringOptions = {},
): Entry {
  const flags = options.flags ?? 0;
  const entry = new Entry("string", held(value, flags), ctx.now);
  entry.expireAt = options.expireAt ?? 0;
  entry.flags = flags;
  ctx.db.set(key, entry);
  return entry;
}

/**
 * Stores a string value as SET does, with no expiry or flags: a short one
 * as a plain string, which costs no entry (see Database.setString).
 */
export function storeValue(
  ctx: CommandContext,
  key: string,
  value: StringValue,
): void {
  if (value.length > EMBSTR_SIZE_LIMIT) storeString(ctx, key, value);
  else {
    const text = typeof value === "string" ? value : bytesToString(value);
    ctx.db.setString(key, text, ctx.now);
  }
}

function held(value: StringValue, flags: number): StringValue {
  return typeof value === "string" || flags & STRING_OWNED
    ? value
    : compactString(value);
}

/**
 * SET over an existing string: the entry is reused, as if replaced (new
 * value and expiry, access time now; SCAN position and LFU counter kept,
 * as Database.set keeps them), which saves an allocation and two lookups.
 * The dispatcher's snapshot hook has saved the old value already, and the
 * caller's keyChanged re-accounts the key's memory.
 */
function overwriteString(
  ctx: CommandContext,
  key: string,
  entry: Entry,
  value: Uint8Array,
  expireAt: number,
): void {
  setStringValue(entry, value);
  ctx.db.setExpire(key, entry, expireAt);
  entry.rewritten(ctx.now);
}

/** Replaces the value of an existing string entry, keeping its TTL. */
export function setStringValue(
  entry: Entry,
  value: StringValue,
  flags = 0,
): void {
  entry.value = held(value, flags);
  entry.flags = flags;
}

/**
 * Makes a string entry's value at least `length` bytes long (zero-padded)
 * and writable in place, as Redis's dbUnshareStringValue plus sdsgrowzero
 * do; the value becomes "raw". Capacity grows geometrically, so repeated
 * growth is amortised O(1) per added byte. Returns the new value.
 */
export function growString(entry: Entry, length: number): Uint8Array {
  const old = stringValueBytes(entry);
  const size = Math.max(old.length, length);
  let value: Uint8Array;
  if (
    entry.flags & STRING_OWNED && old.byteOffset === 0 &&
    old.buffer.byteLength >= size
  ) {
    value = new Uint8Array(old.buffer, 0, size);
    value.fill(0, old.length);
  } else {
    // A new value gets its exact size, a growing one spare room (like sds).
    let capacity = size;
    if (old.length > 0) {
      capacity = size < MAX_PREALLOC ? size * 2 : size + MAX_PREALLOC;
    }
    value = new Uint8Array(capacity).subarray(0, size);
    value.set(old);
  }
  setStringValue(entry, value, STRING_RAW | STRING_OWNED);
  return value;
}

/**
 * Replies with a stored string value. Large values are copied because the
 * reply writer would otherwise keep a reference that APPEND or SETRANGE
 * could change before it is sent.
 */
function replyValue(ctx: CommandContext, value: StringValue): void {
  if (typeof value === "string") ctx.reply.bulkString(value);
  else ctx.reply.bulk(value.length >= REFERENCED_REPLY ? value.slice() : value);
}

/** The C string an option argument stands for: Redis compares up to a NUL. */
export function cString(arg: Uint8Array): Uint8Array {
  const nul = arg.indexOf(0);
  return nul < 0 ? arg : arg.subarray(0, nul);
}

/**
 * Converts an EX/PX/EXAT/PXAT argument to an absolute time in ms, with
 * Redis's checks. `unitMs` is 1000 for seconds; `relative` adds the current
 * time. Throws "invalid expire time in '<command>' command" like Redis.
 * Near the 64-bit limit the time is a bigint, so that the command logged
 * for it stays exact (a double would round 2^63 - 1 up, out of range).
 */
function expireArgumentToMs(
  ctx: CommandContext,
  arg: Uint8Array,
  unitMs: number,
  relative: boolean,
  command: string,
): number | bigint {
  const value = parseIntegerArgument(arg);
  if (value <= 0) throw new CommandError(Errors.invalidExpire(command));
  if (Number.isSafeInteger(value * unitMs + ctx.now)) {
    return relative ? value * unitMs + ctx.now : value * unitMs;
  }
  // Near the 64-bit limit: decide overflow exactly.
  let ms = parseInt64(arg)!;
  if (unitMs === 1000 && ms > LLONG_MAX / 1000n) {
    throw new CommandError(Errors.invalidExpire(command));
  }
  ms *= BigInt(unitMs);
  if (relative) {
    ms += BigInt(ctx.now);
    if (ms > LLONG_MAX) throw new CommandError(Errors.invalidExpire(command));
  }
  return ms;
}

function get(ctx: CommandContext, args: Uint8Array[]): void {
  const value = readStringValue(ctx, bytesToString(args[1]));
  if (value === null) ctx.reply.nullBulk();
  else replyValue(ctx, value);
}

const OPT_NX = 1;
const OPT_XX = 2;
const OPT_GET = 4;
const OPT_KEEPTTL = 8;
const OPT_PERSIST = 16;
const OPT_EX = 32;
const OPT_PX = 64;
const OPT_EXAT = 128;
const OPT_PXAT = 256;
const OPT_EXPIRE = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT;

/** Options of SET (`forSet`) or GETEX, parsed as Redis's parser does. */
interface StringOptions {
  flags: number;
  expire: Uint8Array | null;
}

/**
 * Parses SET/GETEX options. Like Redis, an expire option may repeat (the
 * last one wins) but not mix with another kind, and NX/XX/GET/KEEPTTL are
 * SET-only while PERSIST is GETEX-only.
 */
function parseStringOptions(
  args: Uint8Array[],
  start: number,
  forSet: boolean,
): StringOptions {
  let flags = 0;
  let expire: Uint8Array | null = null;
  for (let i = start; i < args.length; i++) {
    const option = cString(args[i]);
    const hasNext = i + 1 < args.length;
    if (forSet && equalsIgnoreCase(option, "nx") && !(flags & OPT_XX)) {
      flags |= OPT_NX;
    } else if (forSet && equalsIgnoreCase(option, "xx") && !(flags & OPT_NX)) {
      flags |= OPT_XX;
    } else if (forSet && equalsIgnoreCase(option, "get")) {
      flags |= OPT_GET;
    } else if (
      forSet && equalsIgnoreCase(option, "keepttl") &&
      !(flags & (OPT_PERSIST | OPT_EXPIRE))
    ) {
      flags |= OPT_KEEPTTL;
    } else if (
      !forSet && equalsIgnoreCase(option, "persist") &&
      !(flags & (OPT_EXPIRE | OPT_KEEPTTL))
    ) {
      flags |= OPT_PERSIST;
    } else {
      let kind = 0;
      if (equalsIgnoreCase(option, "ex")) kind = OPT_EX;
      else if (equalsIgnoreCase(option, "px")) kind = OPT_PX;
      else if (equalsIgnoreCase(option, "exat")) kind = OPT_EXAT;
      else if (equalsIgnoreCase(option, "pxat")) kind = OPT_PXAT;
      const conflicts = OPT_KEEPTTL | OPT_PERSIST | (OPT_EXPIRE & ~kind);
      if (kind === 0 || !hasNext || flags & conflicts) {
        throw new CommandError(Errors.syntax);
      }
      flags |= kind;
      expire = args[++i];
    }
  }
  return { flags, expire };
}

/** The absolute expiry time an EX/PX/EXAT/PXAT option asks for. */
function optionExpireMs(
  ctx: CommandContext,
  options: StringOptions,
  command: string,
): number | bigint {
  const flags = options.flags;
  const unitMs = flags & (OPT_EX | OPT_EXAT) ? 1000 : 1;
  const relative = (flags & (OPT_EX | OPT_PX)) !== 0;
  return expireArgumentToMs(ctx, options.expire!, unitMs, relative, command);
}

/**
 * The core of SET, SETNX, SETEX and PSETEX (Redis's setGenericCommand).
 * Replies OK / null for a stored / skipped value, or 1 / 0 with
 * `integerReply` (SETNX).
 */
function setGeneric(
  ctx: CommandContext,
  options: StringOptions,
  keyArg: Uint8Array,
  value: Uint8Array,
  command: string,
  integerReply = false,
): void {
  const key = bytesToString(keyArg);
  const flags = options.flags;
  const when = options.expire === null
    ? 0
    : optionExpireMs(ctx, options, command);
  const expireAt = Number(when);
  const db = ctx.db;
  const old = flags & OPT_GET ? ctx.readValue(key) : db.lookup(key, ctx.now);
  if (flags & OPT_GET) {
    if (old === undefined) ctx.reply.nullBulk();
    else replyValue(ctx, storedString(old));
  }
  if ((flags & OPT_NX && old !== undefined) || (flags & OPT_XX && !old)) {
    if (flags & OPT_GET) return;
    if (integerReply) ctx.reply.integer(0);
    else ctx.reply.nullBulk();
    return;
  }
  const oldEntry = typeof old === "string" ? undefined : old;
  const keptExpire = flags & OPT_KEEPTTL && oldEntry !== undefined
    ? oldEntry.expireAt
    : 0;
  const newExpire = options.expire === null ? keptExpire : expireAt;
  if (newExpire === 0 && value.length <= EMBSTR_SIZE_LIMIT) {
    storeValue(ctx, key, value);
  } else if (oldEntry !== undefined && oldEntry.type === "string") {
    overwriteString(ctx, key, oldEntry, value, newExpire);
  } else storeString(ctx, key, value, { expireAt: newExpire });
  ctx.keyChanged(key, "$", "set");
  if (options.expire !== null) {
    ctx.server.keyChanged(db, key, "g", "expire");
    // Relative times would replay differently: log an absolute one.
    ctx.propagate(["SET", keyArg, value, "PXAT", String(when)]);
  }
  if (flags & OPT_GET) return;
  if (integerReply) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function set(ctx: CommandContext, args: Uint8Array[]): void {
  const options = parseStringOptions(args, 3, true);
  setGeneric(
    ctx,
    options,
    args[1],
    args[2],
    "set",
  );
}

function setnx(ctx: CommandContext, args: Uint8Array[]): void {
  setGeneric(
    ctx,
    { flags: OPT_NX, expire: null },
    args[1],
    args[2],
    "setnx",
    true,
  );
}

function setex(ctx: CommandContext, args: Uint8Array[]): void {
  setGeneric(
    ctx,
    { flags: OPT_EX, expire: args[2] },
    args[1],
    args[3],
    "setex",
  );
}

function psetex(ctx: CommandContext, args: Uint8Array[]): void {
  setGeneric(
    ctx,
    { flags: OPT_PX, expire: args[2] },
    args[1],
    args[3],
    "psetex",
  );
}

function getset(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const old = readStringValue(ctx, key);
  if (old === null) ctx.reply.nullBulk();
  else replyValue(ctx, old);
  storeValue(ctx, key, args[2]);
  ctx.keyChanged(key, "$", "set");
}

function getdel(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const value = readStringValue(ctx, key);
  if (value === null) {
    ctx.reply.nullBulk();
    return;
  }
  replyValue(ctx, value);
  ctx.db.delete(key);
  ctx.keyChanged(key, "g", "del");
  ctx.propagate(["DEL", args[1]]);
}

function getex(ctx: CommandContext, args: Uint8Array[]): void {
  const options = parseStringOptions(args, 2, false);
  const key = bytesToString(args[1]);
  const db = ctx.db;
  const entry = ctx.readKey(key);
  if (entry === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  if (entry.type !== "string") throw new CommandError(Errors.wrongType);
  const flags = options.flags;
  const when = options.expire === null
    ? 0
    : optionExpireMs(ctx, options, "getex");
  const expireAt = Number(when);
  replyValue(ctx, entry.value as StringValue);
  if (flags & (OPT_EXAT | OPT_PXAT) && ctx.alreadyExpired(expireAt)) {
    db.delete(key);
    ctx.keyChanged(key, "g", "del");
    ctx.propagate(["DEL", args[1]]);
  } else if (options.expire !== null) {
    db.setExpire(key, entry, expireAt);
    ctx.keyChanged(key, "g", "expire");
    ctx.propagate(["PEXPIREAT", args[1], String(when)]);
  } else if (flags & OPT_PERSIST && entry.expireAt !== 0) {
    db.setExpire(key, entry, 0);
    ctx.keyChanged(key, "g", "persist");
    ctx.propagate(["PERSIST", args[1]]);
  }
}

function mget(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.array(args.length - 1);
  for (let i = 1; i < args.length; i++) {
    const item = ctx.readValue(bytesToString(args[i]));
    if (item === undefined || itemType(item) !== "string") ctx.reply.nullBulk();
    else replyValue(ctx, storedString(item));
  }
}

function msetGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  onlyIfNoneExists: boolean,
): boolean {
  if (args.length % 2 === 0) {
    throw new CommandError(
      Errors.wrongArity(onlyIfNoneExists ? "msetnx" : "mset"),
    );
  }
  if (onlyIfNoneExists) {
    for (let i = 1; i < args.length; i += 2) {
      if (ctx.db.has(bytesToString(args[i]), ctx.now)) return false;
    }
  }
  for (let i = 1; i < args.length; i += 2) {
    const key = bytesToString(args[i]);
    storeValue(ctx, key, args[i + 1]);
    ctx.keyChanged(key, "$", "set");
  }
  return true;
}

function mset(ctx: CommandContext, args: Uint8Array[]): void {
  msetGeneric(ctx, args, false);
  ctx.reply.ok();
}

function msetnx(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.integer(msetGeneric(ctx, args, true) ? 1 : 0);
}

/** Fails like Redis's checkStringLength when a result would be too long. */
function checkStringLength(ctx: CommandContext, length: number): void {
  if (length > ctx.server.config.number("proto-max-bulk-len")) {
    throw new CommandError(STRING_TOO_LONG);
  }
}

function append(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const entry = ctx.db.get(key, ctx.now);
  const suffix = args[2];
  let length: number;
  if (entry === undefined) {
    storeValue(ctx, key, suffix);
    length = suffix.length;
  } else {
    if (entry.type !== "string") throw new CommandError(Errors.wrongType);
    const start = (entry.value as StringValue).length;
    length = start + suffix.length;
    checkStringLength(ctx, length);
    growString(entry, length).set(suffix, start);
  }
  ctx.keyChanged(key, "$", "append");
  ctx.reply.integer(length);
}

function strlen(ctx: CommandContext, args: Uint8Array[]): void {
  const value = readStringValue(ctx, bytesToString(args[1]));
  ctx.reply.integer(value === null ? 0 : value.length);
}

const EMPTY = new Uint8Array(0);

function getrange(ctx: CommandContext, args: Uint8Array[]): void {
  let start = parseIntegerArgument(args[2]);
  let end = parseIntegerArgument(args[3]);
  const value = readStringValue(ctx, bytesToString(args[1]));
  if (value === null || (start < 0 && end < 0 && start > end)) {
    ctx.reply.bulk(EMPTY);
    return;
  }
  const length = value.length;
  if (start < 0) start = Math.max(0, length + start);
  if (end < 0) end = Math.max(0, length + end);
  if (end >= length) end = length - 1;
  if (start > end || length === 0) ctx.reply.bulk(EMPTY);
  else if (typeof value === "string") {
    replyValue(ctx, value.slice(start, end + 1));
  } else replyValue(ctx, value.subarray(start, end + 1));
}

function setrange(ctx: CommandContext, args: Uint8Array[]): void {
  const offset = parseIntegerArgument(args[2], {
    min: 0,
    rangeMessage: "ERR offset is out of range",
  });
  const key = bytesToString(args[1]);
  const patch = args[3];
  let entry = ctx.db.get(key, ctx.now);
  if (entry === undefined) {
    if (patch.length === 0) {
      ctx.reply.integer(0);
      return;
    }
    checkStringLength(ctx, offset + patch.length);
    entry = storeString(ctx, key, EMPTY);
  } else {
    if (entry.type !== "string") throw new CommandError(Errors.wrongType);
    if (patch.length === 0) {
      ctx.reply.integer((entry.value as StringValue).length);
      return;
    }
    checkStringLength(ctx, offset + patch.length);
  }
  const value = growString(entry, offset + patch.length);
  value.set(patch, offset);
  ctx.keyChanged(key, "$", "setrange");
  ctx.reply.integer(value.length);
}

/** Numbers up to this size add exactly as doubles. */
const SAFE_OPERAND = 2 ** 52;

/**
 * INCR/DECR/INCRBY/DECRBY: adds `increment` (a number when small, else a
 * bigint) to the integer at `key` with Redis's overflow check. The result
 * keeps the key's TTL and is held as an integer (OBJECT ENCODING "int").
 */
function incrDecr(
  ctx: CommandContext,
  keyArg: Uint8Array,
  increment: number | bigint,
): void {
  const key = bytesToString(keyArg);
  const item = ctx.db.lookup(key, ctx.now);
  const value = item === undefined ? undefined : storedString(item);
  const current = value === undefined ? 0 : integerValue(value);
  let result: number | bigint;
  if (
    typeof increment === "number" && Math.abs(increment) <= SAFE_OPERAND &&
    Math.abs(current) <= SAFE_OPERAND
  ) {
    result = current + increment;
  } else {
    const old = Math.abs(current) <= SAFE_OPERAND
      ? BigInt(current)
      : parseInt64(scratchValueBytes(value!))!;
    const incr = BigInt(increment);
    if (
      (incr < 0n && old < 0n && incr < LLONG_MIN - old) ||
      (incr > 0n && old > 0n && incr > LLONG_MAX - old)
    ) throw new CommandError(Errors.overflow);
    result = old + incr;
  }
  const text = String(result);
  // An entry keeps its expiry; a new or plain key stays without an entry.
  if (item === undefined || typeof item === "string") {
    ctx.db.setString(key, text, ctx.now);
  } else setStringValue(item, text);
  ctx.keyChanged(key, "$", "incrby");
  ctx.reply.integerDecimal(text);
}

/** The integer a string value holds, or Redis's "not an integer" error. */
function integerValue(value: StringValue): number {
  const parsed = typeof value === "string"
    ? parseIntegerText(value)
    : parseInteger(value);
  if (parsed === null) throw new CommandError(Errors.notInteger);
  return parsed;
}

/** An INCRBY/DECRBY increment: a number when exact, else a bigint. */
function parseIncrement(arg: Uint8Array): number | bigint {
  const value = parseIntegerArgument(arg);
  return Math.abs(value) <= SAFE_OPERAND ? value : parseInt64(arg)!;
}

function incr(ctx: CommandContext, args: Uint8Array[]): void {
  incrDecr(ctx, args[1], 1);
}

function decr(ctx: CommandContext, args: Uint8Array[]): void {
  incrDecr(ctx, args[1], -1);
}

function incrby(ctx: CommandContext, args: Uint8Array[]): void {
  incrDecr(ctx, args[1], parseIncrement(args[2]));
}

function decrby(ctx: CommandContext, args: Uint8Array[]): void {
  const increment = parseIncrement(args[2]);
  if (increment === LLONG_MIN) {
    throw new CommandError("ERR decrement would overflow");
  }
  incrDecr(ctx, args[1], -increment);
}

function incrbyfloat(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const entry = ctx.db.get(key, ctx.now);
  if (entry !== undefined && entry.type !== "string") {
    throw new CommandError(Errors.wrongType);
  }
  const current = parseLongDoubleArgument(
    entry === undefined ? ZERO_TEXT : stringValueScratch(entry),
  );
  const increment = parseLongDoubleArgument(args[2]);
  const sum = addLongDouble(current, increment);
  if (sum.kind !== "finite") {
    throw new CommandError("ERR increment would produce NaN or Infinity");
  }
  const bytes = stringToBytes(formatLongDouble(sum));
  if (entry === undefined) {
    storeString(ctx, key, bytes, { flags: STRING_NOT_INT });
  } else setStringValue(entry, bytes, STRING_NOT_INT);
  ctx.keyChanged(key, "$", "incrbyfloat");
  // Replaying the float arithmetic could round differently: log the result.
  ctx.propagate(["SET", args[1], bytes, "KEEPTTL"]);
  ctx.reply.bulk(bytes);
}

const ZERO_TEXT = stringToBytes("0");

function lcs(ctx: CommandContext, args: Uint8Array[]): void {
  const entryA = ctx.readKey(bytesToString(args[1]));
  const entryB = ctx.readKey(bytesToString(args[2]));
  if (
    (entryA !== undefined && entryA.type !== "string") ||
    (entryB !== undefined && entryB.type !== "string")
  ) {
    throw new CommandError(
      "ERR The specified keys must contain string values",
    );
  }
  const a = entryA === undefined ? EMPTY : stringValueBytes(entryA);
  const b = entryB === undefined ? EMPTY : stringValueBytes(entryB);
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < args.length; i++) {
    const option = cString(args[i]);
    if (equalsIgnoreCase(option, "idx")) getIdx = true;
    else if (equalsIgnoreCase(option, "len")) getLen = true;
    else if (equalsIgnoreCase(option, "withmatchlen")) withMatchLen = true;
    else if (
      equalsIgnoreCase(option, "minmatchlen") && i + 1 < args.length
    ) {
      minMatchLen = Math.max(0, parseIntegerArgument(args[++i]));
    } else throw new CommandError(Errors.syntax);
  }
  if (getIdx && getLen) {
    throw new CommandError(
      "ERR If you want both the length and indexes, please just use IDX.",
    );
  }
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  const cells = (alen + 1) * width;
  if (cells * 4 > ctx.server.config.number("proto-max-bulk-len")) {
    throw new CommandError(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  // table[i * width + j] = LCS length of a[0..i) and b[0..j).
  const table = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * width;
    const above = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) table[row + j] = table[above + j - 1] + 1;
      else {
        const up = table[above + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * width + blen];
  if (getLen) {
    ctx.reply.integer(total);
    return;
  }
  // Walk back from the end, collecting the LCS and its matching ranges.
  const result = new Uint8Array(total);
  const ranges: number[][] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[--idx] = a[i - 1];
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) {
        ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      }
      aStart = -1;
    }
  }
  if (!getIdx) {
    ctx.reply.bulk(result);
    return;
  }
  const reply = ctx.reply;
  reply.map(2);
  reply.bulkString("matches");
  reply.array(ranges.length);
  for (const [as, ae, bs, be, matchLen] of ranges) {
    reply.array(withMatchLen ? 3 : 2);
    reply.array(2);
    reply.integer(as);
    reply.integer(ae);
    reply.array(2);
    reply.integer(bs);
    reply.integer(be);
    if (withMatchLen) reply.integer(matchLen);
  }
  reply.bulkString("len");
  reply.integer(total);
}

/** Optional metadata of a string command: key spec notes, tips, docs. */
type CommandExtras =
  & { readonly notes?: string }
  & Pick<
    CommandSpec,
    "tips" | "history" | "docFlags" | "deprecatedSince" | "replacedBy"
  >;

/**
 * SET's keys as Redis's setGetKeys gives them: with GET the key is read
 * too (RW access update), otherwise only overwritten (OW update).
 */
function setKeys(args: readonly Uint8Array[]): KeyReference[] {
  for (let i = 3; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "get")) {
      return [{ index: 1, flags: ["RW", "access", "update"] }];
    }
  }
  return [{ index: 1, flags: ["OW", "update"] }];
}

/** String commands. */
export const STRING_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    handler: get,
  }),
  defineCommand({
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RW", "access", "update", "variable_flags"], 1, {
        notes: "RW and ACCESS due to the optional `GET` argument",
      }),
    ],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    handler: set,
    getKeys: setKeys,
    history: [
      ["2.6.12", "Gained the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Gained the `KEEPTTL` option."],
      ["6.2.0", "Gained the `GET`, `EXAT` and `PXAT` options."],
      ["7.0.0", "`NX` and `GET` may now be combined."],
    ],
  }),
  defineCommand({
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["OW", "insert"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary: "Sets the string value of a key only when the key does not exist.",
    complexity: "O(1)",
    handler: setnx,
  }),
  defineCommand({
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.0.0",
    summary:
      "Sets the string value and the expiration time in seconds of a key.",
    complexity: "O(1)",
    handler: setex,
  }),
  defineCommand({
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.6.0",
    summary:
      "Sets the string value and the expiration time in milliseconds of a key.",
    complexity: "O(1)",
    handler: psetex,
  }),
  defineCommand({
    name: "getset",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Returns the previous string value of a key after storing a new value.",
    complexity: "O(1)",
    handler: getset,
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
  }),
  defineCommand({
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["string"],
    group: "string",
    since: "6.2.0",
    summary: "Returns the string value of a key and deletes the key.",
    complexity: "O(1)",
    handler: getdel,
  }),
  defineCommand({
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [
      keyRange(["RW", "access", "update"], 1, {
        notes: "RW and UPDATE because it changes the TTL",
      }),
    ],
    categories: ["string"],
    group: "string",
    since: "6.2.0",
    summary:
      "Returns the string value of a key after changing or removing its expiration time.",
    complexity: "O(1)",
    handler: getex,
  }),
  defineCommand({
    name: "mget",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1, { lastKey: -1 })],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary: "Returns the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to retrieve.",
    handler: mget,
    tips: ["request_policy:multi_shard"],
  }),
  defineCommand({
    name: "mset",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1, { lastKey: -1, keyStep: 2 })],
    categories: ["string"],
    group: "string",
    since: "1.0.1",
    summary: "Sets the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to set.",
    handler: mset,
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
  }),
  defineCommand({
    name: "msetnx",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "insert"], 1, { lastKey: -1, keyStep: 2 })],
    categories: ["string"],
    group: "string",
    since: "1.0.1",
    summary:
      "Sets the string values of one or more keys only when none of the keys exist.",
    complexity: "O(N) where N is the number of keys to set.",
    handler: msetnx,
    tips: ["request_policy:multi_shard", "response_policy:agg_min"],
  }),
  defineCommand({
    name: "append",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "insert"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.0.0",
    summary:
      "Appends bytes to the string value of a key, creating the key when missing.",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    handler: append,
  }),
  defineCommand({
    name: "strlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.2.0",
    summary: "Returns the length of a string value.",
    complexity: "O(1)",
    handler: strlen,
  }),
  defineCommand({
    name: "getrange",
    arity: 4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.4.0",
    summary: "Returns a substring of the string stored at a key.",
    complexity:
      "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
    handler: getrange,
  }),
  defineCommand({
    name: "substr",
    arity: 4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary: "Returns a substring from a string value.",
    complexity:
      "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
    handler: getrange,
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
  }),
  defineCommand({
    name: "setrange",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.2.0",
    summary:
      "Overwrites part of a string value with another, from an offset on. Creates the key when missing.",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    handler: setrange,
  }),
  defineCommand({
    name: "incr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    handler: incr,
  }),
  defineCommand({
    name: "decr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    handler: decr,
  }),
  defineCommand({
    name: "incrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    handler: incrby,
  }),
  defineCommand({
    name: "decrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    handler: decrby,
  }),
  defineCommand({
    name: "incrbyfloat",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["string"],
    group: "string",
    since: "2.6.0",
    summary:
      "Increments the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    handler: incrbyfloat,
  }),
  defineCommand({
    name: "lcs",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1, { lastKey: 1 })],
    categories: ["string"],
    group: "string",
    since: "7.0.0",
    summary: "Finds the longest common subsequence of the values of two keys.",
    complexity:
      "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    handler: lcs,
  }),
];
