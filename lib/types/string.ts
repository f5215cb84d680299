/**
 * The string type: values are byte arrays. Commands: GET, SET.
 *
 * @module
 */

import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { Entry } from "../store/database.ts";
import { bytesToString, equalsIgnoreCase } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";

/**
 * Returns the string value at `key`, null when missing; throws WRONGTYPE for
 * other types.
 */
export function lookupString(
  ctx: CommandContext,
  key: string,
): Uint8Array | null {
  const entry = ctx.db.get(key, ctx.now);
  if (entry === undefined) return null;
  if (entry.type !== "string") throw new CommandError(Errors.wrongType);
  return entry.value as Uint8Array;
}

/** Stores a string value, replacing whatever `key` held (and its TTL). */
export function storeString(
  ctx: CommandContext,
  key: string,
  value: Uint8Array,
  expireAt = 0,
): Entry {
  const entry = new Entry("string", value, ctx.now);
  entry.expireAt = expireAt;
  ctx.db.set(key, entry);
  return entry;
}

const LLONG_MAX = 9223372036854775807;

/**
 * Converts an EX/PX/EXAT/PXAT argument to an absolute time in ms, with
 * Redis's checks. `unitMs` is 1000 for seconds; `relative` adds the current
 * time. Throws "invalid expire time in '<command>' command" like Redis.
 */
export function expireArgumentToMs(
  ctx: CommandContext,
  arg: Uint8Array,
  unitMs: number,
  relative: boolean,
  command: string,
): number {
  const value = parseInteger(arg);
  if (value === null) throw new CommandError(Errors.notInteger);
  if (value <= 0 || (unitMs === 1000 && value > LLONG_MAX / 1000)) {
    throw new CommandError(Errors.invalidExpire(command));
  }
  let ms = value * unitMs;
  if (relative) {
    if (ms > LLONG_MAX - ctx.now) {
      throw new CommandError(Errors.invalidExpire(command));
    }
    ms += ctx.now;
  }
  return ms;
}

function get(ctx: CommandContext, args: Uint8Array[]): void {
  const value = lookupString(ctx, bytesToString(args[1]));
  if (value === null) ctx.reply.nullBulk();
  else ctx.reply.bulk(value);
}

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EXPIRE = 16;

function set(ctx: CommandContext, args: Uint8Array[]): void {
  let flags = 0;
  let expireArg: Uint8Array | null = null;
  let unitMs = 1;
  let relative = true;
  for (let i = 3; i < args.length; i++) {
    const option = args[i];
    const hasNext = i + 1 < args.length;
    if (equalsIgnoreCase(option, "nx") && !(flags & SET_XX)) flags |= SET_NX;
    else if (equalsIgnoreCase(option, "xx") && !(flags & SET_NX)) {
      flags |= SET_XX;
    } else if (equalsIgnoreCase(option, "get")) flags |= SET_GET;
    else if (
      equalsIgnoreCase(option, "keepttl") && !(flags & SET_EXPIRE)
    ) flags |= SET_KEEPTTL;
    else if (
      hasNext && !(flags & (SET_KEEPTTL | SET_EXPIRE)) &&
      option.length >= 2 && option.length <= 4
    ) {
      if (equalsIgnoreCase(option, "ex")) {
        unitMs = 1000;
      } else if (equalsIgnoreCase(option, "px")) {
        unitMs = 1;
      } else if (equalsIgnoreCase(option, "exat")) {
        unitMs = 1000;
        relative = false;
      } else if (equalsIgnoreCase(option, "pxat")) {
        unitMs = 1;
        relative = false;
      } else throw new CommandError(Errors.syntax);
      flags |= SET_EXPIRE;
      expireArg = args[++i];
    } else throw new CommandError(Errors.syntax);
  }
  const expireAt = expireArg === null
    ? 0
    : expireArgumentToMs(ctx, expireArg, unitMs, relative, "set");

  const key = bytesToString(args[1]);
  const db = ctx.db;
  const old = db.get(key, ctx.now);
  if (flags & SET_GET && old !== undefined && old.type !== "string") {
    throw new CommandError(Errors.wrongType);
  }
  if (
    (flags & SET_NX && old !== undefined) ||
    (flags & SET_XX && old === undefined)
  ) {
    if (flags & SET_GET) {
      if (old === undefined) ctx.reply.nullBulk();
      else ctx.reply.bulk(old.value as Uint8Array);
    } else ctx.reply.nullBulk();
    return;
  }
  const keepExpire = flags & SET_KEEPTTL && old !== undefined
    ? old.expireAt
    : 0;
  storeString(ctx, key, args[2], expireArg === null ? keepExpire : expireAt);
  ctx.keyChanged(key, "$", "set");
  if (expireArg !== null) ctx.server.keyChanged(db, key, "g", "expire");
  if (flags & SET_GET) {
    if (old === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(old.value as Uint8Array);
  } else ctx.reply.ok();
}

/** String commands. */
export const STRING_COMMANDS: readonly CommandSpec[] = [
  {
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    handler: get,
  },
  {
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: ["string"],
    group: "string",
    since: "1.0.0",
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    handler: set,
  },
];
