/**
 * LZF compression, the format Redis uses for compressed strings in RDB files.
 *
 * @module
 */

const MAX_LITERAL = 32;
const MAX_OFFSET = 8192;
const MAX_MATCH = 264;
const HASH_BITS = 14;

/** Thrown when compressed data is malformed. */
export class LzfError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "LzfError";
  }
}

/**
 * Decompresses `input` into exactly `length` bytes; throws LzfError when the
 * data does not decode to that length.
 */
export function lzfDecompress(input: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > length || ip + run > n) {
        throw new LzfError("invalid LZF literal run");
      }
      out.set(input.subarray(ip, ip + run), op);
      op += run;
      ip += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= n) throw new LzfError("truncated LZF data");
      len += input[ip++];
    }
    if (ip >= n) throw new LzfError("truncated LZF data");
    const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
    len += 2;
    if (ref < 0 || op + len > length) {
      throw new LzfError("invalid LZF back reference");
    }
    // Byte by byte: a reference may overlap the bytes it produces.
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
    op += len;
  }
  if (op !== length) throw new LzfError("LZF data shorter than announced");
  return out;
}

/**
 * Compresses `input`. Returns null when the result would not be at least
 * `minSaving` bytes smaller, in which case Redis stores the string as is.
 */
export function lzfCompress(
  input: Uint8Array,
  minSaving = 4,
): Uint8Array | null {
  const n = input.length;
  const limit = n - minSaving;
  if (limit <= 1) return null;
  const out = new Uint8Array(limit);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let ip = 0;
  let op = 1; // out[0] is reserved for the first literal run's length
  let literal = 0;
  while (ip < n) {
    if (ip + 2 < n) {
      const hash = Math.imul(
        (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2],
        0x9e3779b1,
      ) >>> (32 - HASH_BITS);
      const ref = table[hash];
      table[hash] = ip;
      const offset = ip - ref - 1;
      if (
        ref >= 0 && offset < MAX_OFFSET && input[ref] === input[ip] &&
        input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
      ) {
        let len = 3;
        const maxLen = Math.min(n - ip, MAX_MATCH);
        while (len < maxLen && input[ref + len] === input[ip + len]) len++;
        if (literal > 0) out[op - literal - 1] = literal - 1;
        else op--;
        if (op + 4 > limit) return null;
        const encoded = len - 2;
        if (encoded < 7) out[op++] = (offset >> 8) + (encoded << 5);
        else {
          out[op++] = (offset >> 8) + (7 << 5);
          out[op++] = encoded - 7;
        }
        out[op++] = offset & 0xff;
        ip += len;
        literal = 0;
        op++; // reserve the next literal run's length byte
        continue;
      }
    }
    if (op >= limit) return null;
    out[op++] = input[ip++];
    literal++;
    if (literal === MAX_LITERAL) {
      out[op - literal - 1] = literal - 1;
      literal = 0;
      if (op >= limit) return null;
      op++;
    }
  }
  if (literal > 0) out[op - literal - 1] = literal - 1;
  else op--;
  return out.slice(0, op);
}
