/**
 * LOLWUT against redis-server: the version line, argument errors and
 * metadata exactly; VERSION 5's random drawing by its structure (reply
 * type, line count and width for the given parameters, Braille cells only,
 * the trailing line).
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

async function sameStructure(pair: Pair, args: string[]): Promise<void> {
  const [ours, theirs] = await pair.both(args);
  assert.deepEqual(structure(ours), structure(theirs), JSON.stringify(args));
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
    }
    await pair.both(["HELLO", "2"]);
    await pair.same(["COMMAND", "DOCS", "lolwut"]);
    await pair.same(["EVAL", "return redis.call('lolwut')", "0"]);
    await pair.same(["ACL", "DRYRUN", "default", "lolwut"]);
  },
);
