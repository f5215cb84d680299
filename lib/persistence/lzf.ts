/**
 * LZF compression, the format Redis uses for compressed strings in RDB files.
 *
 * @module
 */

const MAX_LITERAL = 32;
const MAX_OFFSET = 8192;
const MAX_MATCH = 264;

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

/** Positions in the hash table of {@linkcode lzfCompress} (liblzf's HLOG 16). */
const HASH_SIZE = 1 << 16;
/** Last input position of each hash, valid when its stamp is the current call's. */
const hashPositions = new Int32Array(HASH_SIZE);
const hashStamps = new Uint32Array(HASH_SIZE);
let stamp = 0;

/** liblzf's IDX() of the three bytes in `h` (VERY_FAST, HLOG 16). */
function hashSlot(h: number): number {
  return ((h >>> 8) - h * 5) & (HASH_SIZE - 1);
}

/**
 * Compresses `input` exactly as Redis's liblzf 3.6 does (HLOG 16, VERY_FAST,
 * a fresh hash table), so RDB files and DUMP payloads match Redis's byte for
 * byte. Returns null when the result would not be at least `minSaving`
 * bytes smaller (liblzf's output buffer of length - minSaving overflows), in
 * which case Redis stores the string as is.
 */
export function lzfCompress(
  input: Uint8Array,
  minSaving = 4,
): Uint8Array | null {
  const n = input.length;
  const outEnd = n - minSaving;
  if (n === 0 || outEnd <= 0) return null;
  // A new stamp stands for clearing the table.
  if (++stamp === 0x100000000) {
    hashStamps.fill(0);
    stamp = 1;
  }
  const current = stamp;
  // Room for the few bytes liblzf's checks let past out_end before failing.
  const out = new Uint8Array(outEnd + 4);
  let ip = 0;
  let op = 1; // out[0] is reserved for the first literal run's length
  let lit = 0;
  let hval = (input[0] << 8) | input[1];
  while (ip < n - 2) {
    hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
    const slot = hashSlot(hval);
    const ref = hashStamps[slot] === current ? hashPositions[slot] : 0;
    hashPositions[slot] = ip;
    hashStamps[slot] = current;
    const off = ip - ref - 1;
    if (
      ref > 0 && off < MAX_OFFSET && input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      const maxLen = Math.min(n - ip - len, MAX_MATCH);
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) {
        return null;
      }
      out[op - lit - 1] = lit - 1; // stop the literal run
      if (lit === 0) op--; // undo a run of length zero
      // liblzf first compares 16 bytes unrolled when more may match, which
      // can run two bytes past maxLen.
      let mismatch = false;
      if (maxLen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++; while (len < maxLen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // now the match length - 1
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a run
      ip += len + 1;
      if (ip >= n - 2) break;
      // Hash the last two positions of the match.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      for (let k = 0; k < 2; k++) {
        hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
        const s = hashSlot(hval);
        hashPositions[s] = ip;
        hashStamps[s] = current;
        ip++;
      }
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LITERAL) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end the run
  if (lit === 0) op--;
  return out.slice(0, op);
}
