/**
 * Conversions between byte arrays and "binary strings" (one char per byte,
 * char codes 0-255). Keys are held as binary strings because JavaScript maps
 * compare strings by value; so are short string values (lib/types/string.ts).
 *
 * @module
 */

const CHUNK = 8192;

/**
 * Longest string built by concatenation: V8 makes longer concatenations
 * cons strings (a tree of pieces), which cost several objects until
 * something flattens them, and a stored value may never be flattened.
 */
const CONCATENATED_MAX = 12;

/** Converts bytes to a binary string (one char per byte), flat. */
export function bytesToString(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= CONCATENATED_MAX) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
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
