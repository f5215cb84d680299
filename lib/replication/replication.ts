/**
 * Replication state and the master side of Redis's PSYNC protocol.
 *
 * A server is a master, or a replica of `master` (REPLICAOF). Either way it
 * has a replication id and an offset (master_repl_offset: bytes of the
 * replication stream so far), a backlog of the stream's recent bytes, and
 * may serve replicas of its own. A master produces the stream from the
 * propagator (this class is one of its targets); a replica proxies the
 * stream it receives from its master, unchanged, so that chained replicas
 * see the top master's ids and offsets.
 *
 * A replica connection (a normal client until PSYNC or SYNC) gets either the
 * backlog from its offset on (partial resynchronisation) or a snapshot of
 * the dataset (full resynchronisation), produced by the fork-less snapshot
 * writer and sent diskless (`$EOF:<mark>`) or from the dump file (`$<len>`);
 * the stream produced meanwhile is held for it and sent after the snapshot.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import {
  type PropagatedCommand,
  type PropagationTarget,
  writePropagated,
} from "../server/propagator.ts";
import { ReplyWriter } from "../resp/encoder.ts";
import { concatBytes, stringToBytes } from "../util/bytes.ts";
import { Snapshot } from "../persistence/snapshot.ts";
import { ReplicationBacklog } from "./backlog.ts";
import { expiry } from "../store/database.ts";

/** Where a replica is in its synchronisation, as INFO names it. */
export type ReplicaState = "wait_bgsave" | "send_bulk" | "online";

/** What a replica told its master with REPLCONF before PSYNC. */
export interface ReplicaSettings {
  /** Port the replica listens on (REPLCONF listening-port). */
  listeningPort: number;
  /** Address it announced (REPLCONF ip-address), "" for its peer address. */
  announcedIp: string;
  /** It understands `$EOF:` payloads (REPLCONF capa eof). */
  capaEof: boolean;
  /** It understands +CONTINUE with a new id (REPLCONF capa psync2). */
  capaPsync2: boolean;
  /** It wants the snapshot only, no stream (REPLCONF rdb-only 1). */
  rdbOnly: boolean;
  /** Its snapshot leaves the keys out (REPLCONF rdb-filter-only). */
  excludeData: boolean;
  /** Its snapshot leaves the functions out (rdb-filter-only without "functions"). */
  excludeFunctions: boolean;
}

/** Settings of a connection that sent no REPLCONF. */
export function defaultReplicaSettings(): ReplicaSettings {
  return {
    listeningPort: 0,
    announcedIp: "",
    capaEof: false,
    capaPsync2: false,
    rdbOnly: false,
    excludeData: false,
    excludeFunctions: false,
  };
}

/** The master-side state of one connected replica. */
export class AttachedReplica {
  /** Synchronisation state. */
  state: ReplicaState = "wait_bgsave";
  /** Offset it last acknowledged (REPLCONF ACK). */
  ackOffset = 0;
  /** When it last acknowledged, ms since the epoch. */
  ackTime: number = Date.now();
  /** It came with the old SYNC: no +FULLRESYNC line. */
  oldSync = false;
  /** Stream bytes produced while its snapshot is being sent. */
  held: Uint8Array[] | null = null;
  /** Bytes in `held`. */
  heldBytes = 0;
  /** The previous cron found it silent past repl-timeout. */
  quietBefore = false;
  /**
   * It acknowledged since it went online, so the snapshot has left the
   * output buffer and client-output-buffer-limit applies to what is pending.
   */
  acked = false;
  /** When it started waiting for a snapshot, ms since the epoch. */
  readonly waitingSince: number = Date.now();

  /** Creates the state of a replica that sent `settings` with REPLCONF. */
  constructor(readonly settings: ReplicaSettings) {}
}

/** FAILOVER's progress, as INFO's master_failover_state names it. */
export type FailoverState =
  | "no-failover"
  | "waiting-for-sync"
  | "failover-in-progress";

/** A coordinated failover in progress (FAILOVER). */
export interface Failover {
  /** Where it is. */
  state: FailoverState;
  /** The replica to hand over to; null until one caught up (any replica). */
  target: { host: string; port: number } | null;
  /** ms since the epoch when waiting ends, 0 for never. */
  readonly endsAt: number;
  /** Fail over at the timeout even if the target did not catch up. */
  readonly force: boolean;
}

/** A connection to a master, run by the replica side (see master_link.ts). */
export interface MasterLinkHandle {
  /** ROLE's state: connect, connecting, handshake, sync or connected. */
  readonly state: "connect" | "connecting" | "handshake" | "sync" | "connected";
  /** Offset of the stream applied (slave_repl_offset), -1 without a link. */
  readonly appliedOffset: number;
  /** The database the master's stream has selected. */
  readonly dbIndex: number;
  /** Offset of the stream read (slave_read_repl_offset). */
  readonly readOffset: number;
  /** ms since the epoch of the last byte from the master, 0 for none. */
  readonly lastIo: number;
  /** Full sync progress: payload size (-1 with an EOF mark) and bytes read. */
  readonly transfer: { size: number; read: number; lastIo: number } | null;
  /** ms since the epoch the link went down, 0 if it never was up. */
  readonly downSince: number;
  /** Sends REPLCONF ACK with the applied offset now (REPLCONF GETACK). */
  sendAck(): void;
  /** Once a second: the periodic ACK and the repl-timeout check. */
  cron(now: number): void;
  /** Stops the link and closes its connection. */
  stop(): void;
}

/** Starts a link to a master (injected by the server's wiring). */
export type MasterLinkFactory = (
  host: string,
  port: number,
) => MasterLinkHandle;

/** Random 40-hex-char id, as Redis uses for run_id and replid. */
export function randomReplicationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const NO_ID = "0".repeat(40);
const NEWLINE = new Uint8Array([10]);
const PING: PropagatedCommand = ["PING"];
const GETACK: PropagatedCommand = ["REPLCONF", "GETACK", "*"];

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

/** The byte length of `command` encoded as a RESP array of bulk strings. */
export function encodedLength(command: readonly Uint8Array[]): number {
  let n = 3 + digits(command.length);
  for (let i = 0; i < command.length; i++) {
    const length = command[i].length;
    n += 5 + digits(length) + length;
  }
  return n;
}

/** Replication state of a server, both roles. */
export class Replication implements PropagationTarget {
  /** Replication id (master_replid). */
  replid: string = randomReplicationId();
  /** The previous id, valid up to secondOffset (master_replid2). */
  replid2: string = NO_ID;
  /** Last offset + 1 for which replid2 is valid, or -1 (second_repl_offset). */
  secondOffset: number = -1;
  /** Bytes of replication stream so far (master_repl_offset). */
  offset = 0;
  /** Recent stream bytes, once a replica attached (or this is a replica). */
  backlog: ReplicationBacklog | null = null;
  /** Replicas of this server, in the order they attached. */
  readonly replicas: Client[] = [];
  /** The master's address when this server is a replica. */
  master: { readonly host: string; readonly port: number } | null = null;
  /** The link to the master, while this server is a replica. */
  link: MasterLinkHandle | null = null;
  /** Starts links to masters; set by the server's wiring. */
  linkFactory: MasterLinkFactory | null = null;
  /**
   * The id and offset of the master's stream this replica had applied when
   * its link dropped (or, after REPLICAOF, its own), for PSYNC.
   */
  cachedMaster: { replid: string; offset: number; dbIndex: number } | null =
    null;
  /** The coordinated failover in progress, if any (FAILOVER). */
  failover: Failover | null = null;
  /** Full synchronisations served (INFO sync_full). */
  fullSyncs = 0;
  /** Partial resynchronisations accepted (sync_partial_ok). */
  partialSyncsAccepted = 0;
  /** Partial resynchronisations asked for and refused (sync_partial_err). */
  partialSyncsRefused = 0;
  /** Replicas within min-replicas-max-lag (min_slaves_good_slaves). */
  goodReplicas = 0;
  /**
   * Whether the dispatcher must check commands against replication (a
   * replica, or a master with min-replicas-to-write): kept current so the
   * common case costs one test.
   */
  checksCommands = false;
  /** When the last replica left, for repl-backlog-ttl (ms, 0 = has some). */
  #noReplicasSince = 0;
  /** Database the stream last selected (-1: select before the next command). */
  #streamDb = -1;
  /** A snapshot for replicas is being produced. */
  #syncing = false;
  #lastPing = 0;
  #lastNewline = 0;
  /** A WAIT client blocked: ask replicas for ACKs before the loop sleeps. */
  #ackWanted = false;
  readonly #encoder = new ReplyWriter();

  /** Creates the replication state of `server`. */
  constructor(readonly server: Server) {
    server.config.onChange((name) => {
      this.#updateChecks();
      if (name === "repl-backlog-size") this.resizeBacklog();
    });
    this.#updateChecks();
  }

  #updateChecks(): void {
    this.checksCommands = this.master !== null ||
      this.server.config.number("min-replicas-to-write") > 0;
  }

  /** Whether this server is a replica (REPLICAOF host port). */
  get isReplica(): boolean {
    return this.master !== null;
  }

  /** Whether the link to the master is up (master_link_status:up). */
  get linkUp(): boolean {
    return this.link !== null && this.link.state === "connected";
  }

  /**
   * Takes a command propagated on a master: appends it to the stream
   * (with SELECT when the database changes). A replica's stream is its
   * master's, so its own effects are not added.
   */
  feed(dbIndex: number, command: PropagatedCommand): void {
    if (this.master !== null) return;
    if (this.backlog === null && this.replicas.length === 0) return;
    const out = this.#encoder;
    this.#streamDb = writePropagated(out, this.#streamDb, dbIndex, command);
    const chunks = out.take();
    this.#append(chunks.length === 1 ? chunks[0] : concatBytes(chunks));
  }

  /** Adds bytes of the master's stream on a replica (chained replication). */
  proxy(bytes: Uint8Array): void {
    this.#append(bytes);
  }

  #append(bytes: Uint8Array): void {
    this.backlog?.append(bytes);
    this.offset += bytes.length;
    const replicas = this.replicas;
    if (replicas.length === 0) return;
    // The bytes may be a view of an encoder's buffer, which its take()
    // after next reuses: the held stream and large output (queued by
    // reference, written later) need bytes of their own.
    bytes = bytes.slice();
    const limits = this.server.outputLimits;
    const now = Date.now();
    for (let i = replicas.length - 1; i >= 0; i--) {
      const client = replicas[i];
      const replica = client.replica!;
      if (replica.held !== null) {
        replica.held.push(bytes);
        replica.heldBytes += bytes.length;
        limits.checkReplica(client, replica.heldBytes, now);
      } else if (replica.state === "online") {
        client.reply.raw(bytes);
        client.transport.flush();
        if (replica.acked) {
          limits.checkReplica(client, client.reply.pendingBytes, now);
        }
      }
    }
  }

  /** Creates the backlog if there is none, for a stream starting now. */
  ensureBacklog(): void {
    if (this.backlog !== null) return;
    this.backlog = new ReplicationBacklog(
      this.server.config.number("repl-backlog-size"),
      this.offset,
    );
  }

  /** Drops the backlog and starts a new one (after a full sync from a master). */
  resetBacklog(): void {
    this.backlog = null;
    this.ensureBacklog();
  }

  /** Resizes the backlog (CONFIG SET repl-backlog-size). */
  resizeBacklog(): void {
    this.backlog?.resize(this.server.config.number("repl-backlog-size"));
  }

  /**
   * Starts a new history: the current id becomes the secondary id, valid up
   * to the current offset, as when a replica is promoted.
   */
  shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = randomReplicationId();
    this.server.log.notice(
      `Setting secondary replication ID to ${this.replid2}, valid up to offset: ${this.secondOffset}. New replication ID is ${this.replid}`,
    );
  }

  /** Forgets the secondary id. */
  clearReplicationId2(): void {
    this.replid2 = NO_ID;
    this.secondOffset = -1;
  }

  /** The address of a replica as the log shows it ("ip:port"). */
  replicaAddress(client: Client): string {
    // As Redis names a replica that sent no REPLCONF listening-port.
    const port = client.replicaSettings?.listeningPort ||
      "<unknown-replica-port>";
    return `${this.replicaIp(client)}:${port}`;
  }

  /** The IP of a replica: announced, or its peer address. */
  replicaIp(client: Client): string {
    const announced = client.replicaSettings?.announcedIp ?? "";
    if (announced !== "") return announced;
    const address = client.address;
    const colon = address.lastIndexOf(":");
    const host = colon < 0 ? address : address.slice(0, colon);
    return host.startsWith("[") ? host.slice(1, -1) : host;
  }

  /**
   * PSYNC from `client`: continues from the backlog when `replid` and
   * `offset` allow, else starts a full synchronisation.
   */
  psync(client: Client, replid: string, offset: number): void {
    const replica = this.#attach(client);
    if (this.#tryPartial(client, replid, offset)) {
      this.partialSyncsAccepted++;
      return;
    }
    this.fullSyncs++;
    if (replid !== "?") this.partialSyncsRefused++;
    else {
      this.server.log.notice(
        `Full resync requested by replica ${this.replicaAddress(client)}`,
      );
    }
    this.#waitForSnapshot(client, replica);
  }

  /** SYNC from `client`: the old protocol, a full synchronisation only. */
  sync(client: Client): void {
    const replica = this.#attach(client);
    replica.oldSync = true;
    this.fullSyncs++;
    this.#waitForSnapshot(client, replica);
  }

  /** Makes `client` a replica (REPLCONF settings kept on the client). */
  #attach(client: Client): AttachedReplica {
    const replica = new AttachedReplica(
      client.replicaSettings ??= defaultReplicaSettings(),
    );
    client.replica = replica;
    this.server.log.notice(
      `Replica ${this.replicaAddress(client)} asks for synchronization`,
    );
    return replica;
  }

  #tryPartial(client: Client, replid: string, offset: number): boolean {
    const log = this.server.log;
    const address = this.replicaAddress(client);
    if (replid === "?") return false;
    if (
      replid !== this.replid &&
      (replid !== this.replid2 || offset > this.secondOffset)
    ) {
      if (replid !== this.replid2) {
        log.notice(
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${this.replid}' and '${this.replid2}')`,
        );
      } else {
        log.notice(
          `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${this.secondOffset}`,
        );
      }
      return false;
    }
    const history = this.backlog?.from(offset) ?? null;
    if (history === null) {
      log.notice(
        `Unable to partial resync with replica ${address} for lack of backlog (Replica request was: ${offset}).`,
      );
      if (offset > this.offset) {
        log.warning(
          `Warning: replica ${address} tried to PSYNC with an offset that is greater than the master replication offset.`,
        );
      }
      return false;
    }
    const replica = client.replica!;
    replica.state = "online";
    replica.ackTime = Date.now();
    this.replicas.push(client);
    this.#noReplicasSince = 0;
    client.reply.raw(
      stringToBytes(
        replica.settings.capaPsync2
          ? `+CONTINUE ${this.replid}\r\n`
          : "+CONTINUE\r\n",
      ),
    );
    if (history.length > 0) client.reply.raw(history);
    client.transport.flush();
    log.notice(
      `Partial resynchronization request from ${address} accepted. Sending ${history.length} bytes of backlog starting from offset ${offset}.`,
    );
    this.refreshGoodReplicas();
    return true;
  }

  #waitForSnapshot(client: Client, replica: AttachedReplica): void {
    replica.state = "wait_bgsave";
    this.replicas.push(client);
    this.#noReplicasSince = 0;
    if (this.replicas.length === 1 && this.backlog === null) {
      this.replid = randomReplicationId();
      this.clearReplicationId2();
      this.ensureBacklog();
      this.server.log.notice(
        `Replication backlog created, my new replication IDs are '${this.replid}' and '${this.replid2}'`,
      );
    }
    const config = this.server.config;
    if (
      config.flag("repl-diskless-sync") && replica.settings.capaEof &&
      config.number("repl-diskless-sync-delay") > 0
    ) {
      this.server.log.notice("Delay next BGSAVE for diskless SYNC");
    } else this.#startSyncIfReady();
  }

  /**
   * Replicas waiting for a snapshot to start that can share one: those that
   * filter it (rdb-filter-only) as the first waiting one does.
   */
  #waiting(): Client[] {
    const waiting = this.replicas.filter((c) =>
      c.replica!.state === "wait_bgsave"
    );
    if (waiting.length === 0) return waiting;
    const first = waiting[0].replica!.settings;
    return waiting.filter((c) => {
      const settings = c.replica!.settings;
      return settings.excludeData === first.excludeData &&
        settings.excludeFunctions === first.excludeFunctions;
    });
  }

  /**
   * Starts the snapshot for the replicas waiting, unless one is being made
   * (or a BGSAVE runs), or a diskless delay asks to wait for more.
   */
  #startSyncIfReady(now = Date.now()): void {
    if (this.#syncing || this.server.rdb.inProgress) return;
    const waiting = this.#waiting();
    if (waiting.length === 0) return;
    const config = this.server.config;
    const first = waiting[0].replica!.settings;
    const filtered = first.excludeData || first.excludeFunctions;
    // A filtered snapshot is never the dump file.
    const diskless = (config.flag("repl-diskless-sync") || filtered) &&
      waiting.every((c) => c.replica!.settings.capaEof);
    if (diskless && !filtered) {
      const delay = config.number("repl-diskless-sync-delay") * 1000;
      const max = config.number("repl-diskless-sync-max-replicas");
      const oldest = Math.min(...waiting.map((c) => c.replica!.waitingSince));
      const enough = max > 0 && waiting.length >= max;
      if (!enough && now - oldest < delay) return;
    }
    this.#syncing = true;
    this.server.log.notice(
      `Starting BGSAVE for SYNC with target: ${
        diskless ? "replicas sockets" : "disk"
      }`,
    );
    // The next command selects its database again, in every stream.
    this.#streamDb = -1;
    for (const client of waiting) {
      const replica = client.replica!;
      replica.state = diskless ? "send_bulk" : "wait_bgsave";
      replica.held = [];
      if (!replica.oldSync) {
        client.reply.raw(
          stringToBytes(`+FULLRESYNC ${this.replid} ${this.offset}\r\n`),
        );
        client.transport.flush();
      }
    }
    const sent = diskless
      ? this.#sendDiskless(waiting)
      : this.#sendFromDisk(waiting);
    sent.catch((error) => {
      this.server.log.warning(`Replication snapshot failed: ${error}`);
      for (const client of waiting) client.transport.close(false);
    }).finally(() => {
      this.#syncing = false;
      this.#startSyncIfReady();
    });
  }

  async #sendDiskless(targets: Client[]): Promise<void> {
    const markText = randomReplicationId();
    const mark = stringToBytes(markText);
    const live = () => targets.filter((c) => !c.closed);
    for (const client of targets) {
      client.reply.raw(stringToBytes(`$EOF:${markText}\r\n`));
    }
    const filter = targets[0].replica!.settings;
    const snapshot = new Snapshot(this.server, (chunk) => {
      for (const client of live()) client.reply.raw(chunk);
    }, { data: !filter.excludeData, functions: !filter.excludeFunctions });
    this.server.snapshots.add(snapshot);
    try {
      while (true) {
        const deadline = performance.now() + 10;
        let done = snapshot.step();
        while (!done && performance.now() < deadline) done = snapshot.step();
        for (const client of live()) client.transport.flush();
        if (done) break;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      this.server.snapshots.delete(snapshot);
    }
    this.server.log.notice(
      "Background RDB transfer terminated with success",
    );
    for (const client of live()) {
      client.reply.raw(mark);
      this.#online(client, { streamOnAck: true });
    }
  }

  async #sendFromDisk(targets: Client[]): Promise<void> {
    const rdb = this.server.rdb;
    await rdb.backgroundSave();
    if (rdb.lastBgsaveStatus !== "ok") throw new Error("BGSAVE failed");
    const data = await Deno.readFile(rdb.path);
    for (const client of targets) {
      if (client.closed) continue;
      client.reply.raw(stringToBytes(`$${data.length}\r\n`));
      client.reply.raw(data);
      this.#online(client);
    }
  }

  /**
   * A replica got its snapshot: it is online, and gets the held stream (with
   * `streamOnAck`, once it acknowledges).
   */
  #online(
    client: Client,
    options: { readonly streamOnAck?: boolean } = {},
  ): void {
    const replica = client.replica!;
    replica.state = "online";
    replica.ackTime = Date.now();
    // Counted as good at once, as Redis's replicaPutOnline does, even while
    // a diskless replica's stream waits for its first ACK.
    this.refreshGoodReplicas();
    if (replica.settings.rdbOnly) {
      // redis-cli --rdb: the snapshot is all it wanted.
      replica.held = null;
      replica.heldBytes = 0;
      client.transport.close(true);
      return;
    }
    if (options.streamOnAck) {
      // A replica finds the end of a diskless payload by its last bytes
      // being the EOF mark (Redis's replica does): no stream byte may follow
      // the mark until it acknowledges, which it does once loaded. Until
      // then the stream stays held (acknowledge() sends it).
      client.transport.flush();
      this.server.log.notice(
        `Streamed RDB transfer with replica ${
          this.replicaAddress(client)
        } succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
      );
      return;
    }
    this.#startStream(client);
  }

  /** Sends an online replica the stream held for it, then the live stream. */
  #startStream(client: Client): void {
    const replica = client.replica!;
    const held = replica.held ?? [];
    replica.held = null;
    replica.heldBytes = 0;
    for (const bytes of held) client.reply.raw(bytes);
    client.transport.flush();
    this.server.log.notice(
      `Synchronization with replica ${this.replicaAddress(client)} succeeded`,
    );
    this.refreshGoodReplicas();
  }

  /** REPLCONF ACK from a replica. */
  acknowledge(client: Client, offset: number): void {
    const replica = client.replica;
    if (replica === null) return;
    if (offset > replica.ackOffset) replica.ackOffset = offset;
    replica.ackTime = Date.now();
    if (replica.state === "online") {
      // The first ACK after a diskless snapshot starts the stream.
      if (replica.held !== null) this.#startStream(client);
      replica.acked = true;
    }
    this.#onAck?.();
  }

  #onAck: (() => void) | null = null;

  /** Registers what to do when a replica acknowledges (serve WAIT clients). */
  onAcknowledge(listener: () => void): void {
    this.#onAck = listener;
  }

  /** Online replicas that acknowledged at least `offset`. */
  acknowledgedCount(offset: number): number {
    let count = 0;
    for (const client of this.replicas) {
      const replica = client.replica!;
      if (replica.state === "online" && replica.ackOffset >= offset) count++;
    }
    return count;
  }

  /**
   * The aux fields an RDB file gets so that the dataset it holds can go on
   * replicating after a restart (repl-stream-db, repl-id, repl-offset), as
   * Redis's rdbPopulateSaveInfo decides: a master with a backlog, or a
   * replica that has its master's history; none otherwise.
   */
  saveInfo(): [string, string][] {
    let dbIndex: number;
    if (this.master === null) {
      if (this.backlog === null) return [];
      dbIndex = this.#streamDb === -1 ? 0 : this.#streamDb;
    } else if (this.linkUp) {
      dbIndex = this.link!.dbIndex;
    } else if (this.cachedMaster !== null) {
      dbIndex = this.cachedMaster.dbIndex;
    } else return [];
    return [
      ["repl-stream-db", String(dbIndex)],
      ["repl-id", this.replid],
      ["repl-offset", String(this.offset)],
    ];
  }

  /**
   * Takes up the replication history saved in the RDB file loaded at
   * start-up: a replica can then continue its master's stream from there,
   * and a master lets its former replicas continue (the saved id becomes
   * its secondary id), as Redis does.
   */
  restoreFromRdb(aux: ReadonlyMap<string, string>, asReplica: boolean): void {
    const replid = aux.get("repl-id");
    const offset = Number(aux.get("repl-offset"));
    const dbIndex = Number(aux.get("repl-stream-db") ?? "0");
    if (replid === undefined || replid.length !== 40) return;
    if (!Number.isSafeInteger(offset) || offset < 0) return;
    if (asReplica) {
      this.replid = replid;
      this.offset = offset;
      this.server.log.notice(
        "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
      );
      this.cachedMaster = { replid, offset, dbIndex };
      return;
    }
    this.replid2 = replid;
    this.secondOffset = offset + 1;
    this.offset += offset;
    this.ensureBacklog();
    this.#noReplicasSince = Date.now();
  }

  /** Whether every replica acknowledged the whole stream (SHUTDOWN waits). */
  replicasInSync(): boolean {
    return this.replicas.every((c) => c.replica!.ackOffset === this.offset);
  }

  /** Asks replicas for an ACK before the event loop waits (WAIT). */
  requestAcks(): void {
    if (this.#ackWanted) return;
    this.#ackWanted = true;
    queueMicrotask(() => {
      this.#ackWanted = false;
      if (this.master === null && this.replicas.length > 0) {
        this.feed(-1, GETACK);
      }
    });
  }

  /** Forgets a replica whose connection closed. */
  removeReplica(client: Client): void {
    const index = this.replicas.indexOf(client);
    if (index < 0) return;
    this.replicas.splice(index, 1);
    this.server.log.warning(
      `Connection with replica ${this.replicaAddress(client)} lost.`,
    );
    if (this.replicas.length === 0) this.#noReplicasSince = Date.now();
    this.refreshGoodReplicas();
  }

  /** Closes every replica connection (they must synchronise again). */
  disconnectReplicas(): void {
    for (const client of [...this.replicas]) client.transport.close(false);
  }

  /** Counts the replicas within min-replicas-max-lag. */
  refreshGoodReplicas(now = Date.now()): void {
    const maxLag = this.server.config.number("min-replicas-max-lag");
    let good = 0;
    for (const client of this.replicas) {
      const replica = client.replica!;
      const lag = Math.floor((now - replica.ackTime) / 1000);
      if (replica.state === "online" && lag <= maxLag) good++;
    }
    this.goodReplicas = good;
  }

  /**
   * Whether min-replicas-to-write refuses writes now (NOREPLICAS): a
   * master with fewer good replicas than asked.
   */
  get tooFewReplicas(): boolean {
    const config = this.server.config;
    const min = config.number("min-replicas-to-write");
    return this.master === null && min > 0 &&
      config.number("min-replicas-max-lag") > 0 && this.goodReplicas < min;
  }

  /**
   * The periodic work of replication, called often by the server cron:
   * starts delayed snapshots; once a second, newlines to replicas waiting
   * for a snapshot and ACKs to the master; every repl-ping-replica-period a
   * PING in the stream; drops replicas silent for repl-timeout and the
   * backlog after repl-backlog-ttl without replicas.
   */
  cron(now = Date.now()): void {
    this.#startSyncIfReady(now);
    this.#updateFailover(now);
    const config = this.server.config;
    if (now - this.#lastNewline >= 1000) {
      this.#lastNewline = now;
      for (const client of this.replicas) {
        const replica = client.replica!;
        // Keeps the link alive while the replica waits for its snapshot.
        if (replica.state === "wait_bgsave") {
          client.reply.raw(NEWLINE);
          client.transport.flush();
        }
      }
      this.link?.cron(now);
      this.refreshGoodReplicas(now);
      const timeout = config.number("repl-timeout") * 1000;
      for (const client of [...this.replicas]) {
        const replica = client.replica!;
        const quiet = replica.state === "online" &&
          now - replica.ackTime > timeout;
        // Seen twice in a row: after a stall of this process, the ACKs
        // that arrived meanwhile are read before the replica is judged.
        const judged = quiet && replica.quietBefore;
        replica.quietBefore = quiet;
        if (judged) {
          this.server.log.warning(
            `Disconnecting timedout replica (streaming sync): ${
              this.replicaAddress(client)
            }`,
          );
          client.transport.close(false);
        }
      }
      const ttl = config.number("repl-backlog-ttl") * 1000;
      if (
        this.master === null && this.backlog !== null &&
        this.replicas.length === 0 && this.#noReplicasSince > 0 && ttl > 0 &&
        now - this.#noReplicasSince > ttl
      ) {
        // A new id: replicas that come later cannot continue the old history.
        this.replid = randomReplicationId();
        this.clearReplicationId2();
        this.backlog = null;
        this.server.log.notice(
          `Replication backlog freed after ${
            ttl / 1000
          } seconds without connected replicas.`,
        );
      }
    }
    const period = config.number("repl-ping-replica-period") * 1000;
    if (now - this.#lastPing >= period) {
      this.#lastPing = now;
      // A PING would move the offset a failover or a shutdown waits for
      // replicas to reach.
      if (
        this.master === null && this.replicas.length > 0 &&
        this.failover === null && this.server.pendingShutdown === null
      ) {
        // Like Redis, the PING keeps the stream's database.
        this.feed(this.#streamDb === -1 ? -1 : this.#streamDb, PING);
      }
    }
  }

  /**
   * Becomes a replica of `host`:`port` (REPLICAOF), keeping this server's
   * own history as the cached master so that PSYNC can continue it (not at
   * start-up, where the dataset loaded carries no replication history).
   */
  setMaster(
    host: string,
    port: number,
    options: { readonly atStartup?: boolean } = {},
  ): void {
    const wasMaster = this.master === null && !options.atStartup;
    this.link?.stop();
    this.link = null;
    this.master = { host, port };
    this.server.log.role = "S";
    expiry.replica = true;
    this.#updateChecks();
    this.server.config.set("replicaof", `${host} ${port}`);
    // A master continues its own history with the new master if it can.
    if (wasMaster) {
      this.server.log.notice(
        "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
      );
      // The new master starts its stream with SELECT: any database will do.
      this.cachedMaster = {
        replid: this.replid,
        offset: this.offset,
        dbIndex: 0,
      };
    }
    if (this.linkFactory !== null) {
      this.link = this.linkFactory(host, port);
    }
  }

  /** Stops replicating (REPLICAOF NO ONE): a new history starts here. */
  setNoMaster(): void {
    if (this.master === null) return;
    this.link?.stop();
    this.link = null;
    this.master = null;
    this.server.log.role = "M";
    expiry.replica = false;
    this.#updateChecks();
    this.cachedMaster = null;
    this.server.config.set("replicaof", "no one");
    this.shiftReplicationId();
    // Sub-replicas reconnect and continue with the new id; the stream
    // selects its database again.
    this.disconnectReplicas();
    this.#streamDb = -1;
  }

  /**
   * Starts a coordinated failover (FAILOVER): writes are paused until the
   * target (or, without one, any replica) has acknowledged everything, then
   * this server becomes its replica and asks it, with PSYNC ... FAILOVER, to
   * become the master.
   */
  startFailover(options: {
    readonly target: { host: string; port: number } | null;
    readonly timeoutMs: number;
    readonly force: boolean;
  }): void {
    const target = options.target;
    this.server.log.notice(
      target === null
        ? "FAILOVER requested to any replica."
        : `FAILOVER requested to ${target.host}:${target.port}.`,
    );
    this.failover = {
      state: "waiting-for-sync",
      target,
      endsAt: options.timeoutMs > 0 ? Date.now() + options.timeoutMs : 0,
      force: options.force,
    };
    this.server.pause.pauseFor("failover");
  }

  /** The replica at `host`:`port`, as replicas announced themselves. */
  findReplica(host: string, port: number): Client | undefined {
    return this.replicas.find((client) =>
      this.replicaIp(client) === host &&
      client.replicaSettings?.listeningPort === port
    );
  }

  #updateFailover(now: number): void {
    const failover = this.failover;
    if (failover === null || failover.state !== "waiting-for-sync") return;
    if (failover.endsAt > 0 && failover.endsAt <= now) {
      if (failover.force && failover.target !== null) {
        this.server.log.notice(
          `FAILOVER to ${failover.target.host}:${failover.target.port} time out exceeded, failing over.`,
        );
        this.#handOver(failover, failover.target);
      } else this.abortFailover("Replica never caught up before timeout");
      return;
    }
    let replica: Client | undefined;
    if (failover.target !== null) {
      replica = this.findReplica(failover.target.host, failover.target.port);
    } else {
      replica = this.replicas.find((c) => c.replica!.ackOffset === this.offset);
    }
    if (replica === undefined || replica.replica!.ackOffset !== this.offset) {
      return;
    }
    const target = failover.target ?? {
      host: this.replicaIp(replica),
      port: replica.replicaSettings?.listeningPort ?? 0,
    };
    this.server.log.notice(
      `Failover target ${target.host}:${target.port} is synced, failing over.`,
    );
    this.#handOver(failover, target);
  }

  #handOver(failover: Failover, target: { host: string; port: number }): void {
    failover.state = "failover-in-progress";
    failover.target = target;
    this.setMaster(target.host, target.port);
  }

  /** The failover's PSYNC was answered: it is over. */
  failoverDone(): void {
    if (this.failover === null) return;
    this.failover = null;
    this.server.pause.resumeFor("failover");
  }

  /** Ends a failover (FAILOVER ABORT, timeout, refused PSYNC). */
  abortFailover(reason: string): void {
    const failover = this.failover;
    if (failover === null) return;
    this.server.log.notice(`FAILOVER aborted: ${reason}`);
    if (failover.state === "failover-in-progress") this.setNoMaster();
    this.failoverDone();
  }
}
