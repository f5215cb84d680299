/**
 * The replica side of replication: the connection to the master. It makes
 * Redis 7.0's handshake (PING, AUTH, REPLCONF listening-port, ip-address and
 * capa, PSYNC), loads the snapshot of a full resynchronisation with the RDB
 * loader, then applies the master's command stream through the
 * dispatcher's one execution path as the master client, whose replies are
 * dropped. The stream's bytes are counted (the replica's offset) and proxied
 * unchanged to this server's own replicas and backlog. When the link drops,
 * it reconnects and asks to continue where it stopped.
 *
 * @module
 */

import type { Dispatcher } from "../commands/dispatch.ts";
import type { Client, Transport } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { RespDecoder } from "../resp/decoder.ts";
import { ReplyWriter } from "../resp/encoder.ts";
import { Database, expiry } from "../store/database.ts";
import { bytesToString, concatBytes, stringToBytes } from "../util/bytes.ts";
import { syncDirectory } from "../util/files.ts";
import { encodedLength, type MasterLinkHandle } from "./replication.ts";

const READ_BUFFER_SIZE = 64 * 1024;
const EOF_MARK_LENGTH = 40;

/** The link went away (closed, timed out, or stopped). */
class LinkClosed extends Error {}

/** Buffered reads of lines and payload bytes from the master's socket. */
class LinkReader {
  #reader: ReadableStreamBYOBReader;
  #buffered: Uint8Array = new Uint8Array(0);
  /** Called with the size of every read (for last-I/O times and stats). */
  onRead: (bytes: number) => void = () => {};

  constructor(readable: ReadableStream<Uint8Array>) {
    this.#reader = readable.getReader({ mode: "byob" });
  }

  /** The next chunk from the socket (buffered bytes first). */
  async chunk(): Promise<Uint8Array> {
    if (this.#buffered.length > 0) {
      const chunk = this.#buffered;
      this.#buffered = new Uint8Array(0);
      return chunk;
    }
    const { value, done } = await this.#reader.read(
      new Uint8Array(READ_BUFFER_SIZE),
    );
    if (done || value === undefined) throw new LinkClosed("connection closed");
    this.onRead(value.length);
    return value;
  }

  /** Puts back bytes read too far. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#buffered = this.#buffered.length === 0
      ? bytes
      : concatBytes([bytes, this.#buffered]);
  }

  /** The next line without its CR LF. */
  async line(): Promise<string> {
    const parts: Uint8Array[] = [];
    while (true) {
      const chunk = await this.chunk();
      const end = chunk.indexOf(10);
      if (end < 0) {
        parts.push(chunk);
        continue;
      }
      parts.push(chunk.subarray(0, end));
      this.unread(chunk.subarray(end + 1));
      const line = bytesToString(concatBytes(parts));
      return line.endsWith("\r") ? line.slice(0, -1) : line;
    }
  }

  /** Releases the socket's stream. */
  release(): void {
    try {
      this.#reader.releaseLock();
    } catch {
      // Already released.
    }
  }
}

/**
 * Opens the connection to the master at `hostname`:`port`: plain TCP, or
 * TLS with tls-replication (lib/server/start.ts chooses).
 */
export type MasterDialer = (
  hostname: string,
  port: number,
) => Promise<Deno.Conn>;

/** How a MasterLink connects. */
export interface MasterLinkOptions {
  /** Opens the connection; plain TCP by default. */
  readonly dial?: MasterDialer;
}

const dialTcp: MasterDialer = (hostname, port) =>
  Deno.connect({ hostname, port });

/** The connection of a replica to its master. */
export class MasterLink implements MasterLinkHandle {
  state: MasterLinkHandle["state"] = "connect";
  appliedOffset: number = -1;
  readOffset: number = -1;
  lastIo = 0;
  transfer: { size: number; read: number; lastIo: number } | null = null;
  downSince = 0;
  #conn: Deno.Conn | null = null;
  #client: Client | null = null;
  #stopped = false;
  /** The previous cron found the link silent past repl-timeout. */
  #quietBefore = false;
  /** The link was up and dropped: the next attempt is a reconnection. */
  #reconnecting = false;
  /** Writes to the master, one at a time and in order. */
  #writing: Promise<void> = Promise.resolve();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #running: Promise<void>;
  readonly #dial: MasterDialer;

  /** Starts connecting `server` to the master at `host`:`port`. */
  constructor(
    readonly server: Server,
    readonly dispatcher: Dispatcher,
    readonly host: string,
    readonly port: number,
    options: MasterLinkOptions = {},
  ) {
    this.#dial = options.dial ?? dialTcp;
    this.#running = this.#run();
  }

  /** The database the master's stream has selected. */
  get dbIndex(): number {
    return this.#client?.dbIndex ?? 0;
  }

  /** Resolves when the link has stopped for good. */
  get finished(): Promise<void> {
    return this.#running;
  }

  async #run(): Promise<void> {
    const log = this.server.log;
    while (!this.#stopped) {
      try {
        await this.#session();
      } catch (error) {
        if (this.#stopped) break;
        if (!(error instanceof LinkClosed)) {
          log.warning(`Error condition on socket for SYNC: ${error}`);
        }
      }
      const wasConnected = this.state === "connected";
      this.#disconnect();
      if (this.#stopped) break;
      if (wasConnected) {
        // Like Redis 7.0, at once: waiting risks the backlog moving on.
        log.warning("Connection with master lost.");
        log.notice("Caching the disconnected master state.");
        this.#reconnecting = true;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#retryTimer = setTimeout(resolve, 1000);
      });
      this.#retryTimer = undefined;
    }
  }

  #disconnect(): void {
    const replication = this.server.replication;
    if (this.state === "connected") {
      replication.cachedMaster = {
        replid: replication.replid,
        offset: this.appliedOffset,
        dbIndex: this.#client?.dbIndex ?? 0,
      };
      this.downSince = Date.now();
    }
    this.state = "connect";
    this.transfer = null;
    if (this.#client !== null) {
      const client = this.#client;
      this.#client = null;
      this.server.removeClient(client);
    }
    try {
      this.#conn?.close();
    } catch {
      // Already closed.
    }
    this.#conn = null;
  }

  /** One connection: handshake, synchronisation, then the stream. */
  async #session(): Promise<void> {
    const server = this.server;
    const log = server.log;
    const config = server.config;
    this.state = "connecting";
    log.notice(
      `${
        this.#reconnecting ? "Reconnecting" : "Connecting"
      } to MASTER ${this.host}:${this.port}`,
    );
    this.#reconnecting = false;
    log.notice("MASTER <-> REPLICA sync started");
    const conn = await this.#connect();
    this.#conn = conn;
    if (this.#stopped) throw new LinkClosed("stopped");
    log.notice("Non blocking connect for SYNC fired the event.");
    const reader = new LinkReader(conn.readable);
    reader.onRead = (bytes) => {
      this.lastIo = Date.now();
      server.stats.netReplInputBytes += bytes;
    };
    try {
      this.state = "handshake";
      this.#send(["PING"]);
      const pong = await reader.line();
      if (
        pong.startsWith("-") && !pong.startsWith("-NOAUTH") &&
        !pong.startsWith("-NOPERM") &&
        !pong.startsWith("-ERR operation not permitted")
      ) {
        log.warning(`Error reply to PING from master: '${pong}'`);
        return;
      }
      log.notice("Master replied to PING, replication can continue...");
      const auth = config.get("masterauth");
      if (auth !== "") {
        const user = config.get("masteruser");
        this.#send(user === "" ? ["AUTH", auth] : ["AUTH", user, auth]);
        const reply = await reader.line();
        if (reply.startsWith("-")) {
          log.warning(`Unable to AUTH to MASTER: ${reply}`);
          return;
        }
      }
      // Over TLS the master is told the TLS port, as Redis does.
      const announcedPort = config.number("replica-announce-port");
      const tlsPort = config.flag("tls-replication")
        ? config.number("tls-port")
        : 0;
      const port = announcedPort || tlsPort || config.number("port");
      this.#send(["REPLCONF", "listening-port", String(port)]);
      const portReply = await reader.line();
      if (portReply.startsWith("-")) {
        log.notice(
          `(Non critical) Master does not understand REPLCONF listening-port: ${portReply}`,
        );
      }
      const announcedIp = config.get("replica-announce-ip");
      if (announcedIp !== "") {
        this.#send(["REPLCONF", "ip-address", announcedIp]);
        const ipReply = await reader.line();
        if (ipReply.startsWith("-")) {
          log.notice(
            `(Non critical) Master does not understand REPLCONF ip-address: ${ipReply}`,
          );
        }
      }
      this.#send(["REPLCONF", "capa", "eof", "capa", "psync2"]);
      const capaReply = await reader.line();
      if (capaReply.startsWith("-")) {
        log.notice(
          `(Non critical) Master does not understand REPLCONF capa: ${capaReply}`,
        );
      }
      await this.#synchronise(reader);
      await this.#stream(reader);
    } finally {
      reader.release();
    }
  }

  /** Connects (and over TLS, completes the handshake) within repl-timeout. */
  async #connect(): Promise<Deno.Conn> {
    const timeoutMs = this.server.config.number("repl-timeout") * 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connecting = this.#dial(this.host, this.port);
    try {
      return await Promise.race([
        connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("Timeout connecting to the MASTER...")),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      connecting.then((conn) => conn.close(), () => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** PSYNC, then a full or partial resynchronisation. */
  async #synchronise(reader: LinkReader): Promise<void> {
    const server = this.server;
    const log = server.log;
    const replication = server.replication;
    const cached = replication.cachedMaster;
    if (cached !== null) {
      log.notice(
        `Trying a partial resynchronization (request ${cached.replid}:${
          cached.offset + 1
        }).`,
      );
      const psync = ["PSYNC", cached.replid, String(cached.offset + 1)];
      // A failing-over master asks its target to take over.
      if (replication.failover?.state === "failover-in-progress") {
        psync.push("FAILOVER");
      }
      this.#send(psync);
    } else {
      log.notice("Partial resynchronization not possible (no cached master)");
      this.#send(["PSYNC", "?", "-1"]);
    }
    let reply = await reader.line();
    // The master sends newlines while it prepares the snapshot.
    while (reply === "") reply = await reader.line();
    if (replication.failover?.state === "failover-in-progress") {
      if (reply.startsWith("+FULLRESYNC") || reply.startsWith("+CONTINUE")) {
        replication.failoverDone();
      } else {
        replication.abortFailover("Failover target rejected psync request");
        throw new LinkClosed(reply);
      }
    }
    if (reply.startsWith("+FULLRESYNC")) {
      const [, replid, offset] = reply.split(" ");
      log.notice(`Full resync from master: ${replid}:${offset}`);
      replication.cachedMaster = null;
      await this.#loadSnapshot(reader, replid, Number(offset));
      return;
    }
    if (reply.startsWith("+CONTINUE") && cached !== null) {
      log.notice(
        "Successful partial resynchronization with master.",
      );
      const newId = reply.slice("+CONTINUE".length).trim();
      if (newId !== "" && newId !== cached.replid) {
        log.warning(`Master replication ID changed to ${newId}`);
        replication.replid2 = cached.replid;
        replication.secondOffset = replication.offset + 1;
        replication.replid = newId;
        // Sub-replicas must learn the new id: they reconnect.
        replication.disconnectReplicas();
      }
      log.notice(
        "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.",
      );
      replication.ensureBacklog();
      // The stream goes on in the database it had selected.
      this.#online(cached.offset, cached.dbIndex);
      return;
    }
    if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
      log.notice(
        `Master is currently unable to PSYNC but should be in the future: ${reply}`,
      );
    } else log.warning(`Unexpected reply to PSYNC from master: ${reply}`);
    throw new LinkClosed(reply);
  }

  /** Reads the snapshot payload ($len or $EOF:mark) and loads it. */
  async #loadSnapshot(
    reader: LinkReader,
    replid: string,
    offset: number,
  ): Promise<void> {
    const server = this.server;
    const log = server.log;
    const config = server.config;
    let header = await reader.line();
    while (header === "") header = await reader.line();
    if (header.startsWith("-")) {
      log.warning(`MASTER aborted replication with an error: ${header}`);
      throw new LinkClosed(header);
    }
    if (!header.startsWith("$")) {
      log.warning(
        `Bad protocol from MASTER, the first byte is not '$' (we received '${header}'), are you sure the host and port are right?`,
      );
      throw new LinkClosed(header);
    }
    const eofMark = header.startsWith("$EOF:")
      ? stringToBytes(header.slice(5))
      : null;
    if (eofMark !== null && eofMark.length !== EOF_MARK_LENGTH) {
      throw new LinkClosed(`bad EOF mark in '${header}'`);
    }
    const size = eofMark === null ? Number(header.slice(1)) : -1;
    // Like Redis: through the dump file unless diskless loading is asked
    // for (on-empty-db only while the dataset is empty).
    const loadMode = config.get("repl-diskless-load");
    const toDisk = loadMode === "disabled" ||
      (loadMode === "on-empty-db" && server.keyspace.totalKeys > 0);
    const target = toDisk ? "disk" : "parser";
    log.notice(
      eofMark === null
        ? `MASTER <-> REPLICA sync: receiving ${size} bytes from master to ${target}`
        : `MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to ${target}`,
    );
    this.state = "sync";
    const transfer = { size, read: 0, lastIo: Date.now() };
    this.transfer = transfer;
    const parts: Uint8Array[] = [];
    let payload: Uint8Array;
    if (eofMark === null) {
      while (transfer.read < size) {
        const chunk = await reader.chunk();
        const take = Math.min(chunk.length, size - transfer.read);
        parts.push(chunk.slice(0, take));
        reader.unread(chunk.subarray(take));
        transfer.read += take;
        transfer.lastIo = Date.now();
      }
      payload = concatBytes(parts);
    } else {
      // As Redis's replica does, the payload ends when the bytes read so
      // far end with the mark (the master sends nothing after it until it
      // gets the first ACK), so each read costs a 40-byte comparison.
      let size = 0;
      while (true) {
        const chunk = await reader.chunk();
        parts.push(chunk);
        size += chunk.length;
        transfer.read += chunk.length;
        transfer.lastIo = Date.now();
        if (size >= EOF_MARK_LENGTH && endsWith(parts, eofMark)) break;
      }
      payload = concatBytes(parts).subarray(0, size - EOF_MARK_LENGTH);
    }
    this.#load(payload);
    // Only a payload that loaded replaces the dump file.
    if (toDisk) this.#saveToDisk(payload);
    const replication = server.replication;
    replication.replid = replid;
    replication.offset = offset;
    replication.clearReplicationId2();
    replication.resetBacklog();
    if (server.aof.enabled) {
      server.aof.rewrite().catch((error) =>
        log.warning(`AOF rewrite after SYNC failed: ${error}`)
      );
    }
    log.notice("MASTER <-> REPLICA sync: Finished with success");
    this.#online(offset, 0);
    this.sendAck();
  }

  /** Keeps the master's snapshot as the dump file (repl-diskless-load disabled). */
  #saveToDisk(payload: Uint8Array): void {
    const rdb = this.server.rdb;
    const dir = this.server.config.get("dir");
    const temp = `${dir}/temp-${Math.floor(Date.now() / 1000)}.${Deno.pid}.rdb`;
    const file = Deno.openSync(temp, {
      write: true,
      create: true,
      truncate: true,
    });
    try {
      let written = 0;
      while (written < payload.length) {
        written += file.writeSync(payload.subarray(written));
      }
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, rdb.path);
    syncDirectory(dir);
  }

  /** Replaces the dataset with the snapshot's. */
  #load(payload: Uint8Array): void {
    const server = this.server;
    const log = server.log;
    const replication = server.replication;
    const keyspace = server.keyspace;
    const functions = this.dispatcher.scripting.functions;
    // This server's replicas must synchronise with the new dataset.
    replication.disconnectReplicas();
    // repl-diskless-load swapdb keeps the old dataset until the new one
    // loaded; otherwise it goes first.
    const swap = server.config.get("repl-diskless-load") === "swapdb";
    const old = keyspace.databases.slice();
    const oldFunctions = functions.save();
    if (swap) {
      keyspace.databases.splice(
        0,
        old.length,
        ...old.map((db) => {
          const fresh = new Database(db.id);
          fresh.onExpired = db.onExpired;
          fresh.onAdded = db.onAdded;
          return fresh;
        }),
      );
    } else {
      log.notice("MASTER <-> REPLICA sync: Flushing old data");
      for (const db of old) {
        server.databaseReplaced(db);
        db.clear();
      }
    }
    functions.flush();
    log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
    const rdb = server.rdb;
    rdb.loadedKeys = 0;
    rdb.loadedExpiredKeys = 0;
    server.loading = true;
    try {
      rdb.loadBytes(payload, "the master's snapshot");
    } catch (error) {
      log.warning(
        `Failed trying to load the MASTER synchronization DB from socket: ${error}`,
      );
      if (swap) {
        log.warning("Restoring the backup of the old dataset.");
        keyspace.databases.splice(0, old.length, ...old);
        functions.revert(oldFunctions);
      } else for (const db of keyspace.databases) db.clear();
      throw new LinkClosed(String(error));
    } finally {
      server.loading = false;
    }
    if (swap) {
      // Watchers and blocked clients see the new contents.
      for (const db of old) server.databaseReplaced(db, keyspace.db(db.id));
    }
    log.notice(
      `Done loading RDB, keys loaded: ${rdb.loadedKeys}, keys expired: ${rdb.loadedExpiredKeys}.`,
    );
  }

  /** The link is synchronised at `offset`: the master client is created. */
  #online(offset: number, dbIndex: number): void {
    const server = this.server;
    this.appliedOffset = offset;
    this.readOffset = offset;
    server.replication.offset = offset;
    this.transfer = null;
    const conn = this.#conn!;
    const transport: Transport = {
      // The master gets no replies (REPLCONF GETACK is answered apart).
      flush: () => client.reply.discard(),
      close: () => {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      },
    };
    const client = server.addClient(
      `${formatHost(this.host)}:${this.port}`,
      formatAddress(conn.localAddr),
      transport,
      { counted: false },
    );
    client.isMaster = true;
    client.authenticated = true;
    // Like Redis's master client, it runs as no user: nothing is refused.
    client.user = null;
    client.dbIndex = dbIndex;
    this.#client = client;
    this.state = "connected";
  }

  /** Applies the master's command stream until the link drops. */
  async #stream(reader: LinkReader): Promise<void> {
    const server = this.server;
    const client = this.#client!;
    const replication = server.replication;
    const dispatcher = this.dispatcher;
    const decoder = new RespDecoder({
      get maxBulkLength() {
        return server.config.number("proto-max-bulk-len");
      },
      maxQueryBuffer: Number.MAX_SAFE_INTEGER,
      authRequired: false,
    });
    // Raw stream bytes not yet passed on to this server's backlog and
    // replicas, and how many of them the commands run so far took up.
    const unproxied: Uint8Array[] = [];
    let applied = 0;
    const sink = (args: Uint8Array[]) => {
      expiry.masterView = true;
      try {
        // Held by CLIENT PAUSE, as in Redis, the stream queues in order.
        dispatcher.receive(client, args);
      } finally {
        expiry.masterView = false;
      }
      if (client.reply.pendingBytes > 0) client.reply.discard();
      // A master's stream is canonical RESP, so a command's size follows
      // from its arguments.
      const size = encodedLength(args);
      applied += size;
      this.appliedOffset += size;
      return true;
    };
    while (!this.#stopped && this.#client === client) {
      const chunk = await reader.chunk();
      unproxied.push(chunk);
      this.readOffset += chunk.length;
      // Like Redis, the master's stream waits while a script is busy here
      // (it would get -BUSY like other clients, and be lost).
      while (dispatcher.scripting.busy && !this.#stopped) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (this.#client !== client) break;
      decoder.feed(chunk, sink);
      if (applied > 0) {
        replication.proxy(takeBytes(unproxied, applied));
        applied = 0;
      }
      server.aof.flushSoon();
    }
  }

  /** Writes a command to the master. */
  #send(command: readonly string[]): void {
    const conn = this.#conn;
    if (conn === null) return;
    const out = new ReplyWriter();
    out.array(command.length);
    for (const word of command) out.bulkString(word);
    const bytes = concatBytes(out.take());
    this.#writing = this.#writing.then(async () => {
      let written = 0;
      while (written < bytes.length) {
        written += await conn.write(bytes.subarray(written));
      }
    }).catch(() => {
      // The read loop sees the connection fail.
    });
  }

  sendAck(): void {
    if (this.state !== "connected") return;
    this.#send(["REPLCONF", "ACK", String(this.appliedOffset)]);
  }

  /**
   * Once a second: the ACK to the master, and the repl-timeout check of a
   * link that stopped receiving.
   */
  cron(now: number): void {
    if (this.state === "connected") this.sendAck();
    const timeout = this.server.config.number("repl-timeout") * 1000;
    const quietSince = this.transfer?.lastIo ?? this.lastIo;
    const active = this.state === "connected" || this.state === "sync";
    const quiet = active && quietSince > 0 && now - quietSince > timeout;
    // Seen twice in a row: after a stall of this process, what the master
    // sent meanwhile is read before the link is judged.
    const judged = quiet && this.#quietBefore;
    this.#quietBefore = quiet;
    if (judged) {
      this.server.log.warning(
        this.state === "sync"
          ? "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
          : "MASTER timeout: no data nor PING received...",
      );
      try {
        this.#conn?.close();
      } catch {
        // Already closed.
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#disconnect();
  }
}

/** Removes the first `count` bytes of `chunks` and returns them. */
function takeBytes(chunks: Uint8Array[], count: number): Uint8Array {
  const first = chunks[0];
  if (first.length === count) {
    chunks.shift();
    return first;
  }
  const out = new Uint8Array(count);
  let filled = 0;
  while (filled < count) {
    const chunk = chunks[0];
    const take = Math.min(chunk.length, count - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
    if (take === chunk.length) chunks.shift();
    else chunks[0] = chunk.subarray(take);
  }
  return out;
}

/** Whether the bytes of `chunks`, joined, end with `mark`. */
function endsWith(chunks: readonly Uint8Array[], mark: Uint8Array): boolean {
  let c = chunks.length - 1;
  let i = chunks[c].length;
  for (let m = mark.length - 1; m >= 0; m--) {
    while (i === 0) i = chunks[--c].length;
    if (chunks[c][--i] !== mark[m]) return false;
  }
  return true;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function formatAddress(addr: Deno.Addr): string {
  if (addr.transport !== "tcp") return "?:0";
  return `${formatHost(addr.hostname)}:${addr.port}`;
}
