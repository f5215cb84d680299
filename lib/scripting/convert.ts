/**
 * Conversions between Redis replies and Lua values, as Redis 7.0 makes
 * them: a command's reply (RESP2 or RESP3 bytes, as the script client
 * received it) becomes the Lua value `redis.call` returns, and a script's
 * result becomes the reply of EVAL.
 *
 * @module
 */

import type { ReplyWriter } from "../resp/encoder.ts";
import {
  formatG,
  LuaTable,
  type LuaValue,
  numberToString,
} from "../lua/value.ts";

/** Nesting depth past which a script's result is not converted further. */
const MAX_REPLY_DEPTH = 1000;

/** Lua table `{ [field] = value }`. */
function fieldTable(field: string, value: LuaValue): LuaTable {
  const table = new LuaTable();
  table.set(field, value);
  return table;
}

/** A reader over the bytes of one complete reply. */
class ReplyReader {
  #pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  #line(): string {
    const bytes = this.bytes;
    let end = this.#pos;
    while (bytes[end] !== 13) end++;
    let text = "";
    for (let i = this.#pos; i < end; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    this.#pos = end + 2;
    return text;
  }

  #blob(length: number): string {
    const start = this.#pos;
    let text = "";
    const chunk = 8192;
    for (let at = start; at < start + length; at += chunk) {
      text += String.fromCharCode.apply(
        null,
        this.bytes.subarray(
          at,
          Math.min(at + chunk, start + length),
        ) as unknown as number[],
      );
    }
    this.#pos = start + length + 2;
    return text;
  }

  /** The next reply as Redis gives it to Lua. */
  value(): LuaValue {
    const type = this.bytes[this.#pos++];
    switch (type) {
      case 43: // + status
        return fieldTable("ok", this.#line());
      case 45: // - error
        // Counted in errorstats when the command replied.
        return errorTable(`-${this.#line()}`, { statsCounted: true });
      case 58: // : integer
        return Number(this.#line());
      case 36: { // $ bulk
        const length = Number(this.#line());
        return length < 0 ? false : this.#blob(length);
      }
      case 42: // * array
      case 126: // ~ set
      case 62: { // > push
        const count = Number(this.#line());
        if (count < 0) return false;
        const table = new LuaTable();
        if (type === 126) {
          for (let i = 0; i < count; i++) table.set(this.value(), true);
          return fieldTable("set", table);
        }
        for (let i = 1; i <= count; i++) table.set(i, this.value());
        return table;
      }
      case 37: { // % map
        const count = Number(this.#line());
        const table = new LuaTable();
        for (let i = 0; i < count; i++) {
          const key = this.value();
          table.set(key, this.value());
        }
        return fieldTable("map", table);
      }
      case 95: // _ null
        this.#line();
        return undefined;
      case 35: // # boolean
        return this.#line() === "t";
      case 44: // , double
        return fieldTable("double", Number(this.#line()));
      case 40: // ( big number
        return fieldTable("big_number", this.#line());
      case 61: { // = verbatim
        const text = this.#blob(Number(this.#line()));
        const verbatim = new LuaTable();
        verbatim.set("string", text.slice(4));
        verbatim.set("format", text.slice(0, 3));
        return fieldTable("verbatim_string", verbatim);
      }
      case 124: { // | attribute: skipped, as Redis gives scripts the reply only
        const count = Number(this.#line());
        for (let i = 0; i < 2 * count; i++) this.value();
        return this.value();
      }
      default:
        throw new Error(`unexpected reply type ${type}`);
    }
  }
}

/** The Lua value of a command's reply (the first reply in `bytes`). */
export function replyToLua(bytes: Uint8Array): LuaValue {
  return new ReplyReader(bytes).value();
}

/** Options of {@linkcode writeLuaReply}. */
export interface LuaReplyOptions {
  /** The protocol the script chose with redis.setresp (2 or 3). */
  readonly scriptProtocol: 2 | 3;
  /**
   * Told of every error reply written, and whether errorstats already
   * counted it (the table carries {@linkcode STATS_COUNTED_FIELD}).
   */
  readonly onError?: (message: string, statsCounted: boolean) => void;
}

/** Writes a script's result as Redis converts it (luaReplyToRedisReply). */
export function writeLuaReply(
  reply: ReplyWriter,
  value: LuaValue,
  options: LuaReplyOptions,
  depth = 0,
): void {
  switch (typeof value) {
    case "string":
      reply.bulkString(value);
      return;
    case "number":
      reply.integer(luaToInteger(value));
      return;
    case "boolean":
      if (options.scriptProtocol === 2) {
        if (value) reply.integer(1);
        else reply.nullBulk();
      } else reply.boolean(value);
      return;
    case "undefined":
      reply.nullBulk();
      return;
  }
  if (!(value instanceof LuaTable)) {
    reply.nullBulk();
    return;
  }
  if (depth > MAX_REPLY_DEPTH) {
    reply.error("ERR reached lua stack limit");
    options.onError?.("ERR reached lua stack limit", false);
    return;
  }
  const err = value.get("err");
  if (typeof err === "string") {
    const message = err.replace(/[\r\n]/g, " ");
    reply.error(message);
    options.onError?.(message, value.get(STATS_COUNTED_FIELD) === true);
    return;
  }
  const ok = value.get("ok");
  if (typeof ok === "string") {
    reply.simple(ok.replace(/[\r\n]/g, " "));
    return;
  }
  const double = value.get("double");
  if (typeof double === "number") {
    reply.double(formatDouble(double));
    return;
  }
  const bigNumber = value.get("big_number");
  if (typeof bigNumber === "string") {
    reply.bigNumber(bigNumber.replace(/[\r\n]/g, " "));
    return;
  }
  const map = value.get("map");
  if (map instanceof LuaTable) {
    const entries: [LuaValue, LuaValue][] = [];
    for (let e = map.next(undefined); e !== undefined; e = map.next(e[0])) {
      entries.push(e);
    }
    reply.map(entries.length);
    for (const [k, v] of entries) {
      writeLuaReply(reply, k, options, depth + 1);
      writeLuaReply(reply, v, options, depth + 1);
    }
    return;
  }
  const set = value.get("set");
  if (set instanceof LuaTable) {
    const members: LuaValue[] = [];
    for (let e = set.next(undefined); e !== undefined; e = set.next(e[0])) {
      members.push(e[0]);
    }
    reply.set(members.length);
    for (const m of members) writeLuaReply(reply, m, options, depth + 1);
    return;
  }
  const verbatim = value.get("verbatim_string");
  if (verbatim instanceof LuaTable) {
    const text = verbatim.get("string");
    const format = verbatim.get("format");
    if (typeof text === "string" && typeof format === "string") {
      reply.verbatim(text, format);
      return;
    }
  }
  let length = 0;
  while (value.get(length + 1) !== undefined) length++;
  reply.array(length);
  for (let i = 1; i <= length; i++) {
    writeLuaReply(reply, value.get(i), options, depth + 1);
  }
}

/** Lua numbers become integer replies truncated toward zero, as a C cast. */
function luaToInteger(value: number): number | bigint {
  if (!Number.isFinite(value)) {
    return value !== value
      ? -9223372036854775808n
      : value > 0
      ? -9223372036854775808n
      : -9223372036854775808n;
  }
  const truncated = Math.trunc(value);
  if (Number.isSafeInteger(truncated)) return truncated;
  if (truncated >= 9223372036854775807) return -9223372036854775808n;
  if (truncated < -9223372036854775808) return -9223372036854775808n;
  return BigInt(truncated);
}

function formatDouble(value: number): string {
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value !== value) return "nan";
  return formatG(value, 17);
}

/**
 * A Lua error value as text, as Redis shows it: strings and numbers as
 * they are, an error table by its `err` field.
 */
export function luaErrorText(value: LuaValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToString(value);
  if (value instanceof LuaTable) {
    const err = value.get("err");
    if (typeof err === "string") return err;
  }
  return "Unknown error";
}

/**
 * The field Redis sets on error tables whose error was already counted in
 * errorstats (a command's error reply, a refused redis.call), so that the
 * script replying with the table does not count it again.
 */
export const STATS_COUNTED_FIELD = "ignore_error_stats_update";

/**
 * An error table as Redis's luaPushErrorBuff makes it from `text`: "-CODE
 * message" keeps its code (a text without a space, or without the "-",
 * gets ERR), and the message loses line breaks at its ends.
 */
export function errorTable(
  text: string,
  options: { readonly statsCounted?: boolean } = {},
): LuaTable {
  let code = "ERR";
  let message = text;
  if (text.startsWith("-")) {
    const space = text.indexOf(" ");
    if (space === -1) message = text.slice(1);
    else {
      code = text.slice(1, space);
      message = text.slice(space + 1);
    }
  }
  message = message.replace(/^[\r\n]+|[\r\n]+$/g, "");
  const table = new LuaTable();
  table.set("err", `${code} ${message}`);
  if (options.statsCounted) table.set(STATS_COUNTED_FIELD, true);
  return table;
}
