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

Deno.test("lzf: output is byte for byte what Redis's liblzf writes", () => {
  // The LZF payload of redis-server 7.0's DUMP of this 400-byte string.
  let input = "";
  for (let i = 0; i < 40; i++) {
    input += `item${i % 7}-${"ab".repeat(i % 5)}`;
  }
  const redis =
    "066974656d302d69200503312d6162400700322007800900336009800b0034a00b800d0035603100362013403100302007800940434001401580474001400d003360314045400d0035e0003140434001401580474001400d003160314045400d808b400940434001400b80474001400d003660314045400d808b400940434001400b80474001400d003460314045400d808b400940434001400b80474001400d003260314045400d808b400940434001400b80474001400de1235d016162";
  const compressed = lzfCompress(utf8(input))!;
  const hex = Array.from(compressed, (b) => b.toString(16).padStart(2, "0"))
    .join("");
  assert.equal(hex, redis);
  assert.deepEqual(lzfDecompress(compressed, input.length), utf8(input));
});
