/**
 * LOLWUT against redis-server: the version line, argument errors and
 * metadata exactly; the random drawings of VERSION 5 (Braille cells) and
 * VERSION 6 (grey pixels) by their structure: reply type, line count and
 * width for the given parameters, the trailing lines.
 *
 * @module
 */

import assert from "node:assert/strict";
import { binary } from "../helpers/bytes.ts";
import {
  commandInfoTest,
  differentialTest,
  type Pair,
} from "../helpers/differential.ts";
import { LOLWUT_COMMANDS } from "../../lib/commands/lolwut.ts";

commandInfoTest("lolwut", LOLWUT_COMMANDS);

/** What a drawing is made of: its lines' widths and the text after them. */
function structure(
  raw: string,
): { type: string; widths: number[]; tail: string } {
  const body = raw.slice(raw.indexOf("\r\n") + 2, -2);
  // RESP3's verbatim string starts with its format.
  const text = new TextDecoder().decode(
    binary(raw[0] === "=" ? body.slice(4) : body),
  );
  const blank = text.indexOf("\n\n");
  const art = text.slice(0, blank).split("\n");
  for (const line of art) {
    for (const char of line) {
      const code = char.codePointAt(0)!;
      assert.ok(code >= 0x2800 && code <= 0x28ff, `not Braille: ${char}`);
    }
  }
  return {
    type: raw[0],
    widths: art.map((line) => [...line].length),
    tail: text.slice(blank),
  };
}

/** One VERSION 6 pixel: a space in one of four greys. */
// deno-lint-ignore no-control-regex -- terminal escapes are the drawing
const PIXEL = /\x1b\[0;(?:30;40|90;100|37;47|97;107)m \x1b\[0m/g;

/** What a VERSION 6 drawing is made of: its rows' widths in pixels, the text after them. */
function skylineStructure(
  raw: string,
): { type: string; widths: number[]; tail: string } {
  const body = raw.slice(raw.indexOf("\r\n") + 2, -2);
  const text = raw[0] === "=" ? body.slice(4) : body;
  const lines = text.split("\n");
  const rows = lines.slice(0, -3);
  for (const row of rows) assert.equal(row.replace(PIXEL, ""), "", row);
  return {
    type: raw[0],
    widths: rows.map((row) => row.match(PIXEL)?.length ?? 0),
    tail: lines.slice(-3).join("\n"),
  };
}

async function sameStructure(pair: Pair, args: string[]): Promise<void> {
  const [ours, theirs] = await pair.both(args);
  const shape = args[2] === "6" ? skylineStructure : structure;
  assert.deepEqual(shape(ours), shape(theirs), JSON.stringify(args));
}

differentialTest(
  "differential: LOLWUT's version line, errors and VERSION 5 drawings match redis-server, RESP2 and RESP3",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      for (
        const args of [
          ["LOLWUT"],
          ["lolwut", "foo"],
          ["LOLWUT", "VERSION"],
          ["LOLWUT", "VERSION", "x"],
          ["LOLWUT", "VERSION", "0"],
          ["LOLWUT", "VERSION", "-1"],
          ["LOLWUT", "VERSION", "4"],
          ["LOLWUT", "VERSION", "7", "1", "2"],
          ["LOLWUT", "VERSION", "5", "x"],
          ["LOLWUT", "VERSION", "5", "10", "x"],
          ["LOLWUT", "VERSION", "5", "10", "2", "x"],
          ["LOLWUT", "VERSION", "5", "99999999999999999999"],
          ["LOLWUT", "VERSION", "6", "x"],
          ["LOLWUT", "VERSION", "6", "10", "x"],
        ]
      ) await pair.same(args);
      for (
        const parameters of [
          [],
          ["1"],
          ["3", "1", "1"],
          ["10"],
          ["10", "2"],
          ["10", "2", "3"],
          ["40", "5", "5"],
          ["0"],
          ["-5"],
          ["10", "0"],
          ["10", "300"],
          ["10", "2", "0"],
          ["10", "2", "300"],
          ["2000"],
          ["20", "3", "4", "extra"],
        ]
      ) await sameStructure(pair, ["LOLWUT", "version", "5", ...parameters]);
      for (
        const parameters of [
          [],
          ["1"],
          ["1", "1"],
          ["0", "0"],
          ["30", "8"],
          ["2000", "3"],
          ["3", "1200"],
          ["20", "5", "extra"],
        ]
      ) await sameStructure(pair, ["LOLWUT", "version", "6", ...parameters]);
    }
    await pair.both(["HELLO", "2"]);
    await pair.same(["COMMAND", "DOCS", "lolwut"]);
    await pair.same(["EVAL", "return redis.call('lolwut')", "0"]);
    await pair.same(["ACL", "DRYRUN", "default", "lolwut"]);
  },
);
