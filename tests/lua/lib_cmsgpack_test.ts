// Expectations are Redis 7.0.15's outputs for the same calls.
import assert from "node:assert/strict";
import { hex, luaTable, nativeRuntime, raisedValue } from "../helpers/lua.ts";
import { cmsgpackLibrary } from "../../lib/lua/lib_cmsgpack.ts";
import { CJSON_NULL, cjsonEncode } from "../../lib/lua/lib_cjson.ts";
import { LuaFunction, LuaTable, type LuaValue } from "../../lib/lua/value.ts";

const L = nativeRuntime;
const lib = cmsgpackLibrary();

function call(name: string, ...args: LuaValue[]): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(L, args);
}

function unhex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i += 2) {
    out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
  }
  return out;
}

function pack(...values: LuaValue[]): string {
  return hex(call("pack", ...values)[0] as string);
}

/** The results as cjson would show them inside a Lua table. */
function shown(values: LuaValue[]): string {
  const t = new LuaTable();
  values.forEach((v, i) => t.set(i + 1, v));
  return cjsonEncode(t);
}

Deno.test("cmsgpack: library fields", () => {
  assert.equal(lib.get("_NAME"), "cmsgpack");
  assert.equal(lib.get("_VERSION"), "lua-cmsgpack 0.4.0");
  assert.equal(
    lib.get("_COPYRIGHT"),
    "Copyright (C) 2012, Salvatore Sanfilippo",
  );
  assert.equal(lib.get("_DESCRIPTION"), "MessagePack C implementation for Lua");
  for (const name of ["pack", "unpack", "unpack_one", "unpack_limit"]) {
    assert.ok(lib.get(name) instanceof LuaFunction);
  }
});

Deno.test("cmsgpack: pack numbers", () => {
  assert.equal(
    pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296),
    "007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000",
  );
  assert.equal(
    pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649),
    "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff",
  );
  assert.equal(
    pack(
      1.5,
      0.1,
      -0,
      1e300,
      Infinity,
      NaN,
      2 ** 64,
      -(2 ** 63),
      2 ** 63,
      3.25,
    ),
    "ca3fc00000cb3fb999999999999a00cb7e37e43c8800759cca7f800000cbfff8000000000000ca5f800000d38000000000000000ca5f000000ca40500000",
  );
  assert.equal(pack(-Infinity), "caff800000");
  assert.equal(pack(2 ** 63 - 1024), "cf7ffffffffffffc00");
  assert.equal(pack(-(2 ** 63) - 4096), "cbc3e0000000000002");
  assert.equal(pack(1e19), "cb43e158e460913d00");
  assert.equal(
    pack(-0.5, 2 ** 31, -(2 ** 31) - 0.5, 1e10),
    "cabf000000ce80000000cbc1e0000000100000cf00000002540be400",
  );
  assert.equal(
    pack(0.5, 0.25, 1 / 3),
    "ca3f000000ca3e800000cb3fd5555555555555",
  );
});

Deno.test("cmsgpack: pack strings, tables and others", () => {
  assert.equal(
    pack("", "abc", "x".repeat(31)),
    "a0a3616263bf" + "78".repeat(31),
  );
  assert.equal(pack("x".repeat(32)).slice(0, 6), "d92078");
  assert.equal(pack("x".repeat(256)).slice(0, 8), "da010078");
  assert.equal(pack("x".repeat(65536)).slice(0, 12), "db0001000078");
  assert.equal(pack("a\0b"), "a3610062");
  assert.equal(pack(true, false, undefined), "c3c2c0");
  assert.equal(pack(luaTable([])), "90");
  assert.equal(pack(luaTable([1, 2, 3])), "93010203");
  assert.equal(pack(luaTable([], [["a", 1]])), "81a16101");
  assert.equal(pack(luaTable([], [[1, 1], [2, 2], [4, 4]])), "83010102020404");
  assert.equal(pack(luaTable([], [[1, 1], [3, 3]])), "8201010303");
  assert.equal(pack(luaTable([], [[2, 1]])), "810201");
  assert.equal(pack(luaTable([1], [["x", 2]])), "820101a17802");
  assert.equal(pack(luaTable([], [[1.5, 2]])), "81ca3fc0000002");
  assert.equal(pack(lib.get("pack")), "c0");
  assert.equal(pack(luaTable([], [["f", lib.get("pack")]])), "81a166c0");
  assert.equal(pack(CJSON_NULL), "c0");
  let deep = new LuaTable();
  const root = deep;
  for (let i = 0; i < 20; i++) {
    const next = new LuaTable();
    deep.set(1, next);
    deep = next;
  }
  assert.equal(pack(root), "91".repeat(16) + "c0");
  assert.equal(
    raisedValue(() => call("pack")),
    "bad argument #0 to 'pack' (MessagePack pack needs input.)",
  );
});

Deno.test("cmsgpack: unpack", () => {
  const unpack = (h: string) => shown(call("unpack", unhex(h)));
  assert.equal(unpack("0102a141"), '[1,2,"A"]');
  assert.deepEqual(call("unpack", ""), []);
  assert.equal(unpack("9201028" + "2a16101a162c0"), '[[1,2],{"a":1}]');
  assert.equal(unpack("cfffffffffffffffff"), "[-1]");
  assert.equal(unpack("d38000000000000001"), "[-9.2233720368548e+18]");
  assert.equal(unpack("ca3fc00000cb3fb999999999999a"), "[1.5,0.1]");
  assert.equal(unpack("c0c2c3"), "[null,false,true]");
  assert.equal(call("unpack", unhex("c0c0")).length, 2);
  assert.equal(
    unpack("dc00020102de00010102dd0000000107df000000010304"),
    "[[1,2],[2],[7],[null,null,4]]",
  );
  assert.equal(unpack("d90141da000142db0000000143"), '["A","B","C"]');
  assert.equal(
    unpack("d080d18000d280000000ccffceffffffff"),
    "[-128,-32768,-2147483648,255,4294967295]",
  );
  assert.equal(unpack("8201c00203"), "[[null,3]]");
  assert.equal(call("unpack", unhex("a20001"))[0], "\0\x01");
  assert.deepEqual(call("unpack", 12), [49, 50]);
  assert.equal(
    shown(call("unpack", call("pack", 1, "two", luaTable([3]))[0])),
    '[1,"two",[3]]',
  );
  const missing = "Missing bytes in input.";
  for (const h of ["cd01", "91", "8101", "a501", "d9", "dc00", "cb000000"]) {
    assert.equal(raisedValue(() => call("unpack", unhex(h))), missing, h);
  }
  const bad = "Bad data format in input.";
  for (const h of ["c1", "c4024142", "d40141", "c7010541", "c800010541"]) {
    assert.equal(raisedValue(() => call("unpack", unhex(h))), bad, h);
  }
  assert.equal(
    raisedValue(() => call("unpack", unhex("81c001"))),
    "table index is nil",
  );
  assert.equal(
    raisedValue(() => call("unpack")),
    "bad argument #1 to 'unpack' (string expected, got no value)",
  );
});

Deno.test("cmsgpack: unpack_one and unpack_limit", () => {
  const s = "\x01\x02\x03";
  const show = (name: string, ...args: LuaValue[]) =>
    shown(call(name, ...args));
  assert.equal(show("unpack_one", s), "[1,1]");
  assert.equal(show("unpack_one", s, 1), "[2,2]");
  assert.equal(show("unpack_one", s, 2), "[-1,3]");
  assert.equal(show("unpack_one", s, 3), "[-1]");
  assert.equal(show("unpack_one", s, 1.5), "[2,2]");
  assert.equal(show("unpack_one", ""), "[-1]");
  assert.equal(show("unpack_limit", s, 2), "[2,1,2]");
  assert.equal(show("unpack_limit", s, 2, 1), "[-1,2,3]");
  assert.equal(show("unpack_limit", s, 0), "[1,2,3]");
  assert.equal(show("unpack_limit", s, 5), "[-1,1,2,3]");
  assert.equal(show("unpack_limit", s, 0, 1), "[1]");
  assert.equal(show("unpack_limit", s, 0, 2), "[2]");
  assert.equal(show("unpack_limit", s, 0, 3), "[-1]");
  assert.equal(show("unpack_one", s, 0), "[1,1]");
  assert.equal(show("unpack_limit", s, 2, 3), "[-1]");
  assert.equal(
    raisedValue(() => call("unpack_one", s, 5)),
    "Start offset 5 greater than input length 3.",
  );
  assert.equal(
    raisedValue(() => call("unpack_one", s, -1)),
    "Invalid request to unpack with offset of -1 and limit of 3.",
  );
  assert.equal(
    raisedValue(() => call("unpack_limit", s, -1)),
    "Invalid request to unpack with offset of 0 and limit of 3.",
  );
  assert.equal(
    raisedValue(() => call("unpack_limit", s, 1, -2)),
    "Invalid request to unpack with offset of -2 and limit of 3.",
  );
  assert.equal(
    raisedValue(() => call("unpack_limit", s)),
    "bad argument #2 to 'unpack_limit' (number expected, got no value)",
  );
  assert.equal(
    raisedValue(() => call("unpack_one", s, "x")),
    "bad argument #2 to 'unpack_one' (number expected, got string)",
  );
  assert.equal(
    raisedValue(() => call("unpack_one", "\x92\x01")),
    "Missing bytes in input.",
  );
});
