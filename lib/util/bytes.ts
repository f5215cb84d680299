/**
 * Conversions between byte arrays and "binary strings" (one char per byte,
 * char codes 0-255). Keys are held as binary strings because JavaScript maps
 * compare strings by value; so are short string values (lib/types/string.ts).
 *
 * @module
 */

const CHUNK = 8192;

const char = String.fromCharCode;

/**
 * A string of up to 16 bytes in one call with its bytes as arguments: about
 * four times faster than a loop of concatenations (a new string per byte)
 * or than `apply` over the array, and the result is flat. Keys and short
 * values are this size in most requests.
 */
// deno-fmt-ignore: one line per length reads better than 130 lines.
function shortBytesToString(b: Uint8Array): string {
  switch (b.length) {
    case 0: return "";
    case 1: return char(b[0]);
    case 2: return char(b[0], b[1]);
    case 3: return char(b[0], b[1], b[2]);
    case 4: return char(b[0], b[1], b[2], b[3]);
    case 5: return char(b[0], b[1], b[2], b[3], b[4]);
    case 6: return char(b[0], b[1], b[2], b[3], b[4], b[5]);
    case 7: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
    case 8: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    case 9: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]);
    case 10: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]);
    case 11: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10]);
    case 12: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11]);
    case 13: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12]);
    case 14: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13]);
    case 15: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14]);
    case 16: return char(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  }
  throw new RangeError("longer than 16 bytes");
}

/** Converts bytes to a binary string (one char per byte), flat. */
export function bytesToString(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= 16) return shortBytesToString(bytes);
  if (n <= CHUNK) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  const parts: string[] = [];
  for (let i = 0; i < n; i += CHUNK) {
    parts.push(
      String.fromCharCode.apply(
        null,
        bytes.subarray(i, i + CHUNK) as unknown as number[],
      ),
    );
  }
  return parts.join("");
}

/** Converts a binary string (one char per byte) to bytes. */
export function stringToBytes(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Longest string {@linkcode scratchBytes} copies into its shared buffer. */
const SCRATCH_SIZE = 64;
const scratch = new Uint8Array(SCRATCH_SIZE);

/**
 * The bytes of a binary string for a caller that only reads them at once
 * (to parse a number, say): a short string is copied into one shared
 * buffer, valid until the next call, because allocating a small
 * Uint8Array costs several times more than parsing it.
 */
export function scratchBytes(s: string): Uint8Array {
  const n = s.length;
  if (n > SCRATCH_SIZE) return stringToBytes(s);
  for (let i = 0; i < n; i++) scratch[i] = s.charCodeAt(i);
  return scratch.subarray(0, n);
}

/** Encodes ordinary text (ASCII or UTF-8) to bytes. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A binary string holding UTF-8 bytes (a config value, a file name) as the
 * ordinary text it encodes.
 */
export function binaryToText(value: string): string {
  return decoder.decode(stringToBytes(value));
}

/** Ordinary text (a file name) as a binary string of its UTF-8 bytes. */
export function textToBinary(text: string): string {
  return bytesToString(utf8(text));
}

/** Lower-cases ASCII letters of a byte string and returns it as a binary string. */
export function lowerAscii(bytes: Uint8Array): string {
  let s = "";
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    s += String.fromCharCode(b >= 65 && b <= 90 ? b + 32 : b);
  }
  return s;
}

/** True when `bytes` equals the lower-case ASCII `word`, ignoring case. */
export function equalsIgnoreCase(bytes: Uint8Array, word: string): boolean {
  const n = bytes.length;
  if (n !== word.length) return false;
  for (let i = 0; i < n; i++) {
    let b = bytes[i];
    if (b >= 65 && b <= 90) b += 32;
    if (b !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Byte-wise equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
