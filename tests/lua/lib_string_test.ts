import assert from "node:assert/strict";
import { libraryKeys } from "../helpers/lua.ts";
import { stringLibrary } from "../../lib/lua/lib_string.ts";
import {
  LuaError,
  LuaFunction,
  type LuaRuntime,
  LuaTable,
  type LuaValue,
  nativeFunction,
  numberToString,
} from "../../lib/lua/value.ts";

const L: LuaRuntime = {
  call: (fn, args) => (fn as LuaFunction).native!(L, args),
  tostring: (v) => typeof v === "number" ? numberToString(v) : String(v),
  index: (t, k) => (t as LuaTable).get(k),
  globals: new LuaTable(),
};
const lib = stringLibrary();

function call(name: string, ...args: LuaValue[]): LuaValue[] {
  return (lib.get(name) as LuaFunction).native!(L, args);
}

/** Results joined as the oracle script printed them (tostring, "|"), or "ERR message". */
function run(name: string, ...args: LuaValue[]): string {
  try {
    return call(name, ...args).map((v) =>
      v === undefined ? "nil" : L.tostring(v)
    ).join("|");
  } catch (e) {
    if (e instanceof LuaError) return `ERR ${e.value}`;
    throw e;
  }
}

const fn = (f: (...a: LuaValue[]) => LuaValue) =>
  nativeFunction("f", (_L, a) => [f(...a)]);

function record(entries: Record<string, LuaValue>): LuaTable {
  const t = new LuaTable();
  for (const [k, v] of Object.entries(entries)) t.set(k, v);
  return t;
}

// Each case was run through redis-server 7.0.15's EVAL; `expected` holds its output.
const cases: [string, ...LuaValue[]][] = [
  ["find", "hello world", "o", 5],
  ["find", "hello world", "o", -3],
  ["find", "hello", "l+"],
  ["find", "a.b", ".", 1, true],
  ["find", "hello", "(h)(e)"],
  ["find", "hello", "()ll()"],
  ["match", "key=val", "(%w+)=(%w+)"],
  ["match", "  trim  ", "^%s*(.-)%s*$"],
  ["match", "THE (quick) fox", "%((%a+)%)"],
  ["match", "f(a(b)c)d", "%b()"],
  ["match", "THE quick", "%f[%a]%a+", 4],
  ["match", "abcabc", "(abc)%1"],
  ["match", "x", "[%"],
  ["match", "x", "[a"],
  ["match", "x", "%"],
  ["match", "x", "(x"],
  ["match", "x", "x)"],
  ["match", "x", "%f"],
  ["match", "x", "%1"],
  ["match", "a]b", "[]]"],
  ["match", "a-b", "[a-]+"],
  ["match", "\xe9A", "%a"],
  ["match", "x^y", "x^y"],
  ["match", "hello", "^(h)"],
  ["match", "hello", ".-$"],
  ["match", "aaa", "a-b"],
  ["match", "2024-01-05", "(%d+)-(%d%d)-(%d+)"],
  ["match", "abc", "[^%a]"],
  ["match", "a1_", "[%w_]+"],
  ["match", "x", "%b"],
  ["match", "[[x]]", "%[(%b[])%]"],
  ["match", "abc", "b", -1],
  ["gsub", "hello world", "o", "0"],
  ["gsub", "hello world", "(o)", "[%1]", 1],
  ["gsub", "abc", "", "-"],
  ["gsub", "hello", "^h", "J"],
  ["gsub", "abc", "%w", "%0%0"],
  ["gsub", "abc", "(a)(b)", "%2%1"],
  ["gsub", "abc", "b", "%%"],
  ["gsub", "a b", "%s", 5],
  ["gsub", "abc", "()", "%1"],
  ["gsub", "x", "x", true],
  ["sub", "hello", 2, -2],
  ["sub", "hello", -3],
  ["sub", "hello", 0],
  ["sub", "hello", 10],
  ["sub", "hello", 3, 2],
  ["byte", "ABC"],
  ["byte", "ABC", -1],
  ["byte", "ABC", 1, -1],
  ["byte", "ABC", 10],
  ["char", 72, 105],
  ["char", 256],
  ["char"],
  ["rep", "ab", 3],
  ["rep", "x", 0],
  ["rep"],
  ["lower", "AbC\xc9"],
  ["upper", "abc\xe9"],
  ["len", "a\0b"],
  ["reverse", "abc"],
  ["sub"],
  ["find", "abc", "b", 1.9],
  ["gsub", "abc", "b"],
  ["find", "", ""],
  ["find", "abc", "$"],
  ["match", "abc", "()$"],
  ["find", "a+b", "+", 1, true],
  ["match", "  x", "^%s*()"],
  ["gsub", "abc", ".", "%9"],
  ["format", "%5.1q", "x"],
  ["gsub", "hello world", "%w+", "<%0>", 1.5],
  ["gsub", "abc", "%w", "%"],
  ["match", "a.b", "%.(.)"],
  ["match", "a", "(()())"],
];
const expected: string[] = [
  "5|5",
  "nil",
  "3|4",
  "2|2",
  "1|2|h|e",
  "3|4|3|5",
  "key|val",
  "trim",
  "quick",
  "(a(b)c)",
  "quick",
  "abc",
  "ERR malformed pattern (missing ']')",
  "ERR malformed pattern (missing ']')",
  "ERR malformed pattern (ends with '%')",
  "ERR unfinished capture",
  "ERR invalid pattern capture",
  "ERR missing '[' after '%f' in pattern",
  "ERR invalid capture index",
  "]",
  "a-",
  "A",
  "x^y",
  "h",
  "hello",
  "nil",
  "2024|01|05",
  "nil",
  "a1_",
  "ERR unbalanced pattern",
  "[x]",
  "nil",
  "hell0 w0rld|2",
  "hell[o] world|1",
  "-a-b-c-|4",
  "Jello|1",
  "aabbcc|3",
  "bac|1",
  "a%c|1",
  "a5b|1",
  "1a2b3c4|4",
  "ERR bad argument #3 to 'gsub' (string/function/table expected)",
  "ell",
  "llo",
  "hello",
  "",
  "",
  "65",
  "67",
  "65|66|67",
  "",
  "Hi",
  "ERR bad argument #1 to 'char' (invalid value)",
  "",
  "ababab",
  "",
  "ERR bad argument #1 to 'rep' (string expected, got no value)",
  "abc\u00c9",
  "ABC\u00e9",
  "3",
  "cba",
  "ERR bad argument #1 to 'sub' (string expected, got no value)",
  "2|2",
  "ERR bad argument #3 to 'gsub' (string/function/table expected)",
  "1|0",
  "4|3",
  "4",
  "2|2",
  "3",
  "ERR invalid capture index",
  '"x"',
  "<hello> world|1",
  "\u0000\u0000\u0000|3",
  "b",
  "|1|1",
];

Deno.test("string functions agree with redis-server", () => {
  assert.equal(cases.length, expected.length);
  cases.forEach(([name, ...args], i) => {
    assert.equal(
      run(name, ...args),
      expected[i],
      `${name}(${JSON.stringify(args)})`,
    );
  });
});

Deno.test("string library has exactly Redis 7.0's keys", () => {
  assert.deepEqual(libraryKeys(lib), [
    "byte",
    "char",
    "dump",
    "find",
    "format",
    "gfind",
    "gmatch",
    "gsub",
    "len",
    "lower",
    "match",
    "rep",
    "reverse",
    "sub",
    "upper",
  ]);
  assert.equal(lib.get("gfind"), lib.get("gmatch"));
});

function collect(iterator: LuaValue): string[] {
  const out: string[] = [];
  for (;;) {
    const values = (iterator as LuaFunction).native!(L, []);
    if (values.length === 0 || values[0] === undefined) return out;
    out.push(values.map((v) => L.tostring(v)).join(":"));
  }
}

Deno.test("gmatch and gfind", () => {
  assert.deepEqual(collect(call("gmatch", "a=1, b=2", "(%w+)=(%w+)")[0]), [
    "a:1",
    "b:2",
  ]);
  assert.deepEqual(collect(call("gfind", "abc", "()")[0]), [
    "1",
    "2",
    "3",
    "4",
  ]);
  // 5.1's gmatch does not anchor: '^' is literal
  assert.deepEqual(collect(call("gmatch", "^a^b", "^%a")[0]), ["^a", "^b"]);
  assert.deepEqual(collect(call("gmatch", "abc", "%a*")[0]), ["abc", ""]);
});

Deno.test("gsub with function and table replacements", () => {
  assert.equal(
    run("gsub", "hello world", "%w+", fn((w) => (w as string).toUpperCase())),
    "HELLO WORLD|2",
  );
  assert.equal(
    run("gsub", "hello world", "%w+", fn((w) => w === "world" ? undefined : 1)),
    "1 world|2",
  );
  assert.equal(run("gsub", "$x $y", "%$(%w+)", record({ x: "1" })), "1 $y|2");
  assert.equal(
    run("gsub", "abc", "%w", fn(() => new LuaTable())),
    "ERR invalid replacement value (a table)",
  );
  assert.equal(
    run("gsub", "abc", "%w", record({ a: true })),
    "ERR invalid replacement value (a boolean)",
  );
  assert.equal(run("gsub", "abc", "%w", record({ a: false })), "abc|3");
  assert.equal(run("gsub", "abc", "b", "x", 0), "abc|0");
  assert.equal(run("gsub", "abc", "b", "x", -1), "abc|0");
  assert.equal(run("gsub", "abc", "b", 1.5), "a1.5c|1");
  assert.equal(
    run("gsub", "abc", "b", undefined),
    "ERR bad argument #3 to 'gsub' (string/function/table expected)",
  );
});

Deno.test("string.format", () => {
  assert.equal(
    run(
      "format",
      "%5.2f|%d|%s|%q|%x|%g",
      3.14159,
      42,
      "hi",
      'a"b\n',
      255,
      1e20,
    ),
    ' 3.14|42|hi|"a\\"b\\\n"|ff|1e+20',
  );
  assert.equal(
    run(
      "format",
      "%.0f %.0f %.1f %e %g %g",
      0.5,
      2.5,
      0.25,
      12345.6789,
      1e-5,
      100000,
    ),
    "0 2 0.2 1.234568e+04 1e-05 100000",
  );
  assert.equal(
    run(
      "format",
      "[%-8d][%08.3f][%+d][% d][%#x][%#o][%.3d][%5s][%-5s][%.2s]",
      42,
      -3.14159,
      5,
      5,
      255,
      8,
      7,
      "ab",
      "ab",
      "abcdef",
    ),
    "[42      ][-003.142][+5][ 5][0xff][010][007][   ab][ab   ][ab]",
  );
  assert.equal(
    run(
      "format",
      "%g %g %g %g %g %#g %G %E",
      0.1,
      1e15,
      123456789,
      1e-10,
      NaN,
      1.5,
      1e-20,
      12.5,
    ),
    "0.1 1e+15 1.23457e+08 1e-10 -nan 1.50000 1E-20 1.250000E+01",
  );
  assert.equal(
    run("format", "%f %f %10.4e|", Infinity, -Infinity, 0.000123456),
    "inf -inf 1.2346e-04|",
  );
  assert.equal(
    run("format", "%.3f", 1e300),
    "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000",
  );
  assert.equal(run("format", "%5c|%-3c|%c", 65, 66, 256 + 67), "    A|B  |C");
  assert.equal(run("format", "%c", 0), "");
  assert.equal(
    run("format", "%x %X %o %u", 3735928559, 3735928559, 511, -1),
    "deadbeef DEADBEEF 777 18446744073709551615",
  );
  assert.equal(
    run("format", "%d %x %x %x %x %d", 1e100, -1, 2 ** 64, 1e30, -1e30, NaN),
    "-9223372036854775808 ffffffffffffffff 0 0 8000000000000000 -9223372036854775808",
  );
  assert.equal(
    run("format", "%.20f %.15g %.17g", 0.1, 0.1, 0.1),
    "0.10000000000000000555 0.1 0.10000000000000001",
  );
  assert.equal(
    run("format", "%-+6d|%+.2e|% 08.2f|%#.3g|%.0e", 3, 1234.5, -1.5, 1, 15000),
    "+3    |+1.23e+03|-0001.50|1.00|2e+04",
  );
  assert.equal(run("format", "%d %5.1f", "10", "2.25"), "10   2.2");
  assert.equal(run("format", "%s %s", 1, 1.5), "1 1.5");
  assert.equal(run("format", "%5.1s|%%", "abc"), "    a|%");
  assert.equal(run("format", "%q", 'a\0b\r\n\\"'), '"a\\000b\\r\\\n\\\\\\""');
  assert.equal(run("format", "%s|", "a\0b"), "a|");
  assert.equal(
    (call("format", "%s", "a\0".repeat(60))[0] as string).length,
    120,
  );
  assert.equal(run("format", "%-----d", 1), "1");
  assert.equal(run("format", "%y", 1), "ERR invalid option '%y' to 'format'");
  assert.equal(
    run("format", "%d", "x"),
    "ERR bad argument #2 to 'format' (number expected, got string)",
  );
  assert.equal(
    run("format", "%d"),
    "ERR bad argument #2 to 'format' (no value)",
  );
  assert.equal(
    run("format", "%5%"),
    "ERR bad argument #2 to 'format' (no value)",
  );
  assert.equal(
    run("format", "%------d", 1),
    "ERR invalid format (repeated flags)",
  );
  assert.equal(
    run("format", "%123d", 1),
    "ERR invalid format (width or precision too long)",
  );
  assert.equal(
    run("format", "%1.123d", 1),
    "ERR invalid format (width or precision too long)",
  );
  assert.equal(
    run("format", "%.200s", "x"),
    "ERR invalid format (width or precision too long)",
  );
  assert.equal(
    run("format", "%s", new LuaTable()),
    "ERR bad argument #2 to 'format' (string expected, got table)",
  );
});

Deno.test("binary safety and dump", () => {
  assert.equal(run("find", "a\0b\0c", "%z", 3), "4|4");
  assert.equal(run("find", "a\0b", "\0", 1, true), "2|2");
  assert.equal(run("match", "x\0y", "[%z]"), "\0");
  assert.equal(run("find", "a\0b", "a\0c"), "nil");
  assert.equal(run("find", "a\0b", "(a)\0c"), "1|1|a");
  assert.equal(run("rep", "a\0", 2), "a\0a\0");
  assert.equal(run("byte", "\0\xff", 1, 2), "0|255");
  assert.equal(run("upper", "a\0\xe9"), "A\0\xe9");
  assert.equal(run("rep", "ab", 2.9), "abab");
  assert.equal(run("byte", ""), "");
  assert.equal(
    run("dump", lib.get("len")),
    "ERR unable to dump given function",
  );
  assert.equal(
    run("dump"),
    "ERR bad argument #1 to 'dump' (function expected, got no value)",
  );
});
