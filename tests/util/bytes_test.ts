import assert from "node:assert/strict";
import {
  bytesToString,
  scratchBytes,
  stringToBytes,
} from "../../lib/util/bytes.ts";

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

Deno.test("bytesToString and stringToBytes round-trip every byte at every short length", () => {
  for (let n = 0; n <= 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 0xff);
    const text = bytesToString(bytes);
    assert.equal(text.length, n);
    for (let i = 0; i < n; i++) assert.equal(text.charCodeAt(i), bytes[i]);
    assert.deepEqual(stringToBytes(text), bytes);
  }
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(stringToBytes(bytesToString(all)), all);
});
