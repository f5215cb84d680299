import assert from "node:assert/strict";
import {
  lzfCompress,
  lzfDecompress,
  LzfError,
} from "../../lib/persistence/lzf.ts";
import { utf8 } from "../helpers/bytes.ts";

function seeded(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

Deno.test("lzf: random inputs round-trip", () => {
  const random = seeded(42);
  for (let t = 0; t < 500; t++) {
    const n = Math.floor(random() * 5000);
    const alphabet = 1 + Math.floor(random() * 30);
    const input = new Uint8Array(n);
    for (let i = 0; i < n; i++) input[i] = Math.floor(random() * alphabet);
    const compressed = lzfCompress(input, 1);
    if (compressed === null) continue;
    assert.ok(compressed.length <= n - 1);
    assert.deepEqual(lzfDecompress(compressed, n), input);
  }
});

Deno.test("lzf: incompressible data is refused", () => {
  const random = seeded(7);
  const input = new Uint8Array(100).map(() => Math.floor(random() * 256));
  assert.equal(lzfCompress(input), null);
});

Deno.test("lzf: corrupt data is rejected", () => {
  const input = utf8("abcabcabcabcabcabcabcabcabcabc");
  const compressed = lzfCompress(input)!;
  assert.throws(() => lzfDecompress(compressed, input.length + 1), LzfError);
  assert.throws(
    () => lzfDecompress(compressed.subarray(0, 3), input.length),
    LzfError,
  );
});
