import assert from "node:assert/strict";
import {
  parseLexRange,
  parseScoreRange,
  strtod,
} from "../../lib/types/zset_score.ts";
import { LEX_MAX, LEX_MIN } from "../../lib/types/skiplist.ts";

Deno.test("strtod parses C syntax and reports where it stopped", () => {
  assert.deepEqual(strtod("1.5"), { value: 1.5, end: 3, erange: false });
  assert.deepEqual(strtod("  -2e3x"), { value: -2000, end: 6, erange: false });
  assert.deepEqual(strtod("abc"), { value: 0, end: 0, erange: false });
  assert.deepEqual(strtod(""), { value: 0, end: 0, erange: false });
  assert.deepEqual(strtod("1e"), { value: 1, end: 1, erange: false });
  assert.deepEqual(strtod(".5"), { value: 0.5, end: 2, erange: false });
  assert.deepEqual(strtod("5."), { value: 5, end: 2, erange: false });
  assert.equal(strtod("-inf").value, -Infinity);
  assert.equal(strtod("+Infinity").end, 9);
  assert.equal(strtod("infinit").end, 3);
  assert.ok(Number.isNaN(strtod("nan(123)").value));
  assert.equal(strtod("nan(123)").end, 8);
  assert.equal(strtod("0x10").value, 16);
  assert.equal(strtod("0x1p-3").value, 0.125);
  assert.equal(strtod("0x.8").value, 0.5);
  assert.deepEqual(strtod("0xg"), { value: 0, end: 1, erange: false });
  assert.equal(strtod("0x1p-1074").value, 5e-324);
  assert.equal(strtod("1e400").erange, true);
  assert.equal(strtod("1e400").value, Infinity);
  assert.equal(strtod("1e-400").erange, true);
  assert.equal(strtod("1e-310").erange, true);
  assert.equal(strtod("0e-400").erange, false);
});

Deno.test("score ranges follow zslParseRange", () => {
  assert.deepEqual(parseScoreRange("(1", "5"), {
    min: 1,
    max: 5,
    minex: true,
    maxex: false,
  });
  assert.deepEqual(parseScoreRange("-inf", "+inf"), {
    min: -Infinity,
    max: Infinity,
    minex: false,
    maxex: false,
  });
  // strtod of nothing is 0, and only a NUL ends the text for Redis.
  assert.deepEqual(parseScoreRange("", "("), {
    min: 0,
    max: 0,
    minex: false,
    maxex: true,
  });
  assert.equal(parseScoreRange("1\x00junk", "2")?.min, 1);
  assert.equal(parseScoreRange("x", "1"), null);
  assert.equal(parseScoreRange("1", "nan"), null);
  assert.equal(parseScoreRange(" (1", "2"), null);
});

Deno.test("lex ranges follow zslParseLexRange", () => {
  assert.deepEqual(parseLexRange("-", "+"), {
    min: LEX_MIN,
    max: LEX_MAX,
    minex: true,
    maxex: true,
  });
  assert.deepEqual(parseLexRange("[a", "(b"), {
    min: "a",
    max: "b",
    minex: false,
    maxex: true,
  });
  assert.equal(parseLexRange("a", "+"), null);
  assert.equal(parseLexRange("+a", "+"), null);
  assert.equal(parseLexRange("", "+"), null);
});
