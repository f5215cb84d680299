import assert from "node:assert/strict";
import { sha256 } from "../../lib/util/sha256.ts";
import { toHex } from "../../lib/util/sha1.ts";

/** Web Crypto's SHA-256, the reference (asynchronous, so not usable in handlers). */
async function reference(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

Deno.test("sha256: FIPS 180 vectors", () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  assert.equal(
    toHex(sha256(ascii(""))),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    toHex(sha256(ascii("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("sha256: every length around the padding edges matches Web Crypto", async () => {
  const data = new Uint8Array(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (let n = 0; n <= 200; n++) {
    const slice = data.slice(0, n);
    assert.equal(toHex(sha256(slice)), await reference(slice), `length ${n}`);
  }
});
