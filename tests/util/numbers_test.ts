import assert from "node:assert/strict";
import {
  addLongDouble,
  formatDouble,
  formatLongDouble,
  type LongDouble,
  longDoubleFromInteger,
  parseInt64,
  parseInteger,
  parseIntegerText,
  parseLongDouble,
  parseStrictDouble,
} from "../../lib/util/numbers.ts";
import { binary } from "../helpers/bytes.ts";
import { prng } from "../helpers/differential.ts";
import { RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

/** What Redis's INCRBYFLOAT replies for `current` (or a missing key) plus `increment`. */
function incrByFloat(current: string | null, increment: string): string {
  const value = current === null
    ? parseLongDouble(binary("0"))
    : parseLongDouble(binary(current));
  const incr = parseLongDouble(binary(increment));
  if (value === null || incr === null) return "ERR value is not a valid float";
  const sum = addLongDouble(value, incr);
  if (sum.kind !== "finite") {
    return "ERR increment would produce NaN or Infinity";
  }
  return formatLongDouble(sum);
}

Deno.test("parseInt64 and parseInteger follow string2ll", () => {
  assert.equal(parseInt64(binary("0")), 0n);
  assert.equal(parseInt64(binary("-9223372036854775808")), -(2n ** 63n));
  assert.equal(parseInt64(binary("9223372036854775807")), 2n ** 63n - 1n);
  for (
    const bad of [
      "",
      "-",
      "+1",
      "01",
      "-0",
      " 1",
      "1 ",
      "1.0",
      "9223372036854775808",
      "-9223372036854775809",
      "123456789012345678901",
    ]
  ) {
    assert.equal(parseInt64(binary(bad)), null, bad);
    assert.equal(parseInteger(binary(bad)), null, bad);
  }
  assert.equal(parseInteger(binary("-42")), -42);
  assert.equal(
    parseInteger(binary("9223372036854775807")),
    9223372036854775807,
  );
});

Deno.test("parseIntegerText reads a binary string exactly as parseInteger reads its bytes", () => {
  const texts = [
    "",
    "0",
    "-",
    "-0",
    "+1",
    "01",
    " 1",
    "1 ",
    "1.0",
    "7",
    "-7",
    "42",
    "123456789012345",
    "-123456789012345",
    "1234567890123456",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "12a",
    "\u00001",
    "1\u0000",
    "\u00ff",
  ];
  for (const text of texts) {
    assert.equal(parseIntegerText(text), parseInteger(binary(text)), text);
  }
  assert.equal(parseIntegerText("-42"), -42);
});

Deno.test("parseLongDouble accepts strtold syntax and refuses what string2ld refuses", () => {
  const valid = [
    "1",
    "-1",
    "+.5",
    "1.",
    "5.0e3",
    "1E-3",
    "0x1p-2",
    "0X1.8P1",
    "0x10",
    "inf",
    "-Infinity",
    "+INF",
    "-0",
    "0e99999999999",
    "1e-4950",
  ];
  for (const text of valid) {
    assert.notEqual(parseLongDouble(binary(text)), null, text);
  }
  const invalid = [
    "",
    ".",
    "e5",
    "1e",
    "1e+",
    " 1",
    "1 ",
    "nan",
    "-nan",
    "NaN(1)",
    "infin",
    "0x",
    "0x.p1",
    "1e5000",
    "-1e5000",
    "1e-4952",
    "0x1p99999",
    "1\x002",
    "1,5",
    "x".repeat(10),
    "1".repeat(5120),
  ];
  for (const text of invalid) {
    assert.equal(parseLongDouble(binary(text)), null, text);
  }
  assert.notEqual(parseLongDouble(binary("0." + "1".repeat(5117))), null);
});

Deno.test("long double arithmetic and %.17Lf formatting match Redis", () => {
  const cases: [string | null, string, string][] = [
    [null, "0.1", "0.1"],
    ["0.1", "0.2", "0.3"],
    [null, "5.0e3", "5000"],
    ["3", "0.000003814697265625", "3.00000381469726562"],
    [null, "-0", "0"],
    ["-0", "-0", "0"],
    [null, "0x1p-2", "0.25"],
    [null, "1e-4950", "0"],
    [null, "-1e-18", "0"],
    [null, "1.5", "1.5"],
    ["10", "-10", "0"],
    ["9223372036854775807", "1", "9223372036854775808"],
    [null, "3.0000000000000001", "3.0000000000000001"],
    [null, "3.00000000000000001", "3.00000000000000001"],
    [null, "3.000000000000000001", "3"],
    [null, "inf", "ERR increment would produce NaN or Infinity"],
    ["abc", "1", "ERR value is not a valid float"],
    [null, "1e5000", "ERR value is not a valid float"],
  ];
  for (const [current, increment, expected] of cases) {
    assert.equal(
      incrByFloat(current, increment),
      expected,
      `${current} + ${increment}`,
    );
  }
  assert.equal(incrByFloat(null, "1e4000").length, 4000);
  assert.ok(
    incrByFloat(null, "1e4000").startsWith("99999999999999999999654638"),
  );
  const big: LongDouble = longDoubleFromInteger(-(2n ** 63n));
  assert.equal(formatLongDouble(big), "-9223372036854775808");
  const inf = parseLongDouble(binary("inf"))!;
  const minusInf = parseLongDouble(binary("-inf"))!;
  assert.equal(addLongDouble(inf, minusInf).kind, "nan");
  assert.equal(formatLongDouble(minusInf), "-inf");
});

Deno.test("formatDouble is %.17g and parseStrictDouble is string2d", () => {
  const cases: [number, string][] = [
    [1.1, "1.1000000000000001"],
    [1000000000000000.25, "1000000000000000.2"],
    [1000000000000000.75, "1000000000000000.8"],
    [123456789012345.125, "123456789012345.12"],
    [16, "16"],
    [1e-5, "1.0000000000000001e-05"],
    [123456789012345678901, "1.2345678901234568e+20"],
    [-0, "-0"],
    [0.1 + 0.2, "0.30000000000000004"],
    [2 ** 56, "72057594037927936"],
    [1e17, "1e+17"],
    [5e-324, "4.9406564584124654e-324"],
    [-2.5e-7, "-2.4999999999999999e-07"],
    [0.0001, "0.0001"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [value, text] of cases) assert.equal(formatDouble(value), text);
  assert.equal(parseStrictDouble(binary("0x10")), 16);
  assert.equal(parseStrictDouble(binary("+inf")), Infinity);
  assert.equal(parseStrictDouble(binary("-Infinity")), -Infinity);
  assert.equal(parseStrictDouble(binary("4e-324")), 5e-324);
  assert.ok(Object.is(parseStrictDouble(binary("-0")), -0));
  for (
    const bad of ["", "nan", " 1", "1 ", "1e400", "1e-400", "abc", "1e", "0x"]
  ) {
    assert.equal(parseStrictDouble(binary(bad)), null, bad);
  }
});

/** Random number texts: decimals of many shapes, hex floats, extremes. */
function randomFloatText(rand: () => number): string {
  const digits = (n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
    return s;
  };
  const sign = ["", "-", "+"][Math.floor(rand() * 3)];
  switch (Math.floor(rand() * 8)) {
    case 0:
      return sign + digits(1 + Math.floor(rand() * 20));
    case 1:
      return sign + digits(1 + Math.floor(rand() * 6)) + "." +
        digits(1 + Math.floor(rand() * 25));
    case 2:
      return sign + "0." + digits(Math.floor(rand() * 40));
    case 3:
      return sign + digits(1 + Math.floor(rand() * 3)) + "e" +
        (Math.floor(rand() * 640) - 320);
    case 4:
      return sign + digits(1 + Math.floor(rand() * 30)) + "e" +
        (Math.floor(rand() * 9900) - 4950);
    case 5:
      return sign + "0x" + Math.floor(rand() * 1e9).toString(16) + "." +
        Math.floor(rand() * 1e6).toString(16) + "p" +
        (Math.floor(rand() * 200) - 100);
    case 6:
      return sign + "." + digits(1 + Math.floor(rand() * 5)) + "E" +
        (Math.floor(rand() * 40) - 20);
    default:
      return ["inf", "1e", ".", "1.2.3", "0x", "nan", "1e4933", "1e-4951"][
        Math.floor(rand() * 8)
      ];
  }
}

Deno.test({
  name:
    "long double and double helpers agree with redis-server on random inputs",
  ignore: !hasRedisServer(),
  async fn() {
    await withServer({ oracle: true }, async ([client]) => {
      const rand = prng(20260101);
      const texts: string[] = [];
      for (let i = 0; i < 600; i++) texts.push(randomFloatText(rand));
      // INCRBYFLOAT chains: each key receives a few increments in a row.
      const expected: string[] = [];
      const current = new Map<string, string>();
      for (let i = 0; i < texts.length; i++) {
        const key = "k" + (i % 40);
        await client.send("INCRBYFLOAT", key, texts[i]);
        const reply = incrByFloat(current.get(key) ?? null, texts[i]);
        if (!reply.startsWith("ERR")) current.set(key, reply);
        expected.push(reply);
      }
      for (let i = 0; i < texts.length; i++) {
        const reply = await client.read();
        const actual = reply instanceof RespError ? reply.message : reply;
        assert.equal(expected[i], actual, `INCRBYFLOAT ... ${texts[i]}`);
      }
      // ZADD parses with string2d and ZSCORE replies with %.17g. The
      // skiplist encoding keeps -0 (listpacks store it as 0).
      await client.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
      for (const text of texts) {
        await client.send("ZADD", "z", text, "m");
        await client.send("ZSCORE", "z", "m");
      }
      for (const text of texts) {
        const added = await client.read();
        const score = await client.read();
        const parsed = parseStrictDouble(binary(text));
        if (added instanceof RespError) {
          assert.equal(parsed, null, `ZADD ${text}`);
          continue;
        }
        assert.notEqual(parsed, null, `ZADD ${text}`);
        assert.equal(formatDouble(parsed!), score, `ZSCORE after ${text}`);
      }
    });
  },
});

Deno.test("parseStrictDouble: integers read without a string, as strtod reads them", () => {
  const parse = (text: string) => parseStrictDouble(binary(text));
  assert.equal(parse("7"), 7);
  assert.equal(parse("+7"), 7);
  assert.equal(parse("007"), 7);
  assert.ok(Object.is(parse("-0"), -0));
  assert.ok(Object.is(parse("0"), 0));
  assert.equal(parse("-999999999999999"), -999999999999999);
  assert.equal(parse("9007199254740993"), 9007199254740992, "16 digits round");
  for (
    const bad of ["", "+", "-", "+-1", "1 ", " 1", "1a", "12345678901234x"]
  ) {
    assert.equal(parse(bad), null, JSON.stringify(bad));
  }
});
