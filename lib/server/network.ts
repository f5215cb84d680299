/**
 * The network layer: accepts TCP, TLS and unix socket connections, reads
 * each connection's ReadableStream through the RESP decoder into the
 * dispatcher, and writes replies back with backpressure. Connections
 * accepted on the TLS port go through the same read loop once their
 * handshake is done. It knows nothing of data types.
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
import { osErrorText } from "../util/files.ts";
import { binaryToText } from "../util/bytes.ts";
import {
  defaultUserHasNoPassword,
  PROTECTED_MODE_DENIED,
  protectedModeRefuses,
} from "./protected_mode.ts";

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

const DENIED_ERROR = new TextEncoder().encode(PROTECTED_MODE_DENIED);

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

  /** `unixSocket` is the socket's configured path for its clients, else null. */
  constructor(
    readonly conn: Deno.TcpConn | Deno.TlsConn | Deno.UnixConn,
    readonly tls: boolean,
    readonly server: Server,
    readonly dispatcher: Dispatcher,
    unixSocket: string | null,
  ) {
    // A unix peer has no name; Redis shows both ends as the socket's path.
    const [address, localAddress] = unixSocket === null
      ? [formatAddress(conn.remoteAddr), formatAddress(conn.localAddr)]
      : [`${unixSocket}:0`, `${unixSocket}:0`];
    this.client = server.addClient(address, localAddress, this);
    this.client.unixSocket = unixSocket;
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
    if (this.tls && !await this.#handshake()) return;
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
        // Like Redis's lastinteraction, reads and writes count (CLIENT LIST
        // idle). A command run sets it, without another clock read.
        const lastInteraction = client.lastInteraction;
        // Still read (to see the peer close) but nothing more is parsed.
        if (client.deferredProtocolError !== null) {
          client.lastInteraction = Date.now();
          continue;
        }
        let input = value;
        do {
          client.processingInputBytes = decoder.bufferedBytes + input.length;
          this.#feed(decoder, input, sink);
          if (client.lastInteraction === lastInteraction) {
            client.lastInteraction = Date.now();
          }
          client.processingInputBytes = 0;
          client.bufferedInputBytes = decoder.bufferedBytes;
          server.clientEviction.check();
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

  /**
   * Completes a TLS connection's handshake before anything is read, as
   * Redis does before it serves the client; a failed one closes it.
   */
  async #handshake(): Promise<boolean> {
    try {
      await (this.conn as Deno.TlsConn).handshake();
      return true;
    } catch (error) {
      if (!this.#closed) {
        this.server.log.warning(
          `Error accepting a client connection: ${
            error instanceof Error ? error.message : String(error)
          } (addr=${this.client.address} laddr=${this.client.localAddress})`,
        );
      }
      this.#shutdown();
      return false;
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
        if (client.blocked || client.pending.length > 0) {
          client.deferredProtocolError = `ERR ${error.message}`;
          return;
        }
        client.reply.error(`ERR ${error.message}`);
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
        client.recordOutputPeak(pending, this.dispatcher.clock);
        const chunks = reply.take();
        client.writingBytes = pending;
        client.writingChunks = chunks.length;
        for (let i = 0; i < chunks.length; i++) {
          const chunk = chunks[i];
          this.server.stats.netOutputBytes += chunk.length;
          // Most writes take the whole chunk: no writeAll frame for them.
          const written = await this.conn.write(chunk);
          if (written < chunk.length) {
            await writeAll(this.conn, chunk.subarray(written));
          }
          client.writingBytes -= chunk.length;
          client.writingChunks--;
        }
        client.lastInteraction = this.dispatcher.clock;
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

/** Where to listen: the bind addresses and the plain and TLS ports (0: none). */
export interface ListenAddresses {
  /** Addresses to listen on, each with both ports. */
  readonly hostnames: readonly string[];
  /** The plain TCP port (`port`); 0 opens no plain listener, as in Redis. */
  readonly port: number;
  /** The TLS port (`tls-port`); 0 opens no TLS listener. */
  readonly tlsPort: number;
}

/** What the TLS listeners present: a certificate chain and its key (PEM). */
export interface TlsListenerKeys {
  /** Certificate chain, leaf first. */
  readonly cert: string;
  /** The leaf's private key, unencrypted. */
  readonly key: string;
}

/** A listener could not be opened; says where, as Redis's log line does. */
export class ListenError extends Error {
  /** Wraps the failure to listen on `hostname`:`port`. */
  constructor(
    readonly hostname: string,
    readonly port: number,
    readonly tls: boolean,
    readonly reason: string,
  ) {
    super(
      `Could not create server TCP listening socket ${
        hostname === "0.0.0.0" ? "*" : hostname
      }:${port}: ${reason}`,
    );
    this.name = "ListenError";
  }
}

/** The unix socket to listen on: `unixsocket` and `unixsocketperm`. */
export interface UnixSocketAddress {
  /**
   * Its path as configured (a binary string): relative ones lie in the
   * working directory, `dir`, as in Redis.
   */
  readonly path: string;
  /** Mode bits the socket file gets; 0 leaves what the umask gave it. */
  readonly perm: number;
}

/** The unix socket could not be opened; the reason as Redis's log words it. */
export class UnixSocketError extends Error {
  /** Wraps `reason` ("bind: Address already in use"). */
  constructor(readonly reason: string) {
    super(`Failed opening Unix socket: ${reason}`);
    this.name = "UnixSocketError";
  }
}

/** The longest socket path, in bytes: sockaddr_un's sun_path less its NUL. */
const MAX_UNIX_PATH_BYTES = 107;

/** The open unix socket listener and its accept loop. */
interface UnixListening {
  readonly listener: Deno.UnixListener;
  /** The configured path, as clients show it (a binary string). */
  readonly path: string;
  /** Settles once the listener is closed and its pending accept is over. */
  readonly accepting: Promise<void>;
}

/**
 * Opens the unix socket as Redis does: whatever is at the path is removed
 * first (a stale socket of a server that did not shut down; a directory
 * stays, and binding then fails), the socket is bound, then given `perm`.
 */
function openUnixSocket(address: UnixSocketAddress): Deno.UnixListener {
  const path = binaryToText(address.path);
  try {
    // unlink(2) never removes a directory; Deno.removeSync would.
    if (!Deno.lstatSync(path).isDirectory) Deno.removeSync(path);
  } catch {
    // Nothing there, or not removable: binding tells.
  }
  if (address.path.length > MAX_UNIX_PATH_BYTES) {
    throw new UnixSocketError(
      `unix socket path too long (${address.path.length}), must be under ${
        MAX_UNIX_PATH_BYTES + 1
      }`,
    );
  }
  let listener: Deno.UnixListener;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (error) {
    throw new UnixSocketError(`bind: ${osErrorText(error)}`);
  }
  if (address.perm !== 0) {
    try {
      Deno.chmodSync(path, address.perm);
    } catch {
      // Redis ignores a failed chmod too: the socket keeps the umask's mode.
    }
  }
  return listener;
}

/** One open listener and its accept loop. */
interface Listening {
  readonly listener: Deno.TcpListener | Deno.TlsListener;
  readonly tls: boolean;
  readonly hostname: string;
  /** The port asked for (the bound one is in listener.addr). */
  readonly port: number;
  /** The keys a TLS listener serves (null for plain). */
  readonly keys: TlsListenerKeys | null;
  /** Settles once the listener is closed and its pending accept is over. */
  accepting: Promise<void>;
}

/** Why a listener could not be opened, as Redis says it ("bind: Address already in use"). */
function listenFailure(error: unknown): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return "bind: Address already in use";
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return "bind: Cannot assign requested address";
  }
  return osErrorText(error);
}

/** A listening server: accepts clients until stopped. */
export class NetworkServer {
  #listening: Listening[] = [];
  #addresses: ListenAddresses = { hostnames: [], port: 0, tlsPort: 0 };
  #tlsKeys: TlsListenerKeys | null = null;
  #unix: UnixListening | null = null;
  /** The TLS listeners being reopened with new keys, if any. */
  #swapping: Promise<void> = Promise.resolve();
  readonly #connections = new Set<Promise<void>>();

  /** Creates the network layer for `server`, running commands with `dispatcher`. */
  constructor(readonly server: Server, readonly dispatcher: Dispatcher) {}

  /**
   * Starts listening on `addresses`, then on `unixSocket` when given; a
   * TLS port needs `tlsKeys`. Throws ListenError or UnixSocketError, with
   * nothing left open, when an address cannot be bound.
   */
  listen(
    addresses: ListenAddresses,
    tlsKeys: TlsListenerKeys | null,
    unixSocket: UnixSocketAddress | null = null,
  ): void {
    this.#tlsKeys = tlsKeys;
    if (unixSocket === null) {
      this.rebind(addresses);
      return;
    }
    // The unix socket first: the kernel completes TCP handshakes from
    // listen(2) on, so a client that found the port open must find the
    // socket bound too.
    const listener = openUnixSocket(unixSocket);
    try {
      this.rebind(addresses);
    } catch (error) {
      listener.close();
      throw error;
    }
    const path = unixSocket.path;
    this.#unix = {
      listener,
      path,
      accepting: this.#accept(
        listener,
        (conn) => this.#handle(conn, false, path),
      ),
    };
  }

  /**
   * Moves to new addresses or ports (CONFIG SET bind, port, tls-port). New
   * listeners open before old ones close, and listeners on unchanged
   * addresses and ports stay, so a failure (ListenError) leaves everything
   * as it was. (A closed socket is released only asynchronously, so a
   * wildcard address and a specific one on the same port cannot be swapped
   * this way.)
   */
  rebind(addresses: ListenAddresses): void {
    const wanted: { hostname: string; port: number; tls: boolean }[] = [];
    for (const hostname of addresses.hostnames) {
      if (addresses.port !== 0) {
        wanted.push({ hostname, port: addresses.port, tls: false });
      }
      if (addresses.tlsPort !== 0) {
        wanted.push({ hostname, port: addresses.tlsPort, tls: true });
      }
    }
    const same = (l: Listening, w: (typeof wanted)[number]) =>
      l.tls === w.tls && l.hostname === w.hostname && l.port === w.port;
    const keep = this.#listening.filter((l) => wanted.some((w) => same(l, w)));
    const opened: Listening[] = [];
    try {
      for (const w of wanted) {
        if (keep.some((l) => same(l, w))) continue;
        opened.push(this.#open(w.hostname, w.port, w.tls));
      }
    } catch (error) {
      for (const l of opened) this.#closeListener(l);
      throw error;
    }
    for (const l of this.#listening) {
      if (!keep.includes(l)) this.#closeListener(l);
    }
    this.#listening = [...keep, ...opened];
    this.#addresses = addresses;
  }

  /**
   * Serves new TLS connections with `keys` (CONFIG SET of the TLS files),
   * as Redis's reloaded TLS context does; connections already open keep
   * theirs. Deno's TLS listener cannot change its certificate, so each TLS
   * listener is closed and opened again on its address: connection
   * attempts in between (one turn of the event loop) are refused. Resolves
   * when the listeners are back; one that cannot be reopened is logged.
   */
  setTlsKeys(keys: TlsListenerKeys): Promise<void> {
    const current = this.#tlsKeys;
    if (current?.cert === keys.cert && current.key === keys.key) {
      return this.#swapping;
    }
    this.#tlsKeys = keys;
    this.#swapping = this.#swapping.then(() => this.#reopenTls());
    return this.#swapping;
  }

  /** Reopens the TLS listeners that serve other keys than the current ones. */
  async #reopenTls(): Promise<void> {
    const stale = this.#listening.filter((l) =>
      l.tls && l.keys !== this.#tlsKeys
    );
    for (const old of stale) {
      this.#closeListener(old);
      // The port is free again once the pending accept has ended.
      await old.accepting;
      // A rebind meanwhile may have dropped or replaced it.
      const index = this.#listening.indexOf(old);
      if (index < 0) continue;
      try {
        this.#listening[index] = this.#open(old.hostname, old.port, true);
      } catch (error) {
        this.#listening.splice(index, 1);
        this.server.log.warning(
          `Warning: ${
            new ListenError(old.hostname, old.port, true, listenFailure(error))
              .message
          }`,
        );
      }
    }
  }

  /** The plain port actually bound, 0 when there is none. */
  get port(): number {
    const plain = this.#listening.find((l) => !l.tls);
    return plain === undefined ? 0 : (plain.listener.addr as Deno.NetAddr).port;
  }

  /** The TLS port actually bound, 0 when there is none. */
  get tlsPort(): number {
    const tls = this.#listening.find((l) => l.tls);
    return tls === undefined ? 0 : (tls.listener.addr as Deno.NetAddr).port;
  }

  /** Where the server was last told to listen. */
  get addresses(): ListenAddresses {
    return this.#addresses;
  }

  #open(hostname: string, port: number, tls: boolean): Listening {
    let listener: Deno.TcpListener | Deno.TlsListener;
    const keys = tls ? this.#tlsKeys : null;
    try {
      if (tls) {
        if (keys === null) throw new Error("no TLS certificate configured");
        listener = Deno.listenTls({
          hostname,
          port,
          transport: "tcp",
          cert: keys.cert,
          key: keys.key,
        });
      } else {
        listener = Deno.listen({ hostname, port, transport: "tcp" });
      }
    } catch (error) {
      throw new ListenError(hostname, port, tls, listenFailure(error));
    }
    const listening: Listening = {
      listener,
      tls,
      hostname,
      port,
      keys,
      accepting: Promise.resolve(),
    };
    listening.accepting = this.#accept<Deno.TcpConn | Deno.TlsConn>(
      listener,
      (conn) => this.#handle(conn, tls, null),
    );
    return listening;
  }

  #closeListener(listening: Listening): void {
    try {
      listening.listener.close();
    } catch {
      // Already closed.
    }
  }

  async #accept<C extends Deno.Conn>(
    listener: Deno.Listener<C>,
    serve: (conn: C) => void,
  ): Promise<void> {
    while (true) {
      let conn: C;
      try {
        conn = await listener.accept();
      } catch {
        return; // Listener closed.
      }
      serve(conn);
    }
  }

  /**
   * Serves a connection accepted on a TCP or TLS port, or on the unix
   * socket at `unixSocket` (its configured path).
   */
  #handle(
    conn: Deno.TcpConn | Deno.TlsConn | Deno.UnixConn,
    tls: boolean,
    unixSocket: string | null,
  ): void {
    const server = this.server;
    // Refused before it becomes a client: the connection limit first, then
    // protected mode, in Redis's order. A unix socket client is local.
    let refusal: Uint8Array | null = null;
    if (server.clients.size >= server.config.number("maxclients")) {
      refusal = MAX_CLIENTS_ERROR;
    } else if (
      unixSocket === null && protectedModeRefuses({
        protectedMode: server.config.flag("protected-mode"),
        defaultUserHasNoPassword: defaultUserHasNoPassword(server),
        remoteAddress: (conn.remoteAddr as Deno.NetAddr).hostname,
      })
    ) {
      refusal = DENIED_ERROR;
    }
    if (refusal !== null) {
      server.stats.rejectedConnections++;
      const done = writeAll(conn, refusal).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      });
      this.#track(done);
      return;
    }
    if (!tls && unixSocket === null) {
      try {
        const tcp = conn as Deno.TcpConn;
        tcp.setNoDelay(true);
        tcp.setKeepAlive(server.config.number("tcp-keepalive") > 0);
      } catch {
        // Socket options are best effort.
      }
    }
    const connection = new Connection(
      conn,
      tls,
      server,
      this.dispatcher,
      unixSocket,
    );
    this.#track(connection.run());
  }

  #track(task: Promise<void>): void {
    this.#connections.add(task);
    task.finally(() => this.#connections.delete(task));
  }

  /**
   * Stops listening, removes the unix socket file as Redis does at
   * shutdown, disconnects every client and waits for their loops to end.
   */
  async close(): Promise<void> {
    await this.#swapping;
    for (const listening of this.#listening) this.#closeListener(listening);
    await Promise.all(this.#listening.map((l) => l.accepting));
    this.#listening = [];
    if (this.#unix !== null) await this.#closeUnixSocket(this.#unix);
    for (const client of [...this.server.clients.values()]) {
      client.transport.close(false);
    }
    await Promise.all([...this.#connections]);
  }

  /**
   * Removes the socket file, then closes the listener: Deno unlinks the
   * path too once the listener is gone, and after us it finds nothing.
   */
  async #closeUnixSocket(unix: UnixListening): Promise<void> {
    this.#unix = null;
    this.server.log.notice("Removing the unix socket file.");
    try {
      Deno.removeSync(binaryToText(unix.path));
    } catch (error) {
      this.server.log.warning(
        `Error removing the unix socket file: ${osErrorText(error)}`,
      );
    }
    try {
      unix.listener.close();
    } catch {
      // Already closed.
    }
    await unix.accepting;
  }
}
