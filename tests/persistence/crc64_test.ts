import assert from "node:assert/strict";
import { Crc64, crc64 } from "../../lib/persistence/crc64.ts";
import { utf8 } from "../helpers/bytes.ts";

Deno.test("crc64: Redis's check value for '123456789'", () => {
  assert.equal(
    crc64(utf8("123456789")),
    0xe9c6d914c4b8d9can,
  );
});

Deno.test("crc64: incremental updates equal one update, at any split", () => {
  const data = new Uint8Array(1000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  const whole = crc64(data);
  for (const split of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    const crc = new Crc64();
    crc.update(data.subarray(0, split));
    crc.update(data.subarray(split));
    assert.equal(crc.digest(), whole, `split at ${split}`);
  }
});
