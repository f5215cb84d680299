/**
 * How a string value is held: a short one (up to Redis's 44-byte embstr
 * size) as a flat binary string (one char per byte), whose 16-byte header
 * costs a fraction of a byte-array view (about 110 bytes of heap), a longer
 * one as its bytes. Values edited in place are always bytes (see
 * lib/types/string.ts). Storing, loading and saving all go through here.
 *
 * @module
 */

import { bytesToString, scratchBytes, stringToBytes } from "../util/bytes.ts";

/** A string value: a binary string when short, else its bytes. */
export type StringValue = Uint8Array | string;

/** Longest string Redis embeds in its object header (OBJ_ENCODING_EMBSTR). */
export const EMBSTR_SIZE_LIMIT = 44;

/** `value` as it is held: a binary string when short, else as given. */
export function compactString(value: Uint8Array): StringValue {
  return value.length <= EMBSTR_SIZE_LIMIT ? bytesToString(value) : value;
}

/** The bytes of a string value (a fresh array for a binary string). */
export function valueBytes(value: StringValue): Uint8Array {
  return typeof value === "string" ? stringToBytes(value) : value;
}

/**
 * The bytes of a string value, to be read at once: a short one's are in a
 * shared buffer valid until the next call (see scratchBytes).
 */
export function scratchValueBytes(value: StringValue): Uint8Array {
  return typeof value === "string" ? scratchBytes(value) : value;
}
