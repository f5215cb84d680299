import assert from "node:assert/strict";
import { scratchBytes, stringToBytes } from "../../lib/util/bytes.ts";

Deno.test("scratchBytes gives a binary string's bytes, short ones in one reused buffer", () => {
  const first = scratchBytes("12\xff\x00");
  assert.deepEqual([...first], [0x31, 0x32, 0xff, 0x00]);
  const second = scratchBytes("-7");
  assert.deepEqual([...second], [0x2d, 0x37]);
  // The short copies share one buffer: the first view now shows the second.
  assert.equal(first.buffer, second.buffer);
  assert.deepEqual([...first.subarray(0, 2)], [0x2d, 0x37]);
  assert.deepEqual([...scratchBytes("")], []);
  const long = "x".repeat(65);
  const copy = scratchBytes(long);
  assert.notEqual(copy.buffer, second.buffer);
  assert.deepEqual(copy, stringToBytes(long));
});
