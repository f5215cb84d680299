/**
 * Stream entry IDs: two unsigned 64-bit integers (milliseconds and
 * sequence), kept as bigints so that values beyond 2^53 stay exact.
 *
 * @module
 */

/** A stream entry ID. */
export interface StreamId {
  /** Milliseconds part. */
  readonly ms: bigint;
  /** Sequence part, within the millisecond. */
  readonly seq: bigint;
}

/** Largest value of either part of an ID. */
export const UINT64_MAX = 0xffffffffffffffffn;

/** The smallest ID, 0-0. */
export const MIN_ID: StreamId = { ms: 0n, seq: 0n };

/** The largest ID, which no entry can follow. */
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

/** Error text for IDs that do not parse. */
export const INVALID_ID =
  "ERR Invalid stream ID specified as stream command argument";

/** Compares two IDs: negative, zero or positive like a sort comparator. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/** Whether an ID is 0-0. */
export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

/** The ID as Redis prints it, "<ms>-<seq>". */
export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The next ID in order, or null after the largest one. */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq < UINT64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < UINT64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The previous ID in order, or null before 0-0. */
export function previousId(id: StreamId): StreamId | null {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: UINT64_MAX };
  return null;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Parses an unsigned 64-bit number the way Redis's string2ull does: a
 * canonical non-negative integer, or else whatever strtoull accepts in full
 * (leading blanks, a sign, leading zeros; a minus sign wraps around modulo
 * 2^64). Returns null when neither applies or the value overflows.
 */
export function parseUint64(text: string): bigint | null {
  if (text.length === 0) return null;
  // Canonical form (string2ll): optional "-", no leading zeros or blanks.
  if (/^(0|-?[1-9][0-9]*)$/.test(text) && text.length <= 20) {
    const value = BigInt(text);
    if (value >= -(2n ** 63n) && value < 2n ** 63n) {
      return value < 0n ? null : value;
    }
  }
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  if (text[i] === "+" || text[i] === "-") {
    negative = text[i] === "-";
    i++;
  }
  const start = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === start || i !== text.length) return null;
  const value = BigInt(text.slice(start));
  if (value > UINT64_MAX) return null;
  return negative ? (UINT64_MAX + 1n - value) & UINT64_MAX : value;
}

/** What {@linkcode parseId} accepts beyond plain "<ms>" and "<ms>-<seq>". */
export interface ParseIdOptions {
  /** Reject the special "-" and "+" IDs. */
  readonly strict?: boolean;
  /** Sequence used when only the milliseconds are given. */
  readonly missingSeq?: bigint;
  /** Accept "<ms>-*" (XADD), reported as `seqGiven: false`. */
  readonly allowSeqStar?: boolean;
}

/** A parsed ID and whether its sequence was given (false for "<ms>-*"). */
export interface ParsedId {
  /** The ID. */
  readonly id: StreamId;
  /** False when the sequence was "*", to be generated. */
  readonly seqGiven: boolean;
}

/**
 * Parses an ID argument as Redis does: "-" and "+" (unless strict), "<ms>"
 * (with `missingSeq`), "<ms>-<seq>", and "<ms>-*" when allowed. The
 * argument is read as a C string (up to a NUL) of at most 127 bytes.
 * Returns null for an invalid ID.
 */
export function parseId(
  arg: Uint8Array,
  options: ParseIdOptions = {},
): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf(0);
  const text = String.fromCharCode(...(nul < 0 ? arg : arg.subarray(0, nul)));
  if (text === "-" || text === "+") {
    if (options.strict) return null;
    return { id: text === "-" ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf("-");
  const ms = parseUint64(dash < 0 ? text : text.slice(0, dash));
  if (ms === null) return null;
  if (dash < 0) {
    return { id: { ms, seq: options.missingSeq ?? 0n }, seqGiven: true };
  }
  const seqText = text.slice(dash + 1);
  if (options.allowSeqStar && seqText === "*") {
    return { id: { ms, seq: 0n }, seqGiven: false };
  }
  const seq = parseUint64(seqText);
  if (seq === null) return null;
  return { id: { ms, seq }, seqGiven: true };
}
