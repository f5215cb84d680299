/**
 * Number parsing and formatting with Redis's rules.
 *
 * @module
 */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Parses a signed 64-bit decimal integer the way Redis's string2ll does: an
 * optional "-", no "+", no leading zeros or spaces, at most 20 characters.
 * Returns a bigint, or null when the text is not such an integer.
 */
export function parseInt64(bytes: Uint8Array): bigint | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (n === 1 && bytes[0] === 48) return 0n;
  if (bytes[0] === 45) {
    i = 1;
    if (n === 1) return null;
  }
  if (bytes[i] < 49 || bytes[i] > 57) return null;
  let small = 0;
  for (let j = i; j < n; j++) {
    const d = bytes[j] - 48;
    if (d < 0 || d > 9) return null;
    small = small * 10 + d;
  }
  if (small <= Number.MAX_SAFE_INTEGER) {
    return BigInt(i === 1 ? -small : small);
  }
  let text = "";
  for (let j = 0; j < n; j++) text += String.fromCharCode(bytes[j]);
  const value = BigInt(text);
  return value > INT64_MAX || value < INT64_MIN ? null : value;
}

/**
 * Parses a 64-bit integer (Redis's string2ll rules) into a number. Values
 * beyond 2^53 lose precision, which is harmless for counts, indexes and
 * times that are range-checked. Returns null when invalid or out of range.
 */
export function parseInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && bytes[0] === 48) return 0;
  let i = 0;
  if (bytes[0] === 45) {
    i = 1;
    if (n === 1) return null;
  }
  if (bytes[i] < 49 || bytes[i] > 57) return null;
  let value = 0;
  for (let j = i; j < n; j++) {
    const d = bytes[j] - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (value >= 9223372036854775000) {
    // Decide the boundary exactly.
    const exact = parseInt64(bytes);
    if (exact === null) return null;
  }
  return i === 1 ? -value : value;
}

/** Upper bound of a signed 64-bit integer, as a bigint. */
export const LLONG_MAX = INT64_MAX;
/** Lower bound of a signed 64-bit integer, as a bigint. */
export const LLONG_MIN = INT64_MIN;
