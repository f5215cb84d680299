/**
 * SORT and SORT_RO: sort the elements of a list, set or sorted set,
 * numerically or as strings, by themselves or by external keys (BY), and
 * return them or other keys' values (GET), or store the result as a list.
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import { defineCommand, keyRange, unknownKeys } from "./define.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec, KeyReference } from "./spec.ts";
import { Entry } from "../store/database.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
} from "../util/bytes.ts";
import type { HashValue } from "../types/hash.ts";
import { Deque } from "../types/list.ts";
import type { SetValue } from "../types/set.ts";
import type { ZSet } from "../types/zset.ts";
import type { StringValue } from "../store/string_value.ts";
import { strtod } from "../types/zset_score.ts";

/** One element being sorted, with what it is compared by. */
interface SortItem {
  /** The element (binary string). */
  value: string;
  /** Numeric weight (non-ALPHA sorts). */
  score: number;
  /** ALPHA comparison string (cut at a NUL unless storing), or null when a BY key is missing. */
  compare: string | null;
}

/** Index of the first NUL, or the length: where C string functions stop. */
function cLength(s: string): number {
  const nul = s.indexOf("\0");
  return nul < 0 ? s.length : nul;
}

/**
 * The value a SORT pattern points to for `element` (lookupKeyByPattern):
 * "#" is the element itself; "*" is replaced by the element; "key->field"
 * reads a hash field. Null when missing or of the wrong type.
 */
function lookupByPattern(
  ctx: CommandContext,
  pattern: string,
  element: string,
): string | null {
  if (pattern[0] === "#" && cLength(pattern) === 1) return element;
  const end = cLength(pattern);
  const star = pattern.indexOf("*");
  if (star < 0 || star >= end) return null;
  const arrow = pattern.indexOf("->", star + 1);
  let field: string | null = null;
  let keyEnd = pattern.length;
  if (arrow >= 0 && arrow < end && arrow + 2 < end) {
    field = pattern.slice(arrow + 2);
    keyEnd = arrow;
  }
  const key = pattern.slice(0, star) + element +
    pattern.slice(star + 1, keyEnd);
  const entry = ctx.readValue(key);
  if (entry === undefined) return null;
  if (typeof entry === "string") return field === null ? entry : null;
  if (field === null) {
    if (entry.type !== "string") return null;
    const value = entry.value as StringValue;
    return typeof value === "string" ? value : bytesToString(value);
  }
  if (entry.type !== "hash") return null;
  const value = (entry.value as HashValue).fields.get(field);
  return value === undefined ? null : bytesToString(value);
}

/** Binary-safe comparison (memcmp, then length). */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a BY weight like Redis's strtod check; null when invalid. */
function weight(text: string): number | null {
  const r = strtod(text);
  if (r.end < text.length && text[r.end] !== "\0") return null;
  if (r.erange || Number.isNaN(r.value)) return null;
  return r.value;
}

function sortGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  readonly: boolean,
): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontSort = false;
  let sortBy: string | null = null;
  let storeKey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < args.length; j++) {
    const left = args.length - j - 1;
    const opt = args[j];
    if (equalsIgnoreCase(opt, "asc")) desc = false;
    else if (equalsIgnoreCase(opt, "desc")) desc = true;
    else if (equalsIgnoreCase(opt, "alpha")) alpha = true;
    else if (equalsIgnoreCase(opt, "limit") && left >= 2) {
      limitStart = parseIntegerArgument(args[j + 1]);
      limitCount = parseIntegerArgument(args[j + 2]);
      j += 2;
    } else if (!readonly && equalsIgnoreCase(opt, "store") && left >= 1) {
      storeKey = bytesToString(args[++j]);
    } else if (equalsIgnoreCase(opt, "by") && left >= 1) {
      sortBy = bytesToString(args[++j]);
      const star = sortBy.indexOf("*");
      if (star < 0 || star >= cLength(sortBy)) dontSort = true;
      else if (!readsEveryKey(ctx)) {
        throw new CommandError(
          "ERR BY option of SORT denied due to insufficient ACL permissions.",
        );
      }
    } else if (equalsIgnoreCase(opt, "get") && left >= 1) {
      if (!readsEveryKey(ctx)) {
        throw new CommandError(
          "ERR GET option of SORT denied due to insufficient ACL permissions.",
        );
      }
      gets.push(bytesToString(args[++j]));
    } else throw new CommandError(Errors.syntax);
  }

  const entry = ctx.readKey(bytesToString(args[1]));
  if (
    entry !== undefined && entry.type !== "set" && entry.type !== "list" &&
    entry.type !== "zset"
  ) throw new CommandError(Errors.wrongType);
  const type = entry?.type ?? "list";

  // An unsorted set would come out in hash order: STORE sorts it instead.
  if (dontSort && type === "set" && storeKey !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  if (type === "zset") (entry!.value as ZSet).listpack = false;

  let length = entry === undefined
    ? 0
    : type === "list"
    ? (entry.value as Deque).length
    : (entry.value as SetValue | ZSet).size;
  let start = Math.min(Math.max(limitStart, 0), length);
  const count = Math.min(Math.max(limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  if (
    (type === "zset" || type === "list") && dontSort &&
    (start !== 0 || end !== length - 1)
  ) length = end - start + 1;

  const items: SortItem[] = [];
  const item = (value: string) => ({ value, score: 0, compare: null });
  if (entry !== undefined) {
    if (type === "list" && dontSort) {
      const list = entry.value as Deque;
      if (end >= start) {
        const total = list.length;
        for (let k = 0; k < length; k++) {
          const index = desc ? total - start - 1 - k : start + k;
          if (index < 0 || index >= total) break;
          items.push(item(bytesToString(list.at(index))));
        }
        end -= start;
        start = 0;
      }
    } else if (type === "list") {
      for (const v of (entry.value as Deque).toArray()) {
        items.push(item(bytesToString(v)));
      }
    } else if (type === "set") {
      for (const m of (entry.value as SetValue).ordered()) items.push(item(m));
    } else if (dontSort) {
      const zset = entry.value as ZSet;
      let node = desc
        ? (start > 0 ? zset.list.byRank(zset.size - start) : zset.list.last)
        : (start > 0 ? zset.list.byRank(start + 1) : zset.list.first);
      for (let k = 0; k < length && node !== null; k++) {
        items.push(item(node.member));
        node = desc ? node.backward : node.next;
      }
      end -= start;
      start = 0;
    } else {
      for (const member of (entry.value as ZSet).dict.keys()) {
        items.push(item(member));
      }
    }
  }

  let conversionError = false;
  if (!dontSort) {
    for (const it of items) {
      let by: string | null;
      if (sortBy !== null) {
        by = lookupByPattern(ctx, sortBy, it.value);
        if (by === null) continue;
      } else by = it.value;
      if (alpha) {
        // Redis compares with strcmp (up to a NUL) except when storing.
        it.compare = storeKey !== null ? by : by.slice(0, cLength(by));
      } else {
        const w = weight(by);
        if (w === null) conversionError = true;
        else it.score = w;
      }
    }
    const compare = (a: SortItem, b: SortItem): number => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score
          ? 1
          : a.score < b.score
          ? -1
          : binaryCompare(a.value, b.value);
      } else if (a.compare === null || b.compare === null) {
        // Only BY lookups leave it null (missing keys sort first).
        cmp = a.compare === b.compare ? 0 : a.compare === null ? -1 : 1;
      } else cmp = binaryCompare(a.compare, b.compare);
      return desc ? -cmp : cmp;
    };
    items.sort(compare);
  }

  const outputLength = gets.length > 0
    ? gets.length * (end - start + 1)
    : end - start + 1;
  if (conversionError) {
    throw new CommandError(
      "ERR One or more scores can't be converted into double",
    );
  }
  if (storeKey === null) {
    const reply = ctx.reply;
    reply.array(outputLength);
    for (let j = start; j <= end; j++) {
      const element = items[j].value;
      if (gets.length === 0) reply.bulkString(element);
      for (const pattern of gets) {
        const value = lookupByPattern(ctx, pattern, element);
        if (value === null) reply.nullBulk();
        else reply.bulkString(value);
      }
    }
    return;
  }
  const list = new Deque();
  for (let j = start; j <= end; j++) {
    const element = items[j].value;
    if (gets.length === 0) list.pushBack(stringToBytes(element));
    for (const pattern of gets) {
      list.pushBack(
        stringToBytes(lookupByPattern(ctx, pattern, element) ?? ""),
      );
    }
  }
  if (outputLength > 0) {
    ctx.db.set(storeKey, new Entry("list", list, ctx.now));
    ctx.keyChanged(storeKey, "l", "sortstore", outputLength);
  } else if (ctx.db.get(storeKey, ctx.now) !== undefined) {
    ctx.db.delete(storeKey);
    ctx.keyChanged(storeKey, "g", "del");
  }
  ctx.reply.integer(outputLength);
}

/** SORT's keys for COMMAND GETKEYS: the source and the last STORE target. */
function sortKeys(args: readonly Uint8Array[]): KeyReference[] {
  const keys: KeyReference[] = [{ index: 1, flags: ["RO", "access"] }];
  let store: KeyReference | null = null;
  for (let i = 2; i < args.length; i++) {
    if (equalsIgnoreCase(args[i], "limit")) i += 2;
    else if (equalsIgnoreCase(args[i], "store") && i + 1 < args.length) {
      store = { index: i + 1, flags: ["OW", "update"] };
    }
  }
  if (store !== null) keys.push(store);
  return keys;
}

/**
 * Whether the client's user may read any key: BY and GET patterns name
 * keys that no ACL check sees beforehand, so Redis allows them only then.
 */
function readsEveryKey(ctx: CommandContext): boolean {
  const user = ctx.client.user;
  return user === null || user.mayReadEveryKey;
}

/** SORT and SORT_RO. */
export const SORT_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "sort",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: [
      keyRange(["RO", "access"], 1),
      unknownKeys(
        ["RO", "access"],
        "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
      ),
      unknownKeys(
        ["OW", "update"],
        "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
      ),
    ],
    categories: ["set", "sortedset", "list", "dangerous"],
    group: "generic",
    since: "1.0.0",
    summary:
      "Sorts the elements of a list, set or sorted set, optionally storing the result.",
    complexity:
      "O(N+M*log(M)) with N the number of elements to sort and M the number returned",
    handler: (ctx, args) => sortGeneric(ctx, args, false),
    getKeys: sortKeys,
  }),
  defineCommand({
    name: "sort_ro",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [
      keyRange(["RO", "access"], 1),
      unknownKeys(
        ["RO", "access"],
        "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
      ),
    ],
    categories: ["set", "sortedset", "list", "dangerous"],
    group: "generic",
    since: "7.0.0",
    summary: "Read-only SORT: sorts the elements of a list, set or sorted set.",
    complexity:
      "O(N+M*log(M)) with N the number of elements to sort and M the number returned",
    handler: (ctx, args) => sortGeneric(ctx, args, true),
    getKeys: () => [{ index: 1, flags: ["RO", "access"] }],
  }),
];
