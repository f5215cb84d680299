/**
 * A synchronous SHA-1 (FIPS 180-4), for DEBUG DIGEST and anything else that
 * needs a SHA-1 inside a synchronous command handler (`crypto.subtle` is
 * asynchronous). SHA-1 is used here as Redis uses it, for fingerprints, not
 * for security.
 *
 * @module
 */

/** Length of a SHA-1 digest in bytes. */
export const SHA1_LENGTH = 20;

const BLOCK = 64;

/**
 * Incremental SHA-1: feed bytes with update(), then take digest(), which
 * also resets the hash so that the same object can hash the next message.
 */
export class Sha1 {
  #h0 = 0x67452301;
  #h1 = 0xefcdab89;
  #h2 = 0x98badcfe;
  #h3 = 0x10325476;
  #h4 = 0xc3d2e1f0;
  /** Bytes of the current, not yet complete, block. */
  readonly #block = new Uint8Array(BLOCK);
  #blockLength = 0;
  /** Total bytes hashed so far. */
  #length = 0;
  readonly #w = new Int32Array(80);

  /** Hashes `data` (appended to whatever came before). */
  update(data: Uint8Array): this {
    let offset = 0;
    const n = data.length;
    this.#length += n;
    if (this.#blockLength + n < BLOCK) {
      // Short input (the common case for digests): copy byte by byte.
      const block = this.#block;
      let at = this.#blockLength;
      for (let i = 0; i < n; i++) block[at++] = data[i];
      this.#blockLength = at;
      return this;
    }
    if (this.#blockLength > 0) {
      const take = Math.min(BLOCK - this.#blockLength, n);
      this.#block.set(data.subarray(0, take), this.#blockLength);
      this.#blockLength += take;
      offset = take;
      if (this.#blockLength < BLOCK) return this;
      this.#compress(this.#block, 0);
      this.#blockLength = 0;
    }
    while (n - offset >= BLOCK) {
      this.#compress(data, offset);
      offset += BLOCK;
    }
    if (offset < n) {
      this.#block.set(data.subarray(offset), 0);
      this.#blockLength = n - offset;
    }
    return this;
  }

  /**
   * Finishes the hash and writes the 20-byte digest into `out` at `offset`
   * (a new array by default), which it returns; then starts over.
   */
  digest(
    out: Uint8Array = new Uint8Array(SHA1_LENGTH),
    offset = 0,
  ): Uint8Array {
    const bits = this.#length * 8;
    const block = this.#block;
    block[this.#blockLength++] = 0x80;
    if (this.#blockLength > BLOCK - 8) {
      block.fill(0, this.#blockLength);
      this.#compress(block, 0);
      this.#blockLength = 0;
    }
    block.fill(0, this.#blockLength);
    // The message length in bits, big-endian, in the last 8 bytes.
    const high = Math.floor(bits / 0x1_0000_0000);
    const low = bits >>> 0;
    block[56] = high >>> 24;
    block[57] = high >>> 16;
    block[58] = high >>> 8;
    block[59] = high;
    block[60] = low >>> 24;
    block[61] = low >>> 16;
    block[62] = low >>> 8;
    block[63] = low;
    this.#compress(block, 0);
    const words = [this.#h0, this.#h1, this.#h2, this.#h3, this.#h4];
    for (let i = 0; i < 5; i++) {
      const word = words[i];
      out[offset + i * 4] = word >>> 24;
      out[offset + i * 4 + 1] = word >>> 16;
      out[offset + i * 4 + 2] = word >>> 8;
      out[offset + i * 4 + 3] = word;
    }
    this.reset();
    return out;
  }

  /** Forgets everything hashed so far. */
  reset(): void {
    this.#h0 = 0x67452301;
    this.#h1 = 0xefcdab89;
    this.#h2 = 0x98badcfe;
    this.#h3 = 0x10325476;
    this.#h4 = 0xc3d2e1f0;
    this.#blockLength = 0;
    this.#length = 0;
  }

  /** Runs the compression function over the 64 bytes of `data` at `p`. */
  #compress(data: Uint8Array, p: number): void {
    const w = this.#w;
    for (let i = 0; i < 16; i++, p += 4) {
      w[i] = (data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) |
        data[p + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = this.#h0;
    let b = this.#h1;
    let c = this.#h2;
    let d = this.#h3;
    let e = this.#h4;
    // The four stages of 20 rounds, each with its own function and constant.
    for (let i = 0; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e +
        0x5a827999 + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 +
        w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e +
        0x8f1bbcdc + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 +
        w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    this.#h0 = (this.#h0 + a) | 0;
    this.#h1 = (this.#h1 + b) | 0;
    this.#h2 = (this.#h2 + c) | 0;
    this.#h3 = (this.#h3 + d) | 0;
    this.#h4 = (this.#h4 + e) | 0;
  }
}

/** The SHA-1 digest of `data` (20 bytes). */
export function sha1(data: Uint8Array): Uint8Array {
  return new Sha1().update(data).digest();
}

/** Lowercase hexadecimal text of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

const HEX = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);
