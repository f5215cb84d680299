import assert from "node:assert/strict";
import { libraryKeys, nativeRuntime, raises } from "../helpers/lua.ts";
import { tableLibrary } from "../../lib/lua/lib_table.ts";
import {
  LuaError,
  LuaFunction,
  LuaTable,
  type LuaValue,
  nativeFunction,
} from "../../lib/lua/value.ts";

const L = nativeRuntime;
const lib = tableLibrary();

function call(name: string, ...args: LuaValue[]): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(L, args);
}

function list(...values: LuaValue[]): LuaTable {
  const t = new LuaTable();
  values.forEach((v, i) => t.set(i + 1, v));
  return t;
}

function items(t: LuaTable): LuaValue[] {
  const out: LuaValue[] = [];
  for (let i = 1; i <= t.length(); i++) out.push(t.get(i));
  return out;
}

const fn = (f: (...a: LuaValue[]) => LuaValue) =>
  nativeFunction("f", (_L, a) => [f(...a)]);

Deno.test("table library has exactly Redis 7.0's keys", () => {
  assert.deepEqual(libraryKeys(lib), [
    "concat",
    "foreach",
    "foreachi",
    "getn",
    "insert",
    "maxn",
    "remove",
    "setn",
    "sort",
  ]);
});

Deno.test("concat", () => {
  assert.deepEqual(call("concat", list(1, 2, "a"), ","), ["1,2,a"]);
  assert.deepEqual(call("concat", list(1, 2, 3, 4), "-", 2, 3), ["2-3"]);
  assert.deepEqual(call("concat", new LuaTable(), ",", 1, 0), [""]);
  assert.deepEqual(call("concat", list(1.5, 1e20), " "), ["1.5 1e+20"]);
  raises(
    () => call("concat", list(1, new LuaTable(), 3), ","),
    "invalid value (table) at index 2 in table for 'concat'",
  );
  raises(
    () => call("concat", list(1, 2), ",", 1, 3),
    "invalid value (nil) at index 3 in table for 'concat'",
  );
});

Deno.test("insert and remove", () => {
  const t = list(1, 2, 3);
  call("insert", t, 2, "x");
  assert.deepEqual(items(t), [1, "x", 2, 3]);
  call("insert", t, "y");
  assert.deepEqual(items(t), [1, "x", 2, 3, "y"]);
  raises(
    () => call("insert", list(1), 1, 2, 3),
    "wrong number of arguments to 'insert'",
  );
  raises(
    () => call("insert", undefined, 1),
    "bad argument #1 to 'insert' (table expected, got nil)",
  );
  const u = new LuaTable();
  call("insert", u, 5, "x");
  assert.equal(u.get(5), "x");
  assert.equal(u.length(), 0);
  const r = list(1, 2, 3);
  assert.deepEqual(call("remove", r), [3]);
  assert.deepEqual(items(r), [1, 2]);
  assert.deepEqual(call("remove", list(1, 2, 3), 1), [1]);
  assert.deepEqual(call("remove", new LuaTable()), []);
  assert.deepEqual(call("remove", list(1, 2), 5), []);
});

Deno.test("getn, setn, maxn, foreach, foreachi", () => {
  assert.deepEqual(call("getn", list(1, 2, 3)), [3]);
  raises(() => call("setn", new LuaTable(), 3), "'setn' is obsolete");
  const t = list(1, 2);
  t.set(10, 1);
  t.set(3.5, 1);
  assert.deepEqual(call("maxn", t), [10]);
  assert.deepEqual(
    call(
      "foreachi",
      list(10, 20, 30),
      fn((i, v) => v === 20 ? (i as number) * 100 : undefined),
    ),
    [200],
  );
  const seen: LuaValue[] = [];
  assert.deepEqual(
    call("foreach", list("a", "b"), fn((k) => void seen.push(k))),
    [],
  );
  assert.deepEqual(seen, [1, 2]);
  raises(
    () => call("foreach", new LuaTable(), undefined),
    "bad argument #2 to 'foreach' (function expected, got nil)",
  );
});

Deno.test("sort: default order, comparator, errors", () => {
  const t = list(3, 1, 2);
  call("sort", t);
  assert.deepEqual(items(t), [1, 2, 3]);
  const s = list("b", "a", "C", "\0");
  call("sort", s);
  assert.deepEqual(items(s), ["\0", "C", "a", "b"]);
  const d = list(3, 1, 2);
  call("sort", d, fn((a, b) => (a as number) > (b as number)));
  assert.deepEqual(items(d), [3, 2, 1]);
  raises(
    () => call("sort", list(3, "a", 2)),
    "attempt to compare string with number",
  );
  raises(
    () => call("sort", list(new LuaTable(), new LuaTable())),
    "attempt to compare two table values",
  );
  raises(
    () => call("sort", list(1, 2, 3, 4, 5), fn(() => true)),
    "invalid order function for sorting",
  );
  raises(
    () => call("sort", list(5, 4, 3, 2, 1, 6, 7), fn(() => true)),
    "invalid order function for sorting",
  );
  raises(
    () => call("sort", new LuaTable(), 1),
    "bad argument #2 to 'sort' (function expected, got number)",
  );
  const le = new LuaTable();
  for (let i = 1; i <= 20; i++) le.set(i, (i * 7) % 11);
  raises(
    () =>
      call(
        "sort",
        le,
        fn((a, b) => {
          // Lua's `<=` on the nil the scan reads past the end
          if (a === undefined || b === undefined) {
            throw new LuaError("attempt to compare nil with number");
          }
          return (a as number) <= (b as number);
        }),
      ),
    "attempt to compare nil with number",
  );
});

Deno.test("sort: order of equal keys matches Lua 5.1's quicksort", () => {
  const t = new LuaTable();
  for (let i = 1; i <= 30; i++) t.set(i, list(i % 3, i));
  call(
    "sort",
    t,
    fn((a, b) =>
      ((a as LuaTable).get(1) as number) < ((b as LuaTable).get(1) as number)
    ),
  );
  const order = items(t).map((x) => (x as LuaTable).get(2));
  // redis-cli eval output for the same script
  assert.deepEqual(order, [
    30,
    18,
    12,
    21,
    27,
    24,
    9,
    15,
    6,
    3,
    22,
    4,
    7,
    28,
    25,
    16,
    19,
    1,
    10,
    13,
    29,
    26,
    2,
    8,
    20,
    11,
    23,
    17,
    14,
    5,
  ]);
});

Deno.test("sort: 100k elements, random, already sorted and reversed", () => {
  const t = new LuaTable();
  for (let i = 0; i < 100000; i++) t.set(i + 1, (i * 7919) % 100003);
  // Speed is for benchmarks; this checks the large and presorted cases.
  call("sort", t);
  call("sort", t);
  const reversed = new LuaTable();
  for (let i = 0; i < 100000; i++) reversed.set(i + 1, 100000 - i);
  call("sort", reversed);
  for (let i = 2; i <= 100000; i++) {
    assert.ok((t.get(i - 1) as number) <= (t.get(i) as number));
  }
  assert.equal(reversed.get(1), 1);
  assert.equal(reversed.get(100000), 100000);
});
