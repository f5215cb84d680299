/**
 * The server's shared state: configuration, keyspace, connected clients and
 * statistics. It has no knowledge of sockets; the network layer registers
 * clients and feeds their commands to the dispatcher.
 *
 * @module
 */

import type { FunctionLibraryStore } from "../persistence/host.ts";
import { Config } from "../config/config.ts";
import { Acl, AclStartupError } from "../acl/acl.ts";
import { Keyspace } from "../store/keyspace.ts";
import type { Database } from "../store/database.ts";
import type { Client, Transport } from "./client.ts";
import { Client as ClientState } from "./client.ts";
import { Logger } from "./log.ts";
import { RdbPersistence } from "../persistence/rdb.ts";
import { AofPersistence } from "../persistence/aof.ts";
import {
  beforeWrite,
  keyCreated,
  type Snapshot,
} from "../persistence/snapshot.ts";
import {
  type EvictionHost,
  type EvictionPolicy,
  type EvictionSettings,
  Evictor,
} from "./eviction.ts";
import { MemoryAccounting } from "./memory.ts";
import { ClientEviction } from "./client_eviction.ts";
import { freedLazily } from "../store/lazyfree.ts";
import type { CommandTable } from "../commands/table.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { FatalConfigError } from "../config/load.ts";
import { BlockingManager } from "./blocking.ts";
import { Propagator } from "./propagator.ts";
import { Monitors } from "./monitor.ts";
import { SlowLog } from "./slowlog.ts";
import { ClientPause } from "./pause.ts";
import { Tracking } from "./tracking.ts";
import { LatencyMonitor } from "./latency.ts";
import type { LatencyHistogram } from "./latency_histogram.ts";
import { PubSub } from "./pubsub.ts";
import { WatchRegistry } from "./watch.ts";
import { OutputLimits } from "./output_limit.ts";
import { KeyspaceNotifier } from "./notifications.ts";
import {
  randomReplicationId,
  Replication,
} from "../replication/replication.ts";

/** INFO commandstats counters of one command. */
export interface CommandStat {
  /** Completed calls. */
  calls: number;
  /** Microseconds spent in them (fractional: a batch's time is shared). */
  usec: number;
  /** Calls refused before running (arity, NOAUTH...). */
  rejected: number;
  /** Calls that replied with an error. */
  failed: number;
  /** Durations of the calls while latency-tracking is on, once there is one. */
  histogram: LatencyHistogram | null;
}

/** Counters reported by INFO stats and INFO commandstats/errorstats. */
export class Stats {
  /** Connections accepted (total_connections_received). */
  connectionsReceived = 0;
  /** Commands run (total_commands_processed). */
  commandsProcessed = 0;
  /** Connections refused because of maxclients (rejected_connections). */
  rejectedConnections = 0;
  /** Keys deleted because they expired (expired_keys). */
  expiredKeys = 0;
  /** Keys deleted by maxmemory eviction (evicted_keys). */
  evictedKeys = 0;
  /** Clients disconnected by maxmemory-clients (evicted_clients). */
  evictedClients = 0;
  /** Values freed as Redis frees them in the background (lazyfreed_objects). */
  lazyfreedObjects = 0;
  /** Key lookups that found the key (keyspace_hits). */
  keyspaceHits = 0;
  /** Key lookups that did not (keyspace_misses). */
  keyspaceMisses = 0;
  /** Bytes read from clients (total_net_input_bytes). */
  netInputBytes = 0;
  /** Bytes written to clients (total_net_output_bytes). */
  netOutputBytes = 0;
  /** Bytes read from the master (total_net_repl_input_bytes). */
  netReplInputBytes = 0;
  /** Error replies sent (total_error_replies). */
  totalErrorReplies = 0;
  /**
   * Error replies sent, with those not counted in errorstats because they
   * were counted once already (a script replying with a command's error):
   * what tells the dispatcher a command failed.
   */
  failures = 0;
  /** Per command: calls, total microseconds, rejected and failed calls. */
  readonly commands = new Map<string, CommandStat>();
  /** Error replies counted by their prefix ("ERR", "WRONGTYPE", ...). */
  readonly errors = new Map<string, number>();

  /**
   * Counts an error reply by its first word, as Redis's errorstats does: a
   * word of more than 30 bytes, or no space at all, counts as ERR.
   */
  countError(message: string): void {
    const space = message.indexOf(" ");
    this.countErrorCode(
      space < 0 || space > 30 ? "ERR" : message.slice(0, space),
    );
  }

  /** Counts an error reply of error code `code`. */
  countErrorCode(code: string): void {
    this.totalErrorReplies++;
    this.failures++;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /**
   * Counts an error reply already counted in errorstats: only its command
   * fails (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE).
   */
  countUncountedFailure(): void {
    this.failures++;
  }

  /** Resets what CONFIG RESETSTAT resets. */
  reset(): void {
    this.connectionsReceived = 0;
    this.commandsProcessed = 0;
    this.rejectedConnections = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.evictedClients = 0;
    this.lazyfreedObjects = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.netReplInputBytes = 0;
    this.totalErrorReplies = 0;
    this.commands.clear();
    this.errors.clear();
  }
}

/**
 * Keyspace notification classes, as `notify-keyspace-events` names them:
 * g generic, $ string, l list, s set, h hash, z sorted set, t stream,
 * x expired, e evicted, m key miss, n new key, d module.
 */
export type EventClass =
  | "g"
  | "$"
  | "l"
  | "s"
  | "h"
  | "z"
  | "t"
  | "x"
  | "e"
  | "m"
  | "n"
  | "d";

/**
 * Called when a key's value changes (Redis's signalModifiedKey plus keyspace
 * event): WATCH, keyspace notifications and blocked-client wake-ups listen.
 */
export type KeyChangeListener = (
  db: Database,
  key: string,
  eventClass: EventClass,
  event: string,
) => void;

/** What a {@linkcode Server} is made of. */
export interface ServerOptions {
  /** Configuration directives and their current values. */
  readonly config: Config;
  /** The command table. */
  readonly commands: CommandTable;
}

/** Shared server state. */
export class Server {
  /** Configuration directives and their current values. */
  readonly config: Config;
  /** The databases and their keys. */
  readonly keyspace: Keyspace;
  /** Counters for INFO. */
  readonly stats: Stats = new Stats();
  /** The server log. */
  readonly log: Logger;
  /** Clients waiting in blocking commands. */
  readonly blocking: BlockingManager = new BlockingManager();
  /** Where writes' effects go: the AOF now, replicas later. */
  readonly propagator: Propagator = new Propagator();
  /** Clients in MONITOR mode, fed by the dispatcher. */
  readonly monitors: Monitors = new Monitors();
  /** Commands slower than slowlog-log-slower-than (SLOWLOG). */
  readonly slowlog: SlowLog = new SlowLog();
  /** Operations slower than latency-monitor-threshold (LATENCY). */
  readonly latency: LatencyMonitor = new LatencyMonitor();
  /** CLIENT PAUSE: whether commands are held, and the held clients. */
  readonly pause: ClientPause = new ClientPause();
  /** Client-side caching: what tracking clients read, and invalidations. */
  readonly tracking: Tracking;
  /** RDB snapshots: loading, SAVE, BGSAVE, save points. */
  readonly rdb: RdbPersistence;
  /** The append-only file. */
  readonly aof: AofPersistence;
  /** Snapshots being written (BGSAVE, AOF rewrite); writes must consult them. */
  readonly snapshots = new Set<Snapshot>();
  /**
   * The function libraries; the dispatcher's scripting engine replaces this
   * empty store with its own.
   */
  functionLibraries: FunctionLibraryStore = {
    libraries: new Map(),
    functionCount: 0,
    codes: () => [],
    load: () => {
      throw new Error("this server has no scripting engine");
    },
  };
  /** The EVAL script cache's size, kept by the scripting engine (INFO memory). */
  readonly scriptCache = { scripts: 0, bytes: 0 };
  /** The command table. */
  readonly commands: CommandTable;
  /** Connected clients by id. */
  readonly clients = new Map<number, Client>();
  /** ACL users, authentication and the ACL log. */
  readonly acl: Acl;
  /**
   * Commands renamed by `rename-command`: the name clients call them by,
   * "" for a command removed. ACL rules still name commands as Redis does.
   */
  readonly commandRenames: ReadonlyMap<CommandSpec, string>;
  /** Start time, ms since the epoch (uptime_in_seconds). */
  readonly startedAt: number = Date.now();
  /** Random id of this run (INFO run_id). */
  readonly runId: string = randomReplicationId();
  /** Replication ids, offset, backlog, replicas and the link to a master. */
  readonly replication: Replication;
  /** Changes since the last save (rdb_changes_since_last_save). */
  dirty = 0;
  /** Unix time (s) of the last successful save. */
  lastSave: number = Math.floor(Date.now() / 1000);
  /** Loading the dataset at start-up: replayed commands are not propagated. */
  loading = false;
  /** Whether the active expiry cycle runs (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire = true;
  /** The cron skips all its work while set (DEBUG PAUSE-CRON). */
  cronPaused = false;
  /**
   * RESTORE, FUNCTION RESTORE and RDB loading accept wrong checksums while
   * set (DEBUG SET-SKIP-CHECKSUM-VALIDATION).
   */
  skipChecksumValidation = false;
  /** Scripts may call commands flagged noscript (DEBUG SET-DISABLE-DENY-SCRIPTS). */
  disableDenyScripts = false;
  /** Listeners told about every key change. */
  readonly keyChangeListeners: KeyChangeListener[] = [];
  /**
   * Called by RESET so the modules owning per-connection state (MULTI,
   * WATCH, subscriptions, MONITOR, tracking) can clear it.
   */
  readonly connectionResetListeners: ((client: Client) => void)[] = [];
  /**
   * A shutdown waiting for replicas to catch up: its options and the time
   * (ms since the epoch) it goes ahead anyway (shutdown-timeout).
   */
  pendingShutdown: {
    readonly options: {
      readonly noSave?: boolean;
      readonly save?: boolean;
      readonly force?: boolean;
      readonly now?: boolean;
    };
    readonly deadline: number;
  } | null = null;
  /** Set by SHUTDOWN; the network layer stops and the process exits. */
  onShutdown: (() => void) | null = null;
  /** client-output-buffer-limit enforcement. */
  readonly outputLimits: OutputLimits;
  /** Pub/Sub subscriptions and message delivery. */
  readonly pubsub: PubSub;
  /** Publishes keyspace notifications (notify-keyspace-events). */
  readonly notifier: KeyspaceNotifier;
  /** Keys watched by WATCH. */
  readonly watches = new WatchRegistry();
  /** The estimate of used memory that INFO reports and maxmemory limits. */
  readonly memory: MemoryAccounting;
  /** maxmemory eviction. */
  readonly evictor: Evictor;
  /** maxmemory-clients eviction. */
  readonly clientEviction: ClientEviction;
  /**
   * Whether a script runs past busy-reply-threshold; the dispatcher's
   * scripting engine sets this (evictions wait for it, as in Redis).
   */
  isScriptBusy: () => boolean = () => false;
  /**
   * Whether memory stayed above maxmemory when the running command
   * started (Redis's pre_command_oom_state), as scripts check it.
   */
  outOfMemory = false;
  #nextClientId = 1;
  #nextFd = 8;

  #evictionHost(): EvictionHost {
    const config = this.config;
    let settings: EvictionSettings | null = null;
    config.onChange((name) => {
      if (name.startsWith("maxmemory")) settings = null;
    });
    return {
      databases: this.keyspace.databases,
      settings: () =>
        settings ??= {
          maxmemory: config.number("maxmemory"),
          policy: config.get("maxmemory-policy") as EvictionPolicy,
          samples: config.number("maxmemory-samples"),
          tenacity: config.number("maxmemory-eviction-tenacity"),
        },
      usedMemory: (now) => this.memory.usedForEviction(now),
      // Like Redis: not while loading, paused or in a busy script, and not
      // on a replica that leaves it to its master.
      mayEvict: () =>
        !this.loading && this.pause.mode === null && !this.isScriptBusy() &&
        !(this.replication.isReplica &&
          config.flag("replica-ignore-maxmemory")),
      evict: (db, key) => {
        if (this.snapshots.size > 0) beforeWrite(this.snapshots, db, [key]);
        // A plain string value (no entry) is small: never freed lazily.
        const item = db.peekItem(key);
        if (
          item !== undefined && typeof item !== "string" &&
          config.flag("lazyfree-lazy-eviction") && freedLazily(item, config)
        ) this.stats.lazyfreedObjects++;
        db.delete(key);
        this.stats.evictedKeys++;
        this.keyChanged(db, key, "e", "evicted");
      },
    };
  }

  /** Creates the state of a server with `options.config`. */
  constructor(options: ServerOptions) {
    const config = options.config;
    this.config = config;
    this.commands = options.commands;
    this.acl = createAcl(config, options.commands);
    this.commandRenames = commandRenames(config, options.commands);
    this.tracking = new Tracking(this.clients);
    this.log = new Logger(config);
    this.rdb = new RdbPersistence(this);
    this.aof = new AofPersistence(this, this.rdb);
    this.keyspace = new Keyspace(config.number("databases"), (db, key) => {
      this.stats.expiredKeys++;
      this.keyChanged(db, key, "x", "expired");
    });
    this.replication = new Replication(this);
    this.memory = new MemoryAccounting(this);
    this.evictor = new Evictor(this.#evictionHost());
    this.clientEviction = new ClientEviction(this);
    this.outputLimits = new OutputLimits(this);
    this.pubsub = new PubSub(this.outputLimits);
    const notifier = new KeyspaceNotifier(
      this.pubsub,
      () => config.get("notify-keyspace-events"),
    );
    this.notifier = notifier;
    for (const db of this.keyspace.databases) {
      db.onAdded = (db, key) => {
        if (this.snapshots.size > 0) keyCreated(this.snapshots, db, key);
        notifier.notify(db, key, "n", "new");
      };
    }
    this.keyChangeListeners.push(
      (db, key) => db.reaccount(key),
      (db, key) => this.watches.keyChanged(db, key),
      (db, key) => this.blocking.keyChanged(db, key),
      (_db, key) => this.tracking.keyChanged(key),
      (db, key, eventClass, event) =>
        notifier.notify(db, key, eventClass, event),
    );
    this.connectionResetListeners.push((client) => {
      client.multiQueue = null;
      client.dirtyExec = false;
      client.dirtyCas = false;
      this.watches.unwatchAll(client);
      this.pubsub.removeClient(client);
      this.monitors.remove(client);
      this.tracking.disable(client);
    });
  }

  /** Aux fields of the replication history for RDB files (Replication.saveInfo). */
  replicationInfo(): readonly (readonly [string, string])[] {
    return this.replication.saveInfo();
  }

  /**
   * Registers a newly connected client; it counts as a received connection
   * unless `options.counted` is false (the link to a master).
   */
  addClient(
    address: string,
    localAddress: string,
    transport: Transport,
    options: { readonly counted?: boolean } = {},
  ): Client {
    const client = new ClientState(
      this.#nextClientId++,
      address,
      localAddress,
      this.#nextFd++,
      transport,
      this.acl.defaultAuthenticates,
    );
    client.user = this.acl.defaultUser;
    this.clients.set(client.id, client);
    if (options.counted !== false) this.stats.connectionsReceived++;
    return client;
  }

  /** Forgets a disconnected client. */
  removeClient(client: Client): void {
    client.closed = true;
    this.blocking.remove(client);
    this.monitors.remove(client);
    this.pause.remove(client);
    this.tracking.disable(client);
    this.pubsub.removeClient(client);
    this.watches.unwatchAll(client);
    if (client.replica !== null) this.replication.removeReplica(client);
    this.clients.delete(client.id);
  }

  /**
   * Must be called before `emptied` loses its keys (FLUSHDB, FLUSHALL) or,
   * for SWAPDB, before it takes the keys of `replacedWith` (once for each of
   * the two databases): clients watching keys that exist in either become
   * dirty, as Redis's touchAllWatchedKeysInDb does, and every key clients
   * block on in that database is tried once the command is done (a stream
   * that went away answers a blocked XREADGROUP with an error).
   */
  databaseReplaced(
    emptied: Database,
    replacedWith: Database | null = null,
  ): void {
    this.watches.databaseReplaced(emptied, replacedWith, Date.now());
    this.blocking.databaseChanged(emptied.id);
  }

  /** Reports a change of `key` to every listener (WATCH, notifications...). */
  keyChanged(
    db: Database,
    key: string,
    eventClass: EventClass,
    event: string,
  ): void {
    const listeners = this.keyChangeListeners;
    for (let i = 0; i < listeners.length; i++) {
      listeners[i](db, key, eventClass, event);
    }
  }

  /**
   * Hash table upkeep of every database, run from the server cron:
   * incremental rehashing (activerehashing) and shrinking, held back while
   * a snapshot scans the keyspace.
   */
  maintainKeyspace(): void {
    const rehash = this.config.get("activerehashing") === "yes";
    const shrink = this.snapshots.size === 0;
    for (const db of this.keyspace.databases) db.maintain({ rehash, shrink });
  }

  /**
   * Active expiry, run from the server cron: samples keys with a TTL in each
   * database and repeats while more than a quarter of a sample had expired,
   * within a time budget, like Redis's activeExpireCycle.
   */
  activeExpireCycle(budgetMs: number): void {
    // A replica's keys expire when its master's DEL arrives.
    if (
      !this.activeExpire || this.pause.mode !== null ||
      this.replication.isReplica
    ) return;
    // Timed finer than Date.now(), whose millisecond steps would make a
    // cycle of microseconds look like a 1 ms latency spike.
    const start = performance.now();
    cycle: for (const db of this.keyspace.databases) {
      while (true) {
        const { checked, expired } = db.expireCycle(Date.now(), 20);
        if (checked === 0 || expired * 4 <= checked) break;
        if (performance.now() - start > budgetMs) break cycle;
      }
    }
    const elapsed = Math.floor(performance.now() - start);
    const threshold = this.config.number("latency-monitor-threshold");
    if (threshold > 0 && elapsed >= threshold) {
      this.latency.add("expire-cycle", elapsed);
    }
  }
}

/**
 * The server's ACL: the default user with requirepass as its password, the
 * configuration's users or the aclfile's, and the directives that act on it.
 */
function createAcl(config: Config, commands: CommandTable): Acl {
  const acl = new Acl({
    table: commands,
    allChannelsByDefault: () =>
      config.get("acl-pubsub-default") === "allchannels",
  });
  const applyRequirepass = () =>
    acl.setDefaultPassword(config.get("requirepass"));
  applyRequirepass();
  config.setApplier("requirepass", applyRequirepass);
  const aclfile = config.get("aclfile");
  acl.loadConfigured(config.users, aclfile);
  if (aclfile !== "") {
    const loaded = acl.loadFile(aclfile);
    if (!loaded.ok) {
      throw new AclStartupError([
        `Aborting Redis startup because of ACL errors: ${loaded.error}`,
      ]);
    }
  }
  return acl;
}

/**
 * The configuration's `rename-command` lines as Redis applies them, in
 * order, to the names clients use: a command renamed to "" is removed.
 */
function commandRenames(
  config: Config,
  commands: CommandTable,
): Map<CommandSpec, string> {
  const renames = new Map<CommandSpec, string>();
  const names = new Map<string, CommandSpec>();
  for (const spec of commands.all()) names.set(spec.name, spec);
  for (const { lineNumber, line, words } of config.renames) {
    const [from, to] = words.map((w) => w.toLowerCase());
    const spec = names.get(from);
    if (spec === undefined) {
      throw new FatalConfigError(
        lineNumber,
        line,
        "No such command in rename-command",
      );
    }
    names.delete(from);
    if (to !== "") {
      if (names.has(to)) {
        throw new FatalConfigError(
          lineNumber,
          line,
          "Target command name already exists",
        );
      }
      names.set(to, spec);
    }
    renames.set(spec, to);
  }
  return renames;
}
