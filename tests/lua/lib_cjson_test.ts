// Expectations are Redis 7.0.15's outputs for the same calls.
import assert from "node:assert/strict";
import {
  libraryKeys,
  luaTable,
  nativeRuntime,
  raisedValue,
} from "../helpers/lua.ts";
import { CJSON_NULL, cjsonLibrary } from "../../lib/lua/lib_cjson.ts";
import { LuaFunction, LuaTable, type LuaValue } from "../../lib/lua/value.ts";

const L = nativeRuntime;

function call(lib: LuaTable, name: string, ...args: LuaValue[]): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(L, args);
}

function encode(value: LuaValue, lib = cjsonLibrary()): LuaValue {
  return call(lib, "encode", value)[0];
}

Deno.test("cjson: library keys", () => {
  const lib = cjsonLibrary();
  assert.deepEqual(libraryKeys(lib), [
    "_NAME",
    "_VERSION",
    "decode",
    "decode_invalid_numbers",
    "decode_max_depth",
    "encode",
    "encode_invalid_numbers",
    "encode_keep_buffer",
    "encode_max_depth",
    "encode_number_precision",
    "encode_sparse_array",
    "new",
    "null",
  ]);
  assert.equal(lib.get("_VERSION"), "2.1.0");
  assert.equal(lib.get("null"), CJSON_NULL);
});

Deno.test("cjson: encode scalars and strings", () => {
  assert.equal(
    encode(luaTable([1, 2, luaTable([], [["a", 1]])])),
    '[1,2,{"a":1}]',
  );
  assert.equal(encode(luaTable([])), "{}");
  assert.equal(
    encode('a/b\x01\x7f\x80"\\\n\t\r\b\f'),
    '"a\\/b\\u0001\\u007f\x80\\"\\\\\\n\\t\\r\\b\\f"',
  );
  assert.equal(encode("xxx\0y"), '"xxx\\u0000y"');
  assert.equal(encode("\x1f \xe2\x82\xac"), '"\\u001f \xe2\x82\xac"');
  assert.equal(encode(0.1), "0.1");
  assert.equal(encode(1e300), "1e+300");
  assert.equal(encode(-0), "-0");
  assert.equal(encode(123456789012345678), "1.2345678901235e+17");
  assert.equal(encode(3.14159265358979), "3.1415926535898");
  assert.equal(encode(1e-7), "1e-07");
  assert.equal(encode(2 ** 53), "9.007199254741e+15");
  assert.equal(encode(1e15), "1e+15");
  assert.equal(encode(1e14), "1e+14");
  assert.equal(encode(CJSON_NULL), "null");
  assert.equal(encode(undefined), "null");
  assert.equal(encode(true), "true");
});

Deno.test("cjson: encode arrays, objects and sparse arrays", () => {
  assert.equal(encode(luaTable([], [[1, 1], [2, 2], [4, 4]])), "[1,2,null,4]");
  assert.equal(encode(luaTable([], [[3, 1]])), "[null,null,1]");
  assert.equal(
    encode(luaTable([], [[10, 1]])),
    "[null,null,null,null,null,null,null,null,null,1]",
  );
  assert.equal(encode(luaTable([], [[1.5, 1]])), '{"1.5":1}');
  assert.equal(encode(luaTable([1], [["x", 2]])), '{"1":1,"x":2}');
  assert.equal(encode(luaTable([], [[-1, 1]])), '{"-1":1}');
  assert.equal(encode(luaTable([], [[0, 1]])), '{"0":1}');
  assert.equal(
    encode(luaTable([], [[2 ** 53, 1]])),
    '{"9.007199254741e+15":1}',
  );
  assert.equal(encode(luaTable([], [[2 ** 31, 1]])), '{"2147483648":1}');
  assert.equal(
    encode(luaTable([1], [[2 ** 40, 1]])),
    '{"1":1,"1099511627776":1}',
  );
  assert.equal(
    raisedValue(() => encode(luaTable([], [[2 ** 31 - 1, 1]]))),
    "Cannot serialise table: excessively sparse array",
  );
  assert.equal(encode(luaTable([], [['a"b', 1]])), '{"a\\"b":1}');
  assert.equal(
    raisedValue(() => encode(luaTable([], [[1, 1], [12, 2]]))),
    "Cannot serialise table: excessively sparse array",
  );
  assert.equal(
    raisedValue(() => encode(luaTable([], [[11, 1]]))),
    "Cannot serialise table: excessively sparse array",
  );
  const lib = cjsonLibrary();
  assert.deepEqual(call(lib, "encode_sparse_array", true), [true, 2, 10]);
  assert.equal(encode(luaTable([], [[1, 1], [12, 2]]), lib), '{"1":1,"12":2}');
});

Deno.test("cjson: encode errors", () => {
  const lib = cjsonLibrary();
  const fn = lib.get("encode");
  assert.equal(
    raisedValue(() => encode(fn)),
    "Cannot serialise function: type not supported",
  );
  assert.equal(
    raisedValue(() => encode(luaTable([1, 2, fn]))),
    "Cannot serialise function: type not supported",
  );
  assert.equal(
    raisedValue(() => encode(luaTable([], [[true, 1]]))),
    "Cannot serialise boolean: table key must be a number or string",
  );
  assert.equal(
    raisedValue(() => encode(luaTable([], [[CJSON_NULL, 1]]))),
    "Cannot serialise userdata: table key must be a number or string",
  );
  assert.equal(
    raisedValue(() => encode(Infinity)),
    "Cannot serialise number: must not be NaN or Inf",
  );
  assert.equal(
    raisedValue(() => encode(NaN)),
    "Cannot serialise number: must not be NaN or Inf",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode")),
    "bad argument #1 to 'encode' (expected 1 argument)",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode", 1, 2)),
    "bad argument #1 to 'encode' (expected 1 argument)",
  );
  let deep = new LuaTable();
  const root = deep;
  for (let i = 0; i < 1000; i++) {
    const next = new LuaTable();
    deep.set(1, next);
    deep = next;
  }
  assert.equal(
    raisedValue(() => encode(root)),
    "Cannot serialise, excessive nesting (1001)",
  );
});

Deno.test("cjson: configuration functions", () => {
  const lib = cjsonLibrary();
  assert.deepEqual(call(lib, "encode_sparse_array"), [false, 2, 10]);
  assert.deepEqual(call(lib, "encode_max_depth"), [1000]);
  assert.deepEqual(call(lib, "decode_max_depth"), [1000]);
  assert.deepEqual(call(lib, "encode_number_precision"), [14]);
  assert.deepEqual(call(lib, "encode_invalid_numbers"), [false]);
  assert.deepEqual(call(lib, "decode_invalid_numbers"), [true]);
  assert.deepEqual(call(lib, "encode_keep_buffer"), [true]);
  assert.deepEqual(call(lib, "encode_keep_buffer", "on"), [true]);
  assert.equal(
    raisedValue(() => call(lib, "encode_keep_buffer", "x")),
    "bad argument #1 to 'encode_keep_buffer' (invalid option 'x')",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode_number_precision", 15)),
    "bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode_max_depth", 0)),
    "bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode_max_depth", "a")),
    "bad argument #1 to 'encode_max_depth' (number expected, got string)",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode_sparse_array", 1, 2, 3, 4)),
    "bad argument #4 to 'encode_sparse_array' (found too many arguments)",
  );
  assert.equal(
    raisedValue(() => call(lib, "encode_sparse_array", undefined, 1, -1)),
    "bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)",
  );
  assert.deepEqual(call(lib, "encode_invalid_numbers", "null"), ["null"]);
  assert.equal(
    encode(luaTable([Infinity, -Infinity, NaN]), lib),
    "[null,null,null]",
  );
  assert.deepEqual(call(lib, "encode_invalid_numbers", true), [true]);
  assert.equal(
    encode(luaTable([Infinity, -Infinity, NaN]), lib),
    "[inf,-inf,nan]",
  );
  assert.deepEqual(call(lib, "encode_number_precision", 3), [3]);
  assert.equal(encode(Math.PI, lib), "3.14");
  assert.equal(encode(123456, lib), "1.23e+05");
  assert.deepEqual(call(lib, "encode_max_depth", 2), [2]);
  assert.equal(
    raisedValue(() => encode(luaTable([luaTable([luaTable([])])]), lib)),
    "Cannot serialise, excessive nesting (3)",
  );
  // new() is independent of the instance it came from.
  const fresh = call(lib, "new")[0] as LuaTable;
  assert.notEqual(fresh, lib);
  assert.equal(encode(Math.PI, fresh), "3.1415926535898");
  assert.equal(fresh.get("_NAME"), "cjson");
});

function decode(text: LuaValue, lib = cjsonLibrary()): LuaValue {
  return call(lib, "decode", text)[0];
}

function roundTrip(text: string): LuaValue {
  return encode(decode(text));
}

Deno.test("cjson: decode values", () => {
  assert.equal(roundTrip("[1,2,3]"), "[1,2,3]");
  assert.equal(roundTrip('[1,{"a":[]}]'), '[1,{"a":{}}]');
  assert.equal(roundTrip("   [ 1 , 2 ]   "), "[1,2]");
  assert.equal(roundTrip("\t\n\r [1]"), "[1]");
  assert.equal(roundTrip("[1]\0"), "[1]");
  assert.equal(roundTrip("[[[[1]]]]"), "[[[[1]]]]");
  assert.equal(roundTrip('{"1":2}'), '{"1":2}');
  assert.equal(roundTrip("[true,false]"), "[true,false]");
  assert.equal(decode("null"), CJSON_NULL);
  assert.equal((decode("[null]") as LuaTable).get(1), CJSON_NULL);
  assert.equal((decode('{"a":null}') as LuaTable).get("a"), CJSON_NULL);
  assert.equal(decode(12), 12);
  assert.equal(decode("01"), 1);
  assert.equal(decode("1."), 1);
  assert.equal(decode("1e5"), 100000);
  assert.ok(Object.is(decode("-0"), -0));
  assert.equal(decode("0x1F"), 31);
  assert.equal(decode("0X10"), 16);
  assert.equal(decode("-0x10"), -16);
  assert.equal(decode("0x1p4"), 16);
  assert.equal(decode("+1"), 1);
  assert.equal(decode("1E+2"), 100);
  assert.equal(decode("0.1e-2"), 0.001);
  assert.ok(Number.isNaN(decode("nan")));
  assert.ok(Number.isNaN(decode("nan(123)")));
  assert.equal(decode("inf"), Infinity);
  assert.equal(decode("Inf"), Infinity);
  assert.equal(decode("+inf"), Infinity);
  assert.equal(decode("-inf"), -Infinity);
  assert.equal(decode("Infinity"), Infinity);
  assert.equal(decode("1e400"), Infinity);
});

Deno.test("cjson: decode strings", () => {
  assert.equal(decode('"a\x01b"'), "a\x01b");
  assert.equal(decode('"\\/\\b\\f\\n\\r\\t\\""'), '/\b\f\n\r\t"');
  assert.equal(decode('"\\ud83d\\ude00"'), "\xf0\x9f\x98\x80");
  assert.equal(decode('"\\uD83D\\uDE00"'), "\xf0\x9f\x98\x80");
  assert.equal(
    decode('"\\u0080\\u07ff\\u0800\\uffff"'),
    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf",
  );
  assert.equal(decode('"\\u00e9\\u20ac\\u0000"'), "\xc3\xa9\xe2\x82\xac\0");
  assert.equal(decode('"\x80\xff"'), "\x80\xff");
});

Deno.test("cjson: decode errors", () => {
  const cases: [string, string][] = [
    ["", "Expected value but found T_END at character 1"],
    ["  ", "Expected value but found T_END at character 3"],
    ["x", "Expected value but found invalid token at character 1"],
    ["  x", "Expected value but found invalid token at character 3"],
    ["[1,2", "Expected comma or array end but found T_END at character 5"],
    ["[1 2]", "Expected comma or array end but found T_NUMBER at character 4"],
    ['{"a" 1}', "Expected colon but found T_NUMBER at character 6"],
    [
      '{"a":1 "b"}',
      "Expected comma or object end but found T_STRING at character 8",
    ],
    ["{1:2}", "Expected object key string but found T_NUMBER at character 2"],
    ["[1,]", "Expected value but found T_ARR_END at character 4"],
    [
      '{"a":1,}',
      "Expected object key string but found T_OBJ_END at character 8",
    ],
    [
      '"abc',
      "Expected value but found unexpected end of string at character 5",
    ],
    ['"a\\qb"', "Expected value but found invalid escape code at character 3"],
    ['"\\', "Expected value but found invalid escape code at character 2"],
    [
      '"\\u12"',
      "Expected value but found invalid unicode escape code at character 2",
    ],
    [
      '"\\ud800"',
      "Expected value but found invalid unicode escape code at character 2",
    ],
    [
      '"\\udc00"',
      "Expected value but found invalid unicode escape code at character 2",
    ],
    [
      '"\\ud800\\u0041"',
      "Expected value but found invalid unicode escape code at character 2",
    ],
    [
      '"\\uZZZZ"',
      "Expected value but found invalid unicode escape code at character 2",
    ],
    ["1 2", "Expected the end but found T_NUMBER at character 3"],
    ["[1] x", "Expected the end but found invalid token at character 5"],
    ["tru", "Expected value but found invalid token at character 1"],
    ["nul", "Expected value but found invalid token at character 1"],
    ["N", "Expected value but found invalid token at character 1"],
    ["-", "Expected value but found invalid number at character 1"],
    ["-a", "Expected value but found invalid number at character 1"],
    ["+a", "Expected value but found invalid number at character 1"],
    [".5", "Expected value but found invalid token at character 1"],
    ["1e", "Expected the end but found invalid token at character 2"],
    ["12abc", "Expected the end but found invalid token at character 3"],
    ["1.5.3", "Expected the end but found invalid token at character 4"],
    ["truex", "Expected the end but found invalid token at character 5"],
    ["\f[1]", "Expected value but found invalid token at character 1"],
    ["[1,2,,3]", "Expected value but found T_COMMA at character 6"],
    ['{"a":}', "Expected value but found T_OBJ_END at character 6"],
    ['{"a"', "Expected colon but found T_END at character 5"],
    ["{", "Expected object key string but found T_END at character 2"],
    ["[", "Expected value but found T_END at character 2"],
    ["]", "Expected value but found T_ARR_END at character 1"],
    ["}", "Expected value but found T_OBJ_END at character 1"],
    [":", "Expected value but found T_COLON at character 1"],
    [",", "Expected value but found T_COMMA at character 1"],
    ['"\0"', "JSON parser does not support UTF-16 or UTF-32"],
    [
      "[".repeat(1001) + "]".repeat(1001),
      "Found too many nested data structures (1001) at character 1001",
    ],
    [
      "[[" + '{"a":'.repeat(1000) + "1" + "}".repeat(1000) + "]]",
      "Found too many nested data structures (1001) at character 4993",
    ],
  ];
  for (const [text, message] of cases) {
    assert.equal(
      raisedValue(() => decode(text)),
      message,
      JSON.stringify(text),
    );
  }
  const lib = cjsonLibrary();
  assert.deepEqual(call(lib, "decode_invalid_numbers", false), [false]);
  assert.equal(
    raisedValue(() => decode("[0x10]", lib)),
    "Expected value but found invalid number at character 2",
  );
  assert.equal(
    raisedValue(() => decode("[01]", lib)),
    "Expected value but found invalid number at character 2",
  );
  assert.equal(
    raisedValue(() => decode("nan", lib)),
    "Expected value but found invalid token at character 1",
  );
  call(lib, "decode_invalid_numbers", true);
  assert.equal(
    raisedValue(() => decode('{"a":1 "b', lib)),
    "Expected comma or object end but found unexpected end of string at character 10",
  );
  assert.equal(
    raisedValue(() => decode('[1 "\\q"]', lib)),
    "Expected comma or array end but found invalid escape code at character 5",
  );
  assert.equal(
    raisedValue(() => call(lib, "decode")),
    "bad argument #1 to 'decode' (expected 1 argument)",
  );
  assert.equal(
    raisedValue(() => call(lib, "decode", new LuaTable())),
    "bad argument #1 to 'decode' (string expected, got table)",
  );
  assert.equal(
    raisedValue(() => call(lib, "decode", "[1]", "x")),
    "bad argument #1 to 'decode' (expected 1 argument)",
  );
  assert.equal(
    (roundTrip("[" + "[".repeat(999) + "]".repeat(1000)) as string).length,
    2000,
  );
});

Deno.test("cjson: a 1 MB document round-trips", () => {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    items.push(
      `{"id":${i},"name":"item \\u00e9 ${i}","tags":["a","b\\n"],"v":${
        i / 7
      },"ok":true,"n":null}`,
    );
    size += items[i].length + 1;
  }
  const text = "[" + items.join(",") + "]";
  const lib = cjsonLibrary();
  // Speed is measured by bench/lua_cpu.ts, not here.
  const result = decode(text, lib) as LuaTable;
  assert.equal(result.length(), items.length);
  const again = decode(encode(result, lib) as string, lib) as LuaTable;
  assert.equal(again.length(), items.length);
  const last = again.get(items.length) as LuaTable;
  assert.equal(last.get("id"), items.length - 1);
});
