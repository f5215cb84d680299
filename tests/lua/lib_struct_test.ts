// Expectations are Redis 7.0.15's outputs for the same calls.
import assert from "node:assert/strict";
import {
  hex,
  libraryKeys,
  nativeRuntime,
  raisedValue,
} from "../helpers/lua.ts";
import { structLibrary } from "../../lib/lua/lib_struct.ts";
import { LuaFunction, LuaTable, type LuaValue } from "../../lib/lua/value.ts";

const L = nativeRuntime;
const lib = structLibrary();

function call(name: string, ...args: LuaValue[]): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(L, args);
}

function pack(...args: LuaValue[]): string {
  return hex(call("pack", ...args)[0] as string);
}

Deno.test("struct: library keys", () => {
  assert.deepEqual(libraryKeys(lib), ["pack", "size", "unpack"]);
});

Deno.test("struct: pack", () => {
  const cases: [LuaValue[], string][] = [
    [[">i2 <i2 b B h H", 1, 1, -1, 255, -2, 65535], "00010100fffffeffffff"],
    [["i", -1], "ffffffff"],
    [["l L", -1, 1], "ffffffffffffffff0100000000000000"],
    [["T", 5], "0500000000000000"],
    [["i3 i8 I8", -1, -1, 2 ** 53], "ffffffffffffffffffffff0000000000002000"],
    [["f d", 1.5, 0.1], "0000c03f9a9999999999b93f"],
    [["s", "ab"], "616200"],
    [["s", "a\0b"], "61006200"],
    [["s", 1], "3100"],
    [["c3", "abcdef"], "616263"],
    [["c0", "abc"], "616263"],
    [["c", "xyz"], "78"],
    [["b c0", 3, "abcd"], "0361626364"],
    [["c0 b", "abcd", 3], "6162636403"],
    [[">!4 b i", 1, 2], "0100000000000002"],
    [["!b d", 1, 2], "01000000000000000000000000000040"],
    [["!2 b d", 1, 2], "01000000000000000040"],
    [["!16 b d", 1, 2], "01000000000000000000000000000040"],
    [["!8 b i8", 1, 2], "01000000000000000200000000000000"],
    [["!b h", 1, 2], "01000200"],
    [["!4 b i3", 1, 2], "010000020000"],
    [["!4 b i16", 1, 2], "0100000002000000000000000000000000000000"],
    [["!b i16", 1, 2], "010000000000000002000000000000000000000000000000"],
    [["!bx i", 1, 2], "0100000002000000"],
    [["!b s i", 1, "ab", 2], "0161620002000000"],
    [["!b c3 i", 1, "abc", 2], "0161626302000000"],
    [["!b f", 1, 2], "0100000000000040"],
    [["!1 b i", 1, 2], "0102000000"],
    [["<!4 b >i", 1, 2], "0100000000000002"],
    [["b i", 1, 2], "0102000000"],
    [["b x x b", 1, 2], "01000002"],
    [["b  x", 1], "0100"],
    [[" b", 1], "01"],
    [["!", 1], ""],
    [["", 1], ""],
    [["b", 300], "2c"],
    [["B", -1], "ff"],
    [["b", 1.7], "01"],
    [["b", -1.7], "ff"],
    [["b", "3"], "03"],
    [["i", 2 ** 31], "00000080"],
    [["I", 2 ** 32 + 1], "01000000"],
    [["I", -(2 ** 40)], "00000000"],
    [["i", 2 ** 63], "00000000"],
    [["i8", 2 ** 63], "0000000000000080"],
    [["I8", -1], "ffffffffffffffff"],
    [["L", -(2 ** 63)], "0000000000000080"],
    [["L", 2 ** 64], "0000000000000000"],
    [["I2", 65536 + 3], "0300"],
    [["i", 1.5], "01000000"],
    [["i", 2.5], "02000000"],
    [["i", -2.5], "feffffff"],
    [["i", 1, 2], "01000000"],
    [[">i3", -2], "fffffe"],
    [[">I3", 0x123456], "123456"],
    [["i16", 1], "01" + "00".repeat(15)],
    [["i16", -1], "ff".repeat(8) + "00".repeat(8)],
    [["i10 b", 1, 2], "0100000000000000000002"],
    [["i32", 1], "01" + "00".repeat(31)],
    [["i0", 1], ""],
    [["f", 0.1], "cdcccc3d"],
    [[">d", Infinity], "7ff0000000000000"],
  ];
  for (const [args, expected] of cases) {
    assert.equal(pack(...args), expected, String(args[0]));
  }
});

Deno.test("struct: pack errors", () => {
  const cases: [LuaValue[], string][] = [
    [["c5", "ab"], "bad argument #3 to 'pack' (string too short)"],
    [["c10", "abc"], "bad argument #3 to 'pack' (string too short)"],
    [["c2", 1], "bad argument #3 to 'pack' (string too short)"],
    [["y", 1], "bad argument #1 to 'pack' (invalid format option 'y')"],
    [["by", 1], "bad argument #1 to 'pack' (invalid format option 'y')"],
    [["=b", 1], "bad argument #1 to 'pack' (invalid format option '=')"],
    [["b"], "bad argument #2 to 'pack' (number expected, got nil)"],
    [["s"], "bad argument #2 to 'pack' (string expected, got nil)"],
    [["c0"], "bad argument #2 to 'pack' (string expected, got nil)"],
    [["b", "x"], "bad argument #2 to 'pack' (number expected, got string)"],
    [
      ["s", new LuaTable()],
      "bad argument #2 to 'pack' (string expected, got table)",
    ],
    [["!3 i", 1], "alignment 3 is not a power of 2"],
    [["!3"], "alignment 3 is not a power of 2"],
    [["!0 b d", 1, 2], "alignment 0 is not a power of 2"],
    [["i33", 1], "integral size 33 is larger than limit of 32"],
    [["i99999999999999999999", 1], "integral size overflow"],
    [[], "bad argument #1 to 'pack' (string expected, got no value)"],
  ];
  for (const [args, expected] of cases) {
    assert.equal(
      raisedValue(() => call("pack", ...args)),
      expected,
      String(args[0]),
    );
  }
});

Deno.test("struct: unpack", () => {
  const bytes = (...b: number[]) => String.fromCharCode(...b);
  const cases: [LuaValue[], LuaValue[]][] = [
    [
      [">i2 <i2 b B h H", bytes(0, 1, 1, 0, 255, 255, 254, 255, 255, 255)],
      [1, 1, -1, 255, -2, 65535, 11],
    ],
    [["b", "abc", 2], [98, 3]],
    [["b", "abc", "2"], [98, 3]],
    [["b", "abc", 3], [99, 4]],
    [["b", "a", 1.9], [97, 2]],
    [["s", "ab\0cd"], ["ab", 4]],
    [["s b", "ab\0\x05"], ["ab", 5, 5]],
    [["b c0", "\x02xyz"], ["xy", 4]],
    [["B c0", "\0xyz"], ["", 2]],
    [["c", "ab"], ["a", 2]],
    [["", "ab"], [1]],
    [["x b", "ab"], [98, 3]],
    [["f d", "\0\0\xc0\x3f\x9a\x99\x99\x99\x99\x99\xb9\x3f"], [1.5, 0.1, 13]],
    [["f", "\xcd\xcc\xcc\x3d"], [Math.fround(0.1), 5]],
    [["i16", "\xff".repeat(8) + "\0".repeat(8)], [-1, 17]],
    [["I16", "\xff".repeat(8) + "\0".repeat(8)], [18446744073709552000, 17]],
    [["i16", "\x01" + "\0".repeat(15)], [1, 17]],
    [["i9", "\xff".repeat(8) + "\x01"], [-1, 10]],
    [["I9", "\xff".repeat(8) + "\0"], [18446744073709552000, 10]],
    [["l", "\xff".repeat(8)], [-1, 9]],
    [["L", "\xff".repeat(8)], [18446744073709552000, 9]],
    [[">I3", bytes(0x12, 0x34, 0x56)], [1193046, 4]],
    [["i3", bytes(255, 255, 255)], [-1, 4]],
    [["I3", bytes(255, 255, 255)], [16777215, 4]],
    [["!b i", "\x01".repeat(8)], [1, 16843009, 9]],
    [["!b d", "\0".repeat(16)], [0, 0, 17]],
    [["i", "\x01\0\0\0\x01", 2], [16777216, 6]],
    [["c1 c0", "3abcd"], ["abc", 5]],
    [["", "abc", 5], [5]],
    [["", "abc", -1], [-1]],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(call("unpack", ...args), expected, String(args[0]));
  }
});

Deno.test("struct: unpack errors", () => {
  const short = "bad argument #2 to 'unpack' (data string too short)";
  const cases: [LuaValue[], string][] = [
    [["i", "abc"], short],
    [["b", "abc", 4], short],
    [["b", "abc", -1], short],
    [["x", ""], short],
    [["b x", "a"], short],
    [["!b d", "\0".repeat(15)], short],
    [["b c0", "\xc8xyz"], short],
    [["c5", "ab"], short],
    [
      ["b", "abc", 0],
      "bad argument #3 to 'unpack' (offset must be 1 or greater)",
    ],
    [
      ["b", "abc", "x"],
      "bad argument #3 to 'unpack' (number expected, got string)",
    ],
    [["s", "abcd"], "unfinished string in data"],
    [["c2 c0", "ab\x02xyz"], "format 'c0' needs a previous size"],
    [["c0", "xyz"], "format 'c0' needs a previous size"],
    [["y", "ab"], "bad argument #1 to 'unpack' (invalid format option 'y')"],
    [["b"], "bad argument #2 to 'unpack' (string expected, got no value)"],
    [[], "bad argument #1 to 'unpack' (string expected, got no value)"],
  ];
  for (const [args, expected] of cases) {
    assert.equal(
      raisedValue(() => call("unpack", ...args)),
      expected,
      String(args[0]),
    );
  }
});

Deno.test("struct: size", () => {
  assert.deepEqual(call("size", "!b d"), [16]);
  assert.deepEqual(call("size", "i c3 x"), [8]);
  assert.deepEqual(call("size", "c"), [1]);
  assert.deepEqual(call("size", ""), [0]);
  assert.deepEqual(call("size", "!"), [0]);
  assert.deepEqual(call("size", "y"), [0]);
  assert.deepEqual(call("size", "by"), [1]);
  assert.deepEqual(call("size", "b y b"), [2]);
  assert.equal(
    raisedValue(() => call("size", "!b d i s")),
    "bad argument #1 to 'size' (option 's' has no fixed size)",
  );
  assert.equal(
    raisedValue(() => call("size", "b c0")),
    "bad argument #1 to 'size' (option 'c0' has no fixed size)",
  );
  assert.equal(
    raisedValue(() => call("size", "!3")),
    "alignment 3 is not a power of 2",
  );
  assert.equal(
    raisedValue(() => call("size")),
    "bad argument #1 to 'size' (string expected, got no value)",
  );
});
