/**
 * Incremental decoder for client requests: RESP multibulk arrays of bulk
 * strings and telnet-style inline commands, with Redis's protocol errors.
 *
 * The decoder keeps its parse state between chunks, so a request may be split
 * at any byte. Bulk payloads are copied straight into their final buffer, so a
 * 512 MB argument costs one copy no matter how many reads deliver it.
 *
 * Small arguments are copied into a shared slab and handed out as views,
 * because every ArrayBuffer allocation costs far more than parsing a whole
 * command. A stored small value therefore keeps at most one slab
 * (SLAB_SIZE bytes) alive; larger arguments get buffers of their own.
 *
 * @module
 */

import { splitInlineArgs } from "./inline.ts";

/** Longest inline request or header line Redis accepts (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_SIZE = 64 * 1024;

/** Largest multibulk count Redis accepts (INT_MAX). */
const MULTIBULK_MAX = 2147483647;

/** Multibulk counts up to this get their argument array allocated at once. */
const PREALLOCATED_ARGS_MAX = 64;

/** Arguments up to this many bytes are carved out of a shared slab. */
const SMALL_ARG_MAX = 64;
/** Size of the slabs small arguments are copied into. */
const SLAB_SIZE = 1024;

const CR = 13;
const LF = 10;

/**
 * A malformed request. The message is Redis's error text without the "ERR "
 * prefix; the server replies with it and then closes the connection.
 */
export class ProtocolError extends Error {
  /** Creates a protocol error carrying Redis's text, e.g. "Protocol error: invalid bulk length". */
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** The input exceeded client-query-buffer-limit; the connection is dropped without a reply. */
export class QueryBufferLimitError extends Error {
  /** Creates the error; `size` is the buffered byte count that crossed the limit. */
  constructor(readonly size: number) {
    super(`query buffer of ${size} bytes exceeds the limit`);
    this.name = "QueryBufferLimitError";
  }
}

/** Limits the decoder enforces, as set by configuration. */
export interface DecoderLimits {
  /** proto-max-bulk-len: the largest bulk argument accepted. */
  maxBulkLength: number;
  /** client-query-buffer-limit: the most bytes one pending request may buffer. */
  maxQueryBuffer: number;
  /**
   * Whether the client still has to authenticate; Redis then refuses
   * multibulk counts above 10 and bulk lengths above 16384.
   */
  authRequired: boolean;
}

/**
 * Receives each complete command as an array of byte-string arguments.
 * Returning false pauses decoding: the rest of the input is kept until the
 * next feed (see {@linkcode RespDecoder.paused}).
 */
export type CommandSink = (args: Uint8Array[]) => boolean | void;

/**
 * Parses a stream of request bytes into commands.
 *
 * `feed` may be called with chunks of any size; complete commands are passed
 * to the sink in order. A {@linkcode ProtocolError} is thrown after every
 * command that preceded the bad input has been delivered.
 */
export class RespDecoder {
  /** Bytes of an incomplete header or inline line, carried to the next chunk. */
  #pending: Uint8Array | null = null;
  /** Arguments still expected for the current multibulk (0: between commands). */
  #argsLeft = 0;
  /** The current multibulk's arguments so far, and how many it announced. */
  #args: Uint8Array[] = [];
  #argCount = 0;
  /** The bulk being filled, and how much of it (payload plus CRLF) has arrived. */
  #bulk: Uint8Array | null = null;
  #bulkFilled = 0;
  #bulkCrlfLeft = 0;
  /** Bytes buffered for the command being assembled, for the query buffer limit. */
  #commandBytes = 0;
  /** Set when the sink asked to pause; cleared by the next feed. */
  #paused = false;
  #sinkStopped = false;
  /** Slab for small arguments, and the first free byte in it. */
  #slab = new Uint8Array(0);
  #slabBuffer = this.#slab.buffer;
  #slabPos = 0;
  /** The previous multibulk's first argument (see #commandName). */
  #lastName: Uint8Array = new Uint8Array(0);
  readonly #limits: DecoderLimits;
  /** proto-max-bulk-len as it was when the current command began. */
  #maxBulkLength = 0;

  /** Creates a decoder that enforces the given limits (read at each command). */
  constructor(limits: DecoderLimits) {
    this.#limits = limits;
  }

  /** True when the decoder holds part of a request. */
  get hasPartialRequest(): boolean {
    return this.#pending !== null || this.#argsLeft > 0;
  }

  /** Bytes currently buffered for an incomplete request. */
  get bufferedBytes(): number {
    const bulk = this.#bulk === null ? 0 : this.#bulkFilled;
    return this.#commandBytes + bulk + (this.#pending?.length ?? 0);
  }

  /**
   * True when the sink paused decoding with input left over; feeding an
   * empty chunk resumes with that input.
   */
  get paused(): boolean {
    return this.#paused;
  }

  /** Consumes `chunk`, passing every complete command to `sink`. */
  feed(chunk: Uint8Array, sink: CommandSink): void {
    let data = chunk;
    this.#paused = false;
    this.#sinkStopped = false;
    if (this.#pending !== null && chunk.length === 0) {
      data = this.#pending;
      this.#pending = null;
    } else if (this.#pending !== null) {
      const joined = new Uint8Array(this.#pending.length + chunk.length);
      joined.set(this.#pending, 0);
      joined.set(chunk, this.#pending.length);
      data = joined;
      this.#pending = null;
    }
    let pos = 0;
    const end = data.length;
    while (pos < end) {
      if (this.#sinkStopped) {
        this.#sinkStopped = false;
        this.#pending = data.slice(pos);
        this.#paused = true;
        return;
      }
      if (this.#bulk !== null) {
        pos = this.#fillBulk(data, pos);
        if (this.#bulk !== null) return;
        if (this.#argsLeft === 0) this.#emit(sink);
        continue;
      }
      if (this.#argsLeft > 0) {
        const next = this.#readBulkHeader(data, pos);
        if (next < 0) return;
        pos = next;
        if (this.#argsLeft === 0 && this.#bulk === null) this.#emit(sink);
        continue;
      }
      pos = data[pos] === 42 /* '*' */
        ? this.#readMultibulkHeader(data, pos)
        : this.#readInline(data, pos, sink);
      if (pos < 0) return;
    }
  }

  #emit(sink: CommandSink): void {
    const args = this.#args;
    this.#commandBytes = 0;
    if (sink(args) === false) this.#sinkStopped = true;
  }

  /** Keeps the unparsed tail for the next chunk, enforcing the line limit. */
  #stash(data: Uint8Array, pos: number, tooBig: string): number {
    const rest = data.length - pos;
    if (rest > INLINE_MAX_SIZE) throw new ProtocolError(tooBig);
    this.#pending = data.slice(pos);
    this.#checkQueryBuffer(rest);
    return -1;
  }

  #checkQueryBuffer(extra: number): void {
    const size = this.#commandBytes + extra;
    if (size > this.#limits.maxQueryBuffer) {
      throw new QueryBufferLimitError(size);
    }
  }

  /** Index of the first CR at or after `pos` with a byte after it, or -1. */
  #lineEnd(data: Uint8Array, pos: number): number {
    const cr = findBeforeNul(data, pos, CR);
    // Like Redis, a header line needs its CR and one more byte (taken as LF).
    if (cr < 0 || cr + 1 >= data.length) return -1;
    return cr;
  }

  #readMultibulkHeader(data: Uint8Array, pos: number): number {
    const cr = this.#lineEnd(data, pos);
    if (cr < 0) {
      return this.#stash(
        data,
        pos,
        "Protocol error: too big mbulk count string",
      );
    }
    const count = parseDecimal(data, pos + 1, cr);
    if (count === null || count > MULTIBULK_MAX) {
      throw new ProtocolError("Protocol error: invalid multibulk length");
    }
    if (count > 10 && this.#limits.authRequired) {
      throw new ProtocolError(
        "Protocol error: unauthenticated multibulk length",
      );
    }
    const next = cr + 2;
    if (count <= 0) return next; // Redis silently skips empty multibulks.
    // #commandBytes was reset by the previous #emit. The limit is read once
    // per command, not per argument (it is a config lookup): configuration
    // only changes between commands. A small command's array is allocated
    // at its size (a third of the time of growing one by push); a huge
    // count is not trusted with an allocation before its arguments arrive.
    this.#args = count <= PREALLOCATED_ARGS_MAX ? new Array(count) : [];
    this.#argCount = count;
    this.#argsLeft = count;
    this.#maxBulkLength = this.#limits.maxBulkLength;
    return next;
  }

  #readBulkHeader(data: Uint8Array, pos: number): number {
    const cr = this.#lineEnd(data, pos);
    if (cr < 0) {
      return this.#stash(
        data,
        pos,
        "Protocol error: too big bulk count string",
      );
    }
    if (data[pos] !== 36 /* '$' */) {
      throw new ProtocolError(
        `Protocol error: expected '$', got '${String.fromCharCode(data[pos])}'`,
      );
    }
    const length = parseDecimal(data, pos + 1, cr);
    if (
      length === null || length < 0 || length > this.#maxBulkLength
    ) {
      throw new ProtocolError("Protocol error: invalid bulk length");
    }
    if (length > 16384 && this.#limits.authRequired) {
      throw new ProtocolError("Protocol error: unauthenticated bulk length");
    }
    const start = cr + 2;
    // Fast path: the whole payload is already here.
    if (start + length + 2 <= data.length) {
      const index = this.#argCount - this.#argsLeft;
      this.#args[index] = index === 0
        ? this.#commandName(data, start, length)
        : this.#copyArg(data, start, length);
      this.#argsLeft--;
      this.#commandBytes += length;
      return start + length + 2;
    }
    this.#bulk = new Uint8Array(length);
    this.#bulkFilled = 0;
    this.#bulkCrlfLeft = 2;
    return start;
  }

  /**
   * A multibulk's first argument, the command name: the previous one's
   * array when the bytes are the same, as they are through a pipeline of
   * one command, which saves a copy and a view per command. Nothing writes
   * to arguments, so commands may share one.
   */
  #commandName(data: Uint8Array, start: number, length: number): Uint8Array {
    const last = this.#lastName;
    if (last.length === length) {
      let i = 0;
      while (i < length && last[i] === data[start + i]) i++;
      if (i === length) return last;
    }
    const name = this.#copyArg(data, start, length);
    if (length <= SMALL_ARG_MAX) this.#lastName = name;
    return name;
  }

  /** A copy of data[start, start + length) that later reads cannot overwrite. */
  #copyArg(data: Uint8Array, start: number, length: number): Uint8Array {
    if (length > SMALL_ARG_MAX) return data.slice(start, start + length);
    let slab = this.#slab;
    let pos = this.#slabPos;
    if (pos + length > slab.length) {
      this.#slabBuffer = new ArrayBuffer(SLAB_SIZE);
      slab = this.#slab = new Uint8Array(this.#slabBuffer);
      pos = 0;
    }
    for (let i = 0; i < length; i++) slab[pos + i] = data[start + i];
    this.#slabPos = pos + length;
    // The constructor makes a view in about two thirds of subarray's time.
    return new Uint8Array(this.#slabBuffer, pos, length);
  }

  #fillBulk(data: Uint8Array, pos: number): number {
    const bulk = this.#bulk!;
    const want = bulk.length - this.#bulkFilled;
    if (want > 0) {
      const take = Math.min(want, data.length - pos);
      bulk.set(data.subarray(pos, pos + take), this.#bulkFilled);
      this.#bulkFilled += take;
      pos += take;
      // Like Redis, the limit applies to bytes received, not to lengths announced.
      this.#checkQueryBuffer(this.#bulkFilled);
      if (take < want) return pos;
    }
    // Redis skips the two bytes after a payload without checking them.
    const skip = Math.min(this.#bulkCrlfLeft, data.length - pos);
    this.#bulkCrlfLeft -= skip;
    pos += skip;
    if (this.#bulkCrlfLeft === 0) {
      this.#commandBytes += bulk.length;
      this.#args[this.#argCount - this.#argsLeft] = bulk;
      this.#bulk = null;
      this.#argsLeft--;
    }
    return pos;
  }

  #readInline(data: Uint8Array, pos: number, sink: CommandSink): number {
    const lf = findBeforeNul(data, pos, LF);
    if (lf < 0) {
      return this.#stash(data, pos, "Protocol error: too big inline request");
    }
    let lineEnd = lf;
    if (lineEnd > pos && data[lineEnd - 1] === CR) lineEnd--;
    const args = splitInlineArgs(data.subarray(pos, lineEnd));
    if (args === null) {
      throw new ProtocolError(
        "Protocol error: unbalanced quotes in request",
      );
    }
    if (args.length > 0 && sink(args) === false) this.#sinkStopped = true;
    return lf + 1;
  }
}

/**
 * Index of the first `byte` at or after `pos`, or -1 when there is none or a
 * NUL byte comes first: Redis finds line ends with strchr, which stops at
 * NUL, so such a request waits for more input until it is too big.
 */
function findBeforeNul(data: Uint8Array, pos: number, byte: number): number {
  // One pass, in JavaScript: most lines are a few bytes long ("$3\r\n"),
  // where calling indexOf costs more than the scan.
  const end = data.length;
  for (let i = pos; i < end; i++) {
    const c = data[i];
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  return -1;
}

/**
 * Parses the decimal integer in data[start, end) the way Redis's string2ll
 * does (optional '-', no '+', no leading zeros, no spaces). Returns null when
 * invalid. Values beyond 2^53 are reported as Infinity-like large numbers,
 * which every caller rejects through its own range check.
 */
function parseDecimal(
  data: Uint8Array,
  start: number,
  end: number,
): number | null {
  if (start >= end) return null;
  let i = start;
  let negative = false;
  if (data[i] === 45 /* '-' */) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (data[i] === 48 /* '0' */) {
    return i + 1 === end && !negative ? 0 : null;
  }
  if (end - i > 19) return null;
  let value = 0;
  for (; i < end; i++) {
    const digit = data[i] - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
