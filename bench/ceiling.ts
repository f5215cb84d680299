/**
 * `deno run --allow-net bench/ceiling.ts --port <port>`: the smallest RESP
 * server Deno can run, the I/O ceiling our server is measured against.
 *
 * It does only what redis-benchmark's core tests need, the cheapest way the
 * runtime allows: `Deno.listen` on 127.0.0.1; per connection one read loop
 * over one reused input buffer (`conn.read`); multibulk and inline requests
 * parsed into views of that buffer; keys and values kept as binary strings
 * (one character per byte, no buffer allocated per value) in one `Map`; the
 * replies to everything one read brought gathered in one reused output
 * buffer and sent with one write. Commands: PING [message], SET key value,
 * GET, INCR, MSET, plus CONFIG GET (the name with an empty value) and
 * COMMAND (an empty array) so that redis-benchmark starts quietly. No
 * options, databases, expiry, limits or imports.
 *
 * With `--byob` it reads through the BYOB reader of `conn.readable` instead
 * of `conn.read`, as the design requires of our server: the difference
 * between the two is what that reader costs, and the BYOB ceiling is the
 * most our server can reach.
 *
 * `bench/run.ts` runs it, plainly and with `--byob`, beside ours and Redis
 * for the cases marked `ceiling: true` (bench/suite.ts). The gap between its throughput and ours
 * is what our server's generality costs (decoder, dispatch, checks,
 * statistics, data model) on top of the runtime's own I/O cost.
 *
 * @module
 */

const encoder = new TextEncoder();
/** Keys and values as binary strings: no buffer allocated per value. */
const store = new Map<string, string>();
const OK = encoder.encode("+OK\r\n");
const PONG = encoder.encode("+PONG\r\n");
const NIL = encoder.encode("$-1\r\n");
const CRLF = encoder.encode("\r\n");
const EMPTY = encoder.encode("*0\r\n");
const NOT_INT = encoder.encode(
  "-ERR value is not an integer or out of range\r\n",
);

/** A growable byte buffer for one connection's replies. */
class Out {
  buf = new Uint8Array(64 * 1024);
  len = 0;
  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(2 * (this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  text(s: string): void {
    this.reserve(3 * s.length);
    this.len += encoder.encodeInto(s, this.buf.subarray(this.len)).written;
  }
  bulk(b: Uint8Array): void {
    this.text(`$${b.length}\r\n`);
    this.bytes(b);
    this.bytes(CRLF);
  }
  /** A bulk reply of a binary string (one byte per character). */
  bulkString(s: string): void {
    this.text(`$${s.length}\r\n`);
    this.reserve(s.length + 2);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
    this.bytes(CRLF);
  }
}

/** Bytes as a string, one character per byte (cheaper than TextDecoder). */
function str(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Runs one command; `args` are views into the input buffer. */
function execute(args: Uint8Array[], out: Out): void {
  const name = str(args[0]).toUpperCase();
  const key = () => str(args[1]);
  if (name === "PING" && args.length === 1) out.bytes(PONG);
  else if (name === "PING" && args.length === 2) out.bulk(args[1]);
  else if (name === "SET" && args.length >= 3) {
    store.set(key(), str(args[2]));
    out.bytes(OK);
  } else if (name === "GET" && args.length === 2) {
    const value = store.get(key());
    if (value === undefined) out.bytes(NIL);
    else out.bulkString(value);
  } else if (name === "INCR" && args.length === 2) {
    const old = store.get(key());
    const n = old === undefined ? 0 : Number(old);
    if (!Number.isSafeInteger(n)) return out.bytes(NOT_INT);
    store.set(key(), String(n + 1));
    out.text(`:${n + 1}\r\n`);
  } else if (name === "MSET" && args.length >= 3 && args.length % 2 === 1) {
    for (let i = 1; i < args.length; i += 2) {
      store.set(str(args[i]), str(args[i + 1]));
    }
    out.bytes(OK);
  } else if (name === "CONFIG" && args.length === 3) {
    out.text("*2\r\n");
    out.bulk(args[2]);
    out.text("$0\r\n\r\n");
  } else if (name === "COMMAND") out.bytes(EMPTY);
  else out.text(`-ERR unknown command '${str(args[0])}'\r\n`);
}

/** The index of the CRLF at or after `from` before `end`, or -1. */
function lineEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === 13) return i;
  return -1;
}

/** Reads a decimal number from `buf[from, to)`. */
function int(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + buf[i] - 48;
  return n;
}

/**
 * Parses one request at `pos`: fills `args` and returns the position after
 * it, or -1 if the request is not complete yet.
 */
function parse(
  buf: Uint8Array,
  pos: number,
  end: number,
  args: Uint8Array[],
): number {
  args.length = 0;
  let eol = lineEnd(buf, pos, end);
  if (eol < 0) return -1;
  if (buf[pos] !== 42) { // inline: space-separated words
    for (let i = pos, from = pos; i <= eol; i++) {
      if (i < eol && buf[i] !== 32) continue;
      if (i > from) args.push(buf.subarray(from, i));
      from = i + 1;
    }
    return eol + 2;
  }
  const count = int(buf, pos + 1, eol);
  pos = eol + 2;
  for (let i = 0; i < count; i++) {
    eol = lineEnd(buf, pos, end);
    if (eol < 0) return -1;
    const len = int(buf, pos + 1, eol);
    if (eol + 2 + len + 2 > end) return -1;
    args.push(buf.subarray(eol + 2, eol + 2 + len));
    pos = eol + 2 + len + 2;
  }
  return pos;
}

/** Serves one client: read, run every complete request, write once. */
async function serve(conn: Deno.Conn): Promise<void> {
  const byob = readsByob ? conn.readable.getReader({ mode: "byob" }) : null;
  let buf = new Uint8Array(64 * 1024);
  let end = 0;
  const out = new Out();
  const args: Uint8Array[] = [];
  try {
    for (;;) {
      if (end === buf.length) { // a request larger than the buffer
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      let n: number;
      if (byob === null) {
        const read = await conn.read(buf.subarray(end));
        if (read === null) return;
        n = read;
      } else {
        // The reader takes the buffer and hands it back in the view it fills.
        const { value, done } = await byob.read(buf.subarray(end));
        if (done || value === undefined) return;
        buf = new Uint8Array(value.buffer);
        n = value.length;
      }
      end += n;
      let pos = 0;
      let next = parse(buf, pos, end, args);
      while (next >= 0) {
        if (args.length > 0) execute(args, out);
        pos = next;
        next = parse(buf, pos, end, args);
      }
      buf.copyWithin(0, pos, end);
      end -= pos;
      for (let sent = 0; sent < out.len;) {
        sent += await conn.write(out.buf.subarray(sent, out.len));
      }
      out.len = 0;
    }
  } catch {
    // The client went away mid-request.
  } finally {
    byob?.releaseLock();
    try {
      conn.close();
    } catch {
      // The readable closed the connection when it saw the end.
    }
  }
}

/** `--byob`: read as our server must, through `conn.readable`'s BYOB reader. */
const readsByob = Deno.args.includes("--byob");
const flag = Deno.args.indexOf("--port");
const port = flag < 0 ? 6380 : Number(Deno.args[flag + 1]);
for await (const conn of Deno.listen({ hostname: "127.0.0.1", port })) {
  conn.setNoDelay(true);
  serve(conn);
}
