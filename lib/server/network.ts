/**
 * The network layer: accepts TCP connections, reads each connection's
 * ReadableStream through the RESP decoder into the dispatcher, and writes
 * replies back with backpressure. It knows nothing of data types.
 *
 * @module
 */

import {
  type CommandSink,
  ProtocolError,
  QueryBufferLimitError,
  RespDecoder,
} from "../resp/decoder.ts";
import type { Dispatcher } from "../commands/dispatch.ts";
import type { Client, Transport } from "./client.ts";
import type { Server } from "./server.ts";

/** Size of the reusable read buffer handed to the BYOB reader. */
const READ_BUFFER_SIZE = 64 * 1024;

/**
 * Output a client may have pending before the rest of its input waits for
 * that output to be written. Without it, one read of pipelined GETs of a big
 * value from a client that never reads would copy gigabytes of replies.
 */
const OUTPUT_PAUSE_BYTES = 1024 * 1024;

const NO_INPUT = new Uint8Array(0);

const MAX_CLIENTS_ERROR = new TextEncoder().encode(
  "-ERR max number of clients reached\r\n",
);

function formatAddress(addr: Deno.Addr): string {
  if (addr.transport !== "tcp") return "?:0";
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return `${host}:${addr.port}`;
}

/** Writes all of `data`, looping over partial writes. */
async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = await conn.write(data);
  while (offset < data.length) {
    offset += await conn.write(data.subarray(offset));
  }
}

/** One client connection: its read loop and its serialised writes. */
class Connection implements Transport {
  readonly client: Client;
  /** The write in progress, if #draining. */
  #writing: Promise<void> = Promise.resolve();
  #draining = false;
  #closed = false;
  #closeWhenFlushed = false;

  constructor(
    readonly conn: Deno.TcpConn,
    readonly server: Server,
    readonly dispatcher: Dispatcher,
  ) {
    this.client = server.addClient(
      formatAddress(conn.remoteAddr),
      formatAddress(conn.localAddr),
      this,
    );
  }

  /** Reads requests until the peer disconnects or the client is closed. */
  async run(): Promise<void> {
    const client = this.client;
    const server = this.server;
    const limits = {
      get maxBulkLength() {
        return server.config.number("proto-max-bulk-len");
      },
      get maxQueryBuffer() {
        return server.config.number("client-query-buffer-limit");
      },
      get authRequired() {
        return !client.authenticated;
      },
    };
    const decoder = new RespDecoder(limits);
    const reader = this.conn.readable.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(READ_BUFFER_SIZE);
    client.readBufferBytes = READ_BUFFER_SIZE;
    const reply = client.reply;
    const sink = (args: Uint8Array[]) => {
      this.dispatcher.receive(client, args);
      return reply.pendingBytes < OUTPUT_PAUSE_BYTES;
    };
    try {
      while (!this.#closed) {
        const { value, done } = await reader.read(new Uint8Array(buffer));
        if (done || value === undefined) break;
        buffer = value.buffer as ArrayBuffer;
        server.stats.netInputBytes += value.length;
        // Like Redis's lastinteraction, reads and writes count (CLIENT LIST idle).
        client.lastInteraction = Date.now();
        let input = value;
        do {
          client.processingInputBytes = decoder.bufferedBytes + input.length;
          this.#feed(decoder, input, sink);
          client.processingInputBytes = 0;
          client.bufferedInputBytes = decoder.bufferedBytes;
          input = NO_INPUT;
          // The AOF is written (and fsynced with appendfsync always) before
          // any of these replies leaves, once for all clients of this turn.
          const logged = server.aof.flushSoon();
          if (logged !== null) await logged;
          if (
            client.pendingBytes > 0 &&
            client.queryBufferBytes >
              server.config.number("client-query-buffer-limit")
          ) {
            server.log.warning(
              `Closing client that reached max query buffer length: id=${client.id} addr=${client.address} (qbuf initial bytes: ${client.queryBufferBytes})`,
            );
            this.close(false);
          }
          // Backpressure: a client that does not read its replies is not
          // read from either, until its output has been written.
          if (this.#draining) await this.#writing;
          else if (reply.pendingBytes > 0 && !this.#closed) {
            await (this.#writing = this.#drain());
          }
        } while (decoder.paused && !this.#closed);
      }
    } catch (error) {
      if (!this.#closed) {
        server.log.verbose(`Client id=${client.id} read error: ${error}`);
      }
    } finally {
      reader.releaseLock();
      this.#shutdown();
    }
  }

  /** Runs the commands in `input`; a malformed request closes the client. */
  #feed(decoder: RespDecoder, input: Uint8Array, sink: CommandSink): void {
    const client = this.client;
    const server = this.server;
    try {
      decoder.feed(input, sink);
    } catch (error) {
      if (error instanceof ProtocolError) {
        server.log.verbose(
          `Protocol error (${error.message}) from client: id=${client.id} addr=${client.address}`,
        );
        if (!client.blocked && client.pending.length === 0) {
          client.reply.error(`ERR ${error.message}`);
        }
        this.close(true);
      } else if (error instanceof QueryBufferLimitError) {
        server.log.warning(
          `Closing client that reached max query buffer length: id=${client.id} addr=${client.address} (qbuf initial bytes: ${error.size})`,
        );
        this.close(false);
      } else throw error;
    }
  }

  flush(): void {
    if (this.#closed || this.#draining) return;
    if (this.client.reply.pendingBytes === 0) {
      if (this.#closeWhenFlushed) this.#shutdown();
      return;
    }
    this.#writing = this.#drain();
  }

  /**
   * Writes pending output until none is left, including output added while
   * writing. Only one drain runs at a time, so replies keep their order.
   */
  async #drain(): Promise<void> {
    const client = this.client;
    const reply = client.reply;
    this.#draining = true;
    try {
      while (!this.#closed && reply.pendingBytes > 0) {
        // Replies caused by other clients' writes follow those writes' log.
        this.server.aof.flush();
        const pending = reply.pendingBytes;
        client.recordOutputPeak(pending, Date.now());
        const chunks = reply.take();
        client.writingBytes = pending;
        client.writingChunks = chunks.length;
        for (let i = 0; i < chunks.length; i++) {
          this.server.stats.netOutputBytes += chunks[i].length;
          await writeAll(this.conn, chunks[i]);
          client.writingBytes -= chunks[i].length;
          client.writingChunks--;
        }
        client.lastInteraction = Date.now();
      }
    } catch {
      // The peer went away; the read loop notices and cleans up.
      this.#shutdown();
      return;
    } finally {
      this.#draining = false;
      client.writingBytes = 0;
      client.writingChunks = 0;
    }
    if (this.#closeWhenFlushed) this.#shutdown();
  }

  close(graceful: boolean): void {
    this.client.closeAfterReply = true;
    if (graceful && this.client.reply.pendingBytes > 0) {
      this.#closeWhenFlushed = true;
      this.flush();
      return;
    }
    if (graceful && this.#draining) {
      this.#closeWhenFlushed = true;
      return;
    }
    this.#shutdown();
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.server.removeClient(this.client);
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/** A listening server: accepts clients until stopped. */
export class NetworkServer {
  readonly #listeners: Deno.TcpListener[] = [];
  readonly #connections = new Set<Promise<void>>();
  readonly #accepting: Promise<void>[] = [];

  /** Creates the network layer for `server`, running commands with `dispatcher`. */
  constructor(readonly server: Server, readonly dispatcher: Dispatcher) {}

  /** Starts listening on every address in `hostnames` at `port`. */
  listen(hostnames: readonly string[], port: number): void {
    for (const hostname of hostnames) {
      const listener = Deno.listen({ hostname, port, transport: "tcp" });
      this.#listeners.push(listener);
      this.#accepting.push(this.#acceptLoop(listener));
    }
  }

  /**
   * Moves to new addresses or a new port (CONFIG SET bind/port). New
   * listeners open before old ones close, and listeners on unchanged
   * addresses stay, so a failure leaves everything as it was. (A closed
   * socket is released only asynchronously, so a wildcard address and a
   * specific one on the same port cannot be swapped this way.)
   */
  rebind(hostnames: readonly string[], port: number): void {
    const samePort = port === this.port;
    const keep = this.#listeners.filter((l) =>
      samePort && hostnames.includes((l.addr as Deno.NetAddr).hostname)
    );
    const opened: Deno.TcpListener[] = [];
    try {
      for (const hostname of hostnames) {
        if (keep.some((l) => (l.addr as Deno.NetAddr).hostname === hostname)) {
          continue;
        }
        opened.push(Deno.listen({ hostname, port, transport: "tcp" }));
      }
    } catch (error) {
      for (const listener of opened) listener.close();
      throw error;
    }
    for (const listener of this.#listeners) {
      if (!keep.includes(listener)) listener.close();
    }
    this.#listeners.splice(0, this.#listeners.length, ...keep, ...opened);
    for (const listener of opened) {
      this.#accepting.push(this.#acceptLoop(listener));
    }
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return (this.#listeners[0].addr as Deno.NetAddr).port;
  }

  async #acceptLoop(listener: Deno.TcpListener): Promise<void> {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // Listener closed.
      }
      this.#handle(conn);
    }
  }

  #handle(conn: Deno.TcpConn): void {
    const server = this.server;
    if (server.clients.size >= server.config.number("maxclients")) {
      server.stats.rejectedConnections++;
      const done = writeAll(conn, MAX_CLIENTS_ERROR).catch(() => {}).finally(
        () => {
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        },
      );
      this.#track(done);
      return;
    }
    try {
      conn.setNoDelay(true);
      conn.setKeepAlive(server.config.number("tcp-keepalive") > 0);
    } catch {
      // Socket options are best effort.
    }
    const connection = new Connection(conn, server, this.dispatcher);
    this.#track(connection.run());
  }

  #track(task: Promise<void>): void {
    this.#connections.add(task);
    task.finally(() => this.#connections.delete(task));
  }

  /** Stops listening, disconnects every client and waits for their loops to end. */
  async close(): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
    }
    await Promise.all(this.#accepting);
    for (const client of [...this.server.clients.values()]) {
      client.transport.close(false);
    }
    await Promise.all([...this.#connections]);
  }
}
