/**
 * Reply encoder for RESP2 and RESP3. Replies are appended to a growable
 * buffer; large bulk payloads are queued by reference instead of copied.
 * Aggregate types that RESP2 lacks (map, set, double, boolean, null, push,
 * verbatim, big number) are written in the shape Redis uses for RESP2
 * clients; attributes exist only in RESP3.
 *
 * Text arguments are "binary strings": one char per byte (latin1), which is
 * how keys and error texts carrying user bytes are held in memory.
 *
 * @module
 */

/** Protocol version spoken on a connection. */
export type Protocol = 2 | 3;

/** Payloads at least this large are queued by reference instead of copied. */
const LARGE_PAYLOAD = 64 * 1024;
const INITIAL_SIZE = 16 * 1024;

const CRLF_0 = 13;
const CRLF_1 = 10;

/** Writes RESP replies into an output queue that the connection drains. */
export class ReplyWriter {
  /** Protocol used for the encoding of RESP3-only types. */
  protocol: Protocol = 2;
  #buf = new Uint8Array(INITIAL_SIZE);
  #pos = 0;
  /**
   * The buffer handed out by the previous take(), reused by the next one:
   * allocating a fresh buffer per flush costs more than encoding the replies.
   */
  #spare: Uint8Array<ArrayBuffer> | null = null;
  /** Finished chunks waiting to be written, in order. */
  #chunks: Uint8Array[] = [];
  #queuedBytes = 0;

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.#queuedBytes + this.#pos;
  }

  /**
   * Removes and returns everything written so far, as chunks in order. The
   * chunks stay valid until the next call of take(), which may reuse their
   * memory: consume (write out) the chunks before taking more.
   */
  take(): Uint8Array[] {
    if (this.#pos > 0) {
      const given = this.#buf;
      this.#chunks.push(given.subarray(0, this.#pos));
      this.#pos = 0;
      this.#buf = this.#spare ?? new Uint8Array(INITIAL_SIZE);
      // A buffer grown by a burst of output is not kept for reuse.
      this.#spare = given.length > 4 * INITIAL_SIZE ? null : given;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#queuedBytes = 0;
    return chunks;
  }

  /** Drops everything written so far (used by CLIENT REPLY OFF/SKIP). */
  discard(): void {
    this.#chunks = [];
    this.#queuedBytes = 0;
    this.#pos = 0;
  }

  /** Drops output written after the first `size` pending bytes (CLIENT REPLY OFF). */
  truncate(size: number): void {
    if (size >= this.#queuedBytes) {
      this.#pos = Math.min(this.#pos, size - this.#queuedBytes);
      return;
    }
    this.#pos = 0;
    while (this.#queuedBytes > size) {
      const chunk = this.#chunks.pop()!;
      this.#queuedBytes -= chunk.length;
      if (this.#queuedBytes < size) {
        const keep = size - this.#queuedBytes;
        this.#chunks.push(chunk.subarray(0, keep));
        this.#queuedBytes += keep;
      }
    }
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
  }

  #byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = b;
  }

  #crlf(): void {
    this.#ensure(2);
    this.#buf[this.#pos++] = CRLF_0;
    this.#buf[this.#pos++] = CRLF_1;
  }

  /** Writes a binary string (one byte per char). */
  #text(s: string): void {
    const n = s.length;
    this.#ensure(n);
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.#pos = pos;
  }

  #integerText(n: number): void {
    if (n >= 0 && n < 10) {
      this.#byte(48 + n);
      return;
    }
    this.#text(String(n));
  }

  /** Writes a type byte, a length and CRLF: "*3\r\n". */
  #header(type: number, length: number): void {
    this.#ensure(24);
    this.#buf[this.#pos++] = type;
    this.#integerText(length);
    this.#crlf();
  }

  /** Copies raw protocol bytes to the output (used for precomputed replies). */
  raw(bytes: Uint8Array): void {
    if (bytes.length >= LARGE_PAYLOAD) {
      this.#queue(bytes);
      return;
    }
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #queue(bytes: Uint8Array): void {
    if (this.#pos > 0) {
      this.#chunks.push(this.#buf.slice(0, this.#pos));
      this.#queuedBytes += this.#pos;
      this.#pos = 0;
    }
    this.#chunks.push(bytes);
    this.#queuedBytes += bytes.length;
  }

  /** +OK style status reply. */
  simple(status: string): void {
    this.#byte(43);
    this.#text(status);
    this.#crlf();
  }

  /** +OK */
  ok(): void {
    this.raw(OK);
  }

  /**
   * Error reply. `message` includes its prefix ("ERR ...", "WRONGTYPE ...");
   * newlines are replaced by spaces as Redis does, so the reply stays one line.
   */
  error(message: string): void {
    this.#byte(45);
    this.#text(message.replace(/[\r\n]/g, " "));
    this.#crlf();
  }

  /** :<n> integer reply. Accepts bigint for values beyond 2^53. */
  integer(n: number | bigint): void {
    this.#byte(58);
    if (typeof n === "number") this.#integerText(n);
    else this.#text(n.toString());
    this.#crlf();
  }

  /**
   * Integer reply of a number its caller already formatted (`String(n)`),
   * which saves formatting it twice.
   */
  integerDecimal(decimal: string): void {
    this.#byte(58);
    this.#text(decimal);
    this.#crlf();
  }

  /** Bulk string reply with a byte payload. */
  bulk(value: Uint8Array): void {
    this.bulkRange(value, 0, value.length);
  }

  /**
   * Bulk string reply with the payload `bytes[start, start + length)`,
   * without a view made for it (stream entries' fields).
   */
  bulkRange(bytes: Uint8Array, start: number, length: number): void {
    this.#header(36, length);
    if (length >= LARGE_PAYLOAD) {
      this.#queue(
        start === 0 && length === bytes.length
          ? bytes
          : bytes.subarray(start, start + length),
      );
    } else {
      this.#ensure(length);
      const buf = this.#buf;
      const pos = this.#pos;
      // A loop copies a few bytes in a quarter of set()'s fixed cost.
      if (length <= 8) {
        for (let i = 0; i < length; i++) buf[pos + i] = bytes[start + i];
      } else if (start === 0 && length === bytes.length) buf.set(bytes, pos);
      else buf.set(bytes.subarray(start, start + length), pos);
      this.#pos = pos + length;
    }
    this.#crlf();
  }

  /** Bulk string reply from a binary string (one byte per char). */
  bulkString(value: string): void {
    this.#header(36, value.length);
    this.#text(value);
    this.#crlf();
  }

  /** Null bulk string: $-1 in RESP2, _ in RESP3. */
  nullBulk(): void {
    this.raw(this.protocol === 3 ? NULL3 : NULL_BULK2);
  }

  /** Null array: *-1 in RESP2, _ in RESP3. */
  nullArray(): void {
    this.raw(this.protocol === 3 ? NULL3 : NULL_ARRAY2);
  }

  /** Array header announcing `length` elements. */
  array(length: number): void {
    this.#header(42, length);
  }

  /** Map header of `pairs` key/value pairs: %n in RESP3, *2n in RESP2. */
  map(pairs: number): void {
    if (this.protocol === 3) this.#header(37, pairs);
    else this.#header(42, pairs * 2);
  }

  /** Set header: ~n in RESP3, *n in RESP2. */
  set(length: number): void {
    this.#header(this.protocol === 3 ? 126 : 42, length);
  }

  /** Push header: >n in RESP3, *n in RESP2. */
  push(length: number): void {
    this.#header(this.protocol === 3 ? 62 : 42, length);
  }

  /** Attribute-free boolean: #t/#f in RESP3, :1/:0 in RESP2. */
  boolean(value: boolean): void {
    if (this.protocol === 3) this.raw(value ? TRUE3 : FALSE3);
    else this.raw(value ? ONE : ZERO);
  }

  /**
   * Double reply. `text` is the number already formatted the way the command
   * formats it for RESP2; RESP3 clients get a ,<double> frame.
   */
  double(text: string): void {
    if (this.protocol === 3) {
      this.#byte(44);
      this.#text(text);
      this.#crlf();
    } else this.bulkString(text);
  }

  /**
   * Big number reply: `(<digits>` in RESP3, a bulk string of the digits in
   * RESP2, as Redis's addReplyBigNum writes it.
   */
  bigNumber(digits: string): void {
    if (this.protocol === 3) {
      this.#byte(40);
      this.#text(digits);
      this.#crlf();
    } else this.bulkString(digits);
  }

  /**
   * Attribute header of `pairs` key/value pairs (`|n`), RESP3 only: like
   * Redis, callers write attributes for RESP3 clients alone, then the
   * actual reply.
   */
  attribute(pairs: number): void {
    if (this.protocol !== 3) throw new Error("attributes need RESP3");
    this.#header(124, pairs);
  }

  /** Verbatim string (=len\r\ntxt:...) in RESP3, bulk string in RESP2. */
  verbatim(text: string, format = "txt"): void {
    if (this.protocol === 3) {
      this.#header(61, text.length + 4);
      this.#text(format + ":");
      this.#text(text);
      this.#crlf();
    } else this.bulkString(text);
  }

  /** Array of bulk strings from binary strings. */
  stringArray(values: readonly string[]): void {
    this.array(values.length);
    for (const v of values) this.bulkString(v);
  }
}

const ascii = (s: string) => new TextEncoder().encode(s);
const OK = ascii("+OK\r\n");
const NULL3 = ascii("_\r\n");
const NULL_BULK2 = ascii("$-1\r\n");
const NULL_ARRAY2 = ascii("*-1\r\n");
const TRUE3 = ascii("#t\r\n");
const FALSE3 = ascii("#f\r\n");
const ONE = ascii(":1\r\n");
const ZERO = ascii(":0\r\n");
