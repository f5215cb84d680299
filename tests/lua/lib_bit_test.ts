// Expectations are Redis 7.0.15's outputs for the same calls.
import assert from "node:assert/strict";
import { libraryKeys, nativeRuntime, raisedValue } from "../helpers/lua.ts";
import { bitLibrary } from "../../lib/lua/lib_bit.ts";
import { LuaFunction, type LuaValue } from "../../lib/lua/value.ts";

const L = nativeRuntime;
const lib = bitLibrary();

function call(name: string, ...args: LuaValue[]): LuaValue {
  return (lib.get(name) as LuaFunction).native!(L, args)[0];
}

Deno.test("bit: library keys", () => {
  assert.deepEqual(libraryKeys(lib), [
    "arshift",
    "band",
    "bnot",
    "bor",
    "bswap",
    "bxor",
    "lshift",
    "rol",
    "ror",
    "rshift",
    "tobit",
    "tohex",
  ]);
});

Deno.test("bit: tobit normalisation", () => {
  const cases: [number, number][] = [
    [2 ** 32 + 5, 5],
    [2 ** 31, -2147483648],
    [-1, -1],
    [1.5, 2],
    [2.5, 2],
    [-1.5, -2],
    [0xffffffff, -1],
    [2 ** 52 + 3, 2],
    [1e20, 2025163840],
    [-2.5, -2],
    [3.5, 4],
    [NaN, 0],
    [Infinity, 0],
    [-Infinity, 0],
    [2 ** 53, 0],
    [-(2 ** 53) - 2, 4],
    [2 ** 63, 0],
    [4294967295.5, 0],
    [2147483647.5, -2147483648],
    [-0.5, 0],
    [0.5, 0],
  ];
  for (const [input, expected] of cases) {
    assert.equal(call("tobit", input), expected, String(input));
  }
  assert.equal(call("tobit", "12"), 12);
  assert.equal(
    raisedValue(() => call("tobit", "x")),
    "bad argument #1 to 'tobit' (number expected, got string)",
  );
  assert.equal(
    raisedValue(() => call("tobit")),
    "bad argument #1 to 'tobit' (number expected, got no value)",
  );
});

Deno.test("bit: tohex", () => {
  assert.equal(call("tohex", 255), "000000ff");
  assert.equal(call("tohex", -1), "ffffffff");
  assert.equal(call("tohex", 255, 2), "ff");
  assert.equal(call("tohex", 255, -4), "00FF");
  assert.equal(call("tohex", 0x12345678, 3), "678");
  assert.equal(call("tohex", 1, 0), "");
  assert.equal(call("tohex", 1, 9), "00000001");
  assert.equal(call("tohex", 1, -20), "00000001");
  assert.equal(call("tohex", 0xabcdef, -20), "00ABCDEF");
  assert.equal(call("tohex", NaN), "00000000");
  assert.equal(call("tohex", 255, 2.7), "0ff");
});

Deno.test("bit: operations", () => {
  assert.equal(call("bnot", 0), -1);
  assert.equal(call("band", 0xff, 0x0f, 0x3), 3);
  assert.equal(call("bor", 1, 2, 4), 7);
  assert.equal(call("bxor", 1, 3), 2);
  assert.equal(call("bor", 5), 5);
  assert.equal(call("lshift", 1, 31), -2147483648);
  assert.equal(call("lshift", 1, 32), 1);
  assert.equal(call("lshift", 1, 33), 2);
  assert.equal(call("rshift", -1, 28), 15);
  assert.equal(call("arshift", -256, 4), -16);
  assert.equal(call("rol", 0x80000001, 1), 3);
  assert.equal(call("ror", 1, 1), -2147483648);
  assert.equal(call("bswap", 0x12345678), 2018915346);
  assert.equal(call("lshift", 1, -1), -2147483648);
  assert.equal(call("rshift", 256, -31), 128);
  assert.equal(call("lshift", 1, 2.5), 4);
  assert.equal(
    raisedValue(() => call("band")),
    "bad argument #1 to 'band' (number expected, got no value)",
  );
  assert.equal(
    raisedValue(() => call("band", 1, "a")),
    "bad argument #2 to 'band' (number expected, got string)",
  );
});
