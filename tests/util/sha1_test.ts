import assert from "node:assert/strict";
import { Sha1, sha1, toHex } from "../../lib/util/sha1.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

/** FIPS 180 / RFC 3174 test vectors, plus lengths around the padding edge. */
const VECTORS: [string, string][] = [
  ["", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
  ["abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
  [
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  ],
  [
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    "a49b2446a02c645bf419f995b67091253a04a259",
  ],
  [
    "The quick brown fox jumps over the lazy dog",
    "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
  ],
];

Deno.test("sha1: known vectors", () => {
  for (const [input, expected] of VECTORS) {
    assert.equal(toHex(sha1(ascii(input))), expected, JSON.stringify(input));
  }
});

Deno.test("sha1: one million 'a' (FIPS 180 long message)", () => {
  const data = new Uint8Array(1_000_000).fill(0x61);
  assert.equal(
    toHex(sha1(data)),
    "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
  );
});

Deno.test("sha1: incremental updates in any split give the one-shot digest", async () => {
  const data = new Uint8Array(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300]) {
    const input = data.subarray(0, length);
    const expected = new Uint8Array(
      await crypto.subtle.digest("SHA-1", input),
    );
    assert.deepEqual(sha1(input), expected, `length ${length}`);
    for (const step of [1, 7, 64, 100]) {
      const hash = new Sha1();
      for (let i = 0; i < length; i += step) {
        hash.update(input.subarray(i, i + step));
      }
      assert.deepEqual(
        hash.digest(),
        expected,
        `length ${length} step ${step}`,
      );
    }
  }
});

Deno.test("sha1: digest() resets, so one object hashes message after message", () => {
  const hash = new Sha1();
  hash.update(ascii("abc"));
  const out = new Uint8Array(24);
  hash.digest(out, 2);
  assert.equal(
    toHex(out.subarray(2, 22)),
    "a9993e364706816aba3e25717850c26c9cd0d89d",
  );
  assert.equal(
    toHex(hash.digest()),
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  );
});
