/**
 * A small RESP2/RESP3 client for tests: sends commands and reads replies,
 * either parsed or as the exact bytes the server sent.
 *
 * Bulk and simple strings are returned as binary strings (one char per byte).
 *
 * @module
 */

import { binary, latin1, utf8 } from "./bytes.ts";

/** An error reply. */
export class RespError {
  /** Creates an error reply value with the server's text (prefix included). */
  constructor(readonly message: string) {}
}

/** A RESP3 push frame. */
export class RespPush {
  /** Creates a push value. */
  constructor(readonly items: Reply[]) {}
}

/** A RESP3 double. */
export class RespDouble {
  /** Creates a double value from its text. */
  constructor(readonly text: string) {}
}

/** A parsed reply. */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespPush
  | RespDouble
  | Reply[]
  | Map<Reply, Reply>
  | Set<Reply>;

/** Encodes a command as a RESP multibulk request. */
export function encodeCommand(
  args: readonly (string | Uint8Array)[],
): Uint8Array {
  const parts: Uint8Array[] = [binary(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? binary(arg) : arg;
    parts.push(binary(`$${bytes.length}\r\n`), bytes, binary("\r\n"));
  }
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

/** Parses one reply from `buf` at `pos`; returns null if incomplete. */
export function parseReply(
  buf: Uint8Array,
  pos: number,
): [Reply, number] | null {
  if (pos >= buf.length) return null;
  const lineEnd = buf.indexOf(13, pos);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = latin1(buf.subarray(pos + 1, lineEnd));
  const next = lineEnd + 2;
  const aggregate = (n: number): [Reply[], number] | null => {
    const items: Reply[] = [];
    let p = next;
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, p);
      if (r === null) return null;
      items.push(r[0]);
      p = r[1];
    }
    return [items, p];
  };
  switch (type) {
    case "+":
      return [line, next];
    case "-":
      return [new RespError(line), next];
    case ":":
      return [Number(line), next];
    case "(":
      return [BigInt(line), next];
    case ",":
      return [new RespDouble(line), next];
    case "#":
      return [line === "t", next];
    case "_":
      return [null, next];
    case "$":
    case "=": {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (next + n + 2 > buf.length) return null;
      return [latin1(buf.subarray(next, next + n)), next + n + 2];
    }
    case "*":
    case "~":
    case ">": {
      const n = Number(line);
      if (n < 0) return [null, next];
      const r = aggregate(n);
      if (r === null) return null;
      if (type === "~") return [new Set(r[0]), r[1]];
      if (type === ">") return [new RespPush(r[0]), r[1]];
      return r;
    }
    case "%": {
      const r = aggregate(Number(line) * 2);
      if (r === null) return null;
      const map = new Map<Reply, Reply>();
      for (let i = 0; i < r[0].length; i += 2) map.set(r[0][i], r[0][i + 1]);
      return [map, r[1]];
    }
    case "|": {
      // A RESP3 attribute comes before the reply it describes: the two are
      // read as one (raw reads keep both), and the parsed value is the reply.
      const attribute = aggregate(Number(line) * 2);
      if (attribute === null) return null;
      return parseReply(buf, attribute[1]);
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

/** A connection to a server speaking RESP. Close it with `close()`. */
export class RespClient {
  #buf = new Uint8Array(0);
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;

  private constructor(
    readonly conn: Deno.TcpConn | Deno.TlsConn | Deno.UnixConn,
  ) {
    this.#reader = conn.readable.getReader();
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<RespClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    return new RespClient(conn);
  }

  /** Connects to the unix socket at `path`. */
  static async connectUnix(path: string): Promise<RespClient> {
    const conn = await Deno.connect({ transport: "unix", path });
    return new RespClient(conn);
  }

  /**
   * Connects over TLS to 127.0.0.1:`port`, trusting the CA certificate in
   * the file `caFile`, and completes the handshake.
   */
  static async connectTls(port: number, caFile: string): Promise<RespClient> {
    const conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port,
      caCerts: [await Deno.readTextFile(caFile)],
    });
    try {
      await conn.handshake();
    } catch (error) {
      conn.close();
      throw error;
    }
    return new RespClient(conn);
  }

  /** Sends raw bytes. */
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? utf8(data) : data;
    let offset = 0;
    while (offset < bytes.length) {
      offset += await this.conn.write(bytes.subarray(offset));
    }
  }

  /** Sends a command without waiting for the reply. */
  send(...args: (string | Uint8Array)[]): Promise<void> {
    return this.write(encodeCommand(args));
  }

  async #fill(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done || value === undefined) return false;
    const joined = new Uint8Array(this.#buf.length + value.length);
    joined.set(this.#buf);
    joined.set(value, this.#buf.length);
    this.#buf = joined;
    return true;
  }

  /** Reads the next reply as the exact bytes sent by the server. */
  async readRaw(): Promise<Uint8Array> {
    while (true) {
      const r = parseReply(this.#buf, 0);
      if (r !== null) {
        const raw = this.#buf.slice(0, r[1]);
        this.#buf = this.#buf.slice(r[1]);
        return raw;
      }
      if (!await this.#fill()) throw new Error("connection closed");
    }
  }

  /** Reads and parses the next reply. */
  async read(): Promise<Reply> {
    return parseReply(await this.readRaw(), 0)![0];
  }

  /** Sends a command and returns its parsed reply. */
  async call(...args: (string | Uint8Array)[]): Promise<Reply> {
    await this.send(...args);
    return this.read();
  }

  /** Sends a command and returns its reply as raw bytes. */
  async callRaw(...args: (string | Uint8Array)[]): Promise<Uint8Array> {
    await this.send(...args);
    return this.readRaw();
  }

  /** Resolves true once the server has closed the connection (all data read). */
  async closedByServer(): Promise<boolean> {
    try {
      while (await this.#fill()) { /* drain */ }
      return true;
    } catch {
      return true;
    }
  }

  /** Bytes received but not yet returned as replies. */
  get buffered(): Uint8Array {
    return this.#buf;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#reader.releaseLock();
    } catch {
      // Ignore.
    }
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }
}
