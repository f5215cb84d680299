import assert from "node:assert/strict";
import {
  parseBlockingTimeout,
  parseDbIndex,
  parseFloatArgument,
  parseInt64Argument,
  parseIntegerArgument,
  parseLongDoubleArgument,
  parseMultiPopCount,
  parseNumkeys,
  parsePopCount,
  parseScanCursor,
  parseScanOptions,
} from "../../lib/commands/arguments.ts";
import { CommandError } from "../../lib/commands/errors.ts";
import { formatLongDouble } from "../../lib/util/numbers.ts";
import { binary as bytes } from "../helpers/bytes.ts";

const args = (...items: string[]) => items.map(bytes);

/** Runs `fn`, which must throw a CommandError, and returns its message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CommandError, `not a CommandError: ${error}`);
    return error.message;
  }
  assert.fail("expected a CommandError");
}

const NOT_INTEGER = "ERR value is not an integer or out of range";

Deno.test("arguments: integers parse with string2ll rules", () => {
  assert.equal(parseIntegerArgument(bytes("0")), 0);
  assert.equal(parseIntegerArgument(bytes("-42")), -42);
  assert.equal(
    parseIntegerArgument(bytes("9223372036854775807")),
    9223372036854775807,
  );
  for (
    const bad of [
      "",
      "+1",
      "01",
      " 1",
      "1 ",
      "1.0",
      "x",
      "-",
      "9223372036854775808",
    ]
  ) {
    assert.equal(errorOf(() => parseIntegerArgument(bytes(bad))), NOT_INTEGER);
  }
});

Deno.test("arguments: integer bounds use getRangeLong's texts", () => {
  assert.equal(parseIntegerArgument(bytes("5"), { min: 0, max: 5 }), 5);
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("6"), { min: 0, max: 5 })),
    "ERR value is out of range, value must between 0 and 5",
  );
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("-1"), { min: 0 })),
    "ERR value is out of range, value must between 0 and 9223372036854775807",
  );
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("1"), { max: 0 })),
    "ERR value is out of range, value must between -9223372036854775808 and 0",
  );
  // `message` replaces both texts; `rangeMessage` only the bounds one.
  const both = { min: 1, message: "ERR custom" };
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("x"), both)),
    "ERR custom",
  );
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("0"), both)),
    "ERR custom",
  );
  const range = { min: 0, rangeMessage: "ERR offset is out of range" };
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("x"), range)),
    NOT_INTEGER,
  );
  assert.equal(
    errorOf(() => parseIntegerArgument(bytes("-1"), range)),
    "ERR offset is out of range",
  );
});

Deno.test("arguments: 64-bit integers stay exact", () => {
  assert.equal(
    parseInt64Argument(bytes("-9223372036854775808")),
    -9223372036854775808n,
  );
  assert.equal(
    parseInt64Argument(bytes("9007199254740993")),
    9007199254740993n,
  );
  assert.equal(errorOf(() => parseInt64Argument(bytes("1e3"))), NOT_INTEGER);
  assert.equal(
    errorOf(() =>
      parseInt64Argument(bytes("-9223372036854775808"), {
        min: -9223372036854775807n,
      })
    ),
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
  );
  assert.equal(
    errorOf(() =>
      parseInt64Argument(bytes("0"), {
        min: 1n,
        message: "ERR COUNT must be > 0",
      })
    ),
    "ERR COUNT must be > 0",
  );
});

Deno.test("arguments: numkeys and counts", () => {
  assert.equal(parseNumkeys(bytes("3")), 3);
  for (const bad of ["0", "-1", "x"]) {
    assert.equal(
      errorOf(() => parseNumkeys(bytes(bad))),
      "ERR numkeys should be greater than 0",
    );
  }
  assert.equal(parsePopCount(bytes("0")), 0);
  for (const bad of ["-1", "x"]) {
    assert.equal(
      errorOf(() => parsePopCount(bytes(bad))),
      "ERR value is out of range, must be positive",
    );
  }
  assert.equal(parseMultiPopCount(bytes("1")), 1);
  for (const bad of ["0", "x"]) {
    assert.equal(
      errorOf(() => parseMultiPopCount(bytes(bad))),
      "ERR count should be greater than 0",
    );
  }
});

Deno.test("arguments: floats", () => {
  assert.equal(parseFloatArgument(bytes("1.5")), 1.5);
  assert.equal(parseFloatArgument(bytes("-inf")), -Infinity);
  assert.equal(parseFloatArgument(bytes("0x10")), 16);
  for (const bad of ["", "nan", " 1", "1e400", "abc"]) {
    assert.equal(
      errorOf(() => parseFloatArgument(bytes(bad))),
      "ERR value is not a valid float",
    );
  }
  assert.equal(
    errorOf(() =>
      parseFloatArgument(bytes("x"), {
        message: "ERR weight value is not a float",
      })
    ),
    "ERR weight value is not a float",
  );
  assert.equal(formatLongDouble(parseLongDoubleArgument(bytes("0.1"))), "0.1");
  assert.equal(
    errorOf(() => parseLongDoubleArgument(bytes("nan"))),
    "ERR value is not a valid float",
  );
  assert.equal(
    errorOf(() =>
      parseLongDoubleArgument(bytes("x"), {
        message: "ERR hash value is not a float",
      })
    ),
    "ERR hash value is not a float",
  );
});

Deno.test("arguments: blocking timeouts in seconds", () => {
  assert.equal(parseBlockingTimeout(bytes("0")), 0);
  assert.equal(parseBlockingTimeout(bytes("1.5")), 1500);
  assert.equal(parseBlockingTimeout(bytes("0.0001")), 0);
  // Truncation gives -0 here, which counts as 0 (forever) like Redis's 0.
  assert.ok(parseBlockingTimeout(bytes("-0.0001")) === 0);
  for (const bad of ["x", "", "nan"]) {
    assert.equal(
      errorOf(() => parseBlockingTimeout(bytes(bad))),
      "ERR timeout is not a float or out of range",
    );
  }
  for (const negative of ["-1", "inf", "-inf", "1e300"]) {
    assert.equal(
      errorOf(() => parseBlockingTimeout(bytes(negative))),
      "ERR timeout is negative",
    );
  }
});

Deno.test("arguments: blocking timeouts in milliseconds", () => {
  const ms = { unit: "milliseconds" } as const;
  assert.equal(parseBlockingTimeout(bytes("0"), ms), 0);
  assert.equal(parseBlockingTimeout(bytes("250"), ms), 250);
  for (const bad of ["1.5", "x", ""]) {
    assert.equal(
      errorOf(() => parseBlockingTimeout(bytes(bad), ms)),
      "ERR timeout is not an integer or out of range",
    );
  }
  assert.equal(
    errorOf(() => parseBlockingTimeout(bytes("-1"), ms)),
    "ERR timeout is negative",
  );
});

Deno.test("arguments: database indexes", () => {
  assert.equal(parseDbIndex(bytes("15"), 16), 15);
  assert.equal(
    errorOf(() => parseDbIndex(bytes("16"), 16)),
    "ERR DB index is out of range",
  );
  assert.equal(
    errorOf(() => parseDbIndex(bytes("-1"), 16)),
    "ERR DB index is out of range",
  );
  assert.equal(errorOf(() => parseDbIndex(bytes("x"), 16)), NOT_INTEGER);
  assert.equal(
    errorOf(() => parseDbIndex(bytes("2147483648"), 16)),
    "ERR value is out of range, value must between -2147483648 and 2147483647",
  );
  const swap = { message: "ERR invalid first DB index" };
  assert.equal(
    errorOf(() => parseDbIndex(bytes("x"), 16, swap)),
    "ERR invalid first DB index",
  );
  assert.equal(
    errorOf(() => parseDbIndex(bytes("-2147483649"), 16, swap)),
    "ERR invalid first DB index",
  );
  assert.equal(
    errorOf(() => parseDbIndex(bytes("99"), 16, swap)),
    "ERR DB index is out of range",
  );
});

Deno.test("arguments: scan cursors parse like strtoul", () => {
  assert.equal(parseScanCursor(bytes("")), 0n);
  assert.equal(parseScanCursor(bytes("+7")), 7n);
  assert.equal(parseScanCursor(bytes("-1")), 18446744073709551615n);
  assert.equal(parseScanCursor(bytes("7\x00junk")), 7n);
  for (const bad of [" 1", "1x", "-", "18446744073709551616"]) {
    assert.equal(
      errorOf(() => parseScanCursor(bytes(bad))),
      "ERR invalid cursor",
    );
  }
});

Deno.test("arguments: scan options", () => {
  assert.deepEqual(parseScanOptions(args("SSCAN", "k", "0"), 3), {
    count: 10,
    pattern: null,
    type: null,
  });
  assert.deepEqual(
    parseScanOptions(args("x", "count", "5", "MATCH", "a*", "match", "*"), 1),
    { count: 5, pattern: null, type: null },
  );
  assert.deepEqual(
    parseScanOptions(args("SCAN", "0", "TYPE", "hash", "MATCH", "k*"), 2, {
      allowType: true,
    }),
    { count: 10, pattern: "k*", type: bytes("hash") },
  );
  assert.equal(
    errorOf(() => parseScanOptions(args("TYPE", "hash"), 0)),
    "ERR syntax error",
  );
  assert.equal(
    errorOf(() => parseScanOptions(args("COUNT", "x"), 0)),
    NOT_INTEGER,
  );
  assert.equal(
    errorOf(() => parseScanOptions(args("COUNT", "0"), 0)),
    "ERR syntax error",
  );
  assert.equal(
    errorOf(() => parseScanOptions(args("MATCH"), 0)),
    "ERR syntax error",
  );
});
