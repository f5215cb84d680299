/**
 * Lua 5.1's `table` library as Redis 7.0 ships it.
 *
 * @module
 */

import {
  checkInteger,
  checkString,
  checkTable,
  libraryTable,
  LuaError,
  LuaFunction,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
  numberToString,
  optInteger,
  typeName,
} from "./value.ts";

function fail(message: string): never {
  throw new LuaError(message, { position: true });
}

function checkFunction(args: LuaValue[], index: number, fname: string): void {
  if (args[index] instanceof LuaFunction) return;
  const got = index >= args.length ? "no value" : typeName(args[index]);
  fail(
    `bad argument #${index + 1} to '${fname}' (function expected, got ${got})`,
  );
}

function concat(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const separator = args[1] === undefined ? "" : checkString(args, 1, "concat");
  const table = checkTable(args, 0, "concat");
  const first = optInteger(args, 2, "concat", 1);
  const last = args[3] === undefined
    ? table.length()
    : checkInteger(args, 3, "concat");
  const parts: string[] = [];
  for (let i = first; i <= last; i++) {
    const value = table.get(i);
    if (typeof value === "string") parts.push(value);
    else if (typeof value === "number") parts.push(numberToString(value));
    else {
      fail(
        `invalid value (${
          typeName(value)
        }) at index ${i} in table for 'concat'`,
      );
    }
  }
  return [parts.join(separator)];
}

function insert(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "insert");
  let end = table.length() + 1;
  let position: number;
  if (args.length === 2) {
    position = end;
  } else if (args.length === 3) {
    position = checkInteger(args, 1, "insert");
    if (position > end) end = position;
    for (let i = end; i > position; i--) table.set(i, table.get(i - 1));
  } else {
    fail("wrong number of arguments to 'insert'");
  }
  table.set(position, args[args.length - 1]);
  return [];
}

function remove(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "remove");
  const end = table.length();
  let position = optInteger(args, 1, "remove", end);
  if (!(position >= 1 && position <= end)) return [];
  const removed = table.get(position);
  for (; position < end; position++) {
    table.set(position, table.get(position + 1));
  }
  table.set(end, undefined);
  return [removed];
}

function maxn(_L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "maxn");
  let max = 0;
  if (table.array.length > 0) max = table.array.length;
  for (const key of table.hash.keys()) {
    if (
      typeof key === "number" && key > max && table.hash.get(key) !== undefined
    ) {
      max = key;
    }
  }
  return [max];
}

function foreachi(L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "foreachi");
  checkFunction(args, 1, "foreachi");
  const n = table.length();
  for (let i = 1; i <= n; i++) {
    const result = L.call(args[1], [i, table.get(i)])[0];
    if (result !== undefined) return [result];
  }
  return [];
}

function foreach(L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "foreach");
  checkFunction(args, 1, "foreach");
  let entry = table.next(undefined);
  while (entry !== undefined) {
    const result = L.call(args[1], [entry[0], entry[1]])[0];
    if (result !== undefined) return [result];
    entry = table.next(entry[0]);
  }
  return [];
}

/** Lua 5.1's `a < b` without a comparator: numbers, strings, or `__lt`. */
export function lessThan(L: LuaRuntime, a: LuaValue, b: LuaValue): boolean {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === tb) {
    if (ta === "number") return (a as number) < (b as number);
    if (ta === "string") return (a as string) < (b as string);
    const handler = comparisonHandler(a, b);
    if (handler !== undefined) {
      const result = L.call(handler, [a, b])[0];
      return result !== undefined && result !== false;
    }
  }
  const t1 = typeName(a);
  const t2 = typeName(b);
  if (t1 === t2) fail(`attempt to compare two ${t1} values`);
  fail(`attempt to compare ${t1} with ${t2}`);
}

function comparisonHandler(a: LuaValue, b: LuaValue): LuaValue {
  const ma = a instanceof LuaTable ? a.metatable : undefined;
  const mb = b instanceof LuaTable ? b.metatable : undefined;
  if (ma === undefined || mb === undefined) return undefined;
  const ha = ma.get("__lt");
  if (ha === undefined) return undefined;
  if (ma === mb) return ha;
  return ha === mb.get("__lt") ? ha : undefined;
}

/**
 * Quicksort on `t[lo..hi]` with median-of-three pivots; recursion only
 * into the smaller part, so the depth stays logarithmic. Scans that run
 * past the bounds (an inconsistent comparator) raise the 5.1 error.
 */
function quicksort(
  table: LuaTable,
  lo: number,
  hi: number,
  lt: (a: LuaValue, b: LuaValue) => boolean,
): void {
  const get = (i: number) => table.get(i);
  const swap = (i: number, j: number) => {
    const x = table.get(i);
    table.set(i, table.get(j));
    table.set(j, x);
  };
  while (lo < hi) {
    if (lt(get(hi), get(lo))) swap(lo, hi);
    if (hi - lo === 1) return;
    let i = Math.floor((lo + hi) / 2);
    if (lt(get(i), get(lo))) swap(i, lo);
    else if (lt(get(hi), get(i))) swap(i, hi);
    if (hi - lo === 2) return;
    const pivot = get(i);
    swap(i, hi - 1);
    i = lo;
    let j = hi - 1;
    for (;;) {
      while (lt(get(++i), pivot)) {
        if (i > hi) fail("invalid order function for sorting");
      }
      while (lt(pivot, get(--j))) {
        if (j < lo) fail("invalid order function for sorting");
      }
      if (j < i) break;
      swap(i, j);
    }
    swap(hi - 1, i);
    if (i - lo < hi - i) {
      quicksort(table, lo, i - 1, lt);
      lo = i + 1;
    } else {
      quicksort(table, i + 1, hi, lt);
      hi = i - 1;
    }
  }
}

function sort(L: LuaRuntime, args: LuaValue[]): LuaValue[] {
  const table = checkTable(args, 0, "sort");
  const n = table.length();
  const comparator = args[1];
  let lt: (a: LuaValue, b: LuaValue) => boolean;
  if (comparator === undefined) {
    lt = (a, b) => lessThan(L, a, b);
  } else {
    checkFunction(args, 1, "sort");
    lt = (a, b) => {
      const result = L.call(comparator, [a, b])[0];
      return result !== undefined && result !== false;
    };
  }
  quicksort(table, 1, n, lt);
  return [];
}

/** Builds Redis 7.0's `table` table (Lua 5.1's table library). */
export function tableLibrary(): LuaTable {
  return libraryTable({
    concat,
    foreach,
    foreachi,
    getn: (_L, args) => [checkTable(args, 0, "getn").length()],
    insert,
    maxn,
    remove,
    setn(_L, args) {
      checkTable(args, 0, "setn");
      fail("'setn' is obsolete");
    },
    sort,
  });
}
