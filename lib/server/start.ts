/**
 * Wires the server together, in one place: state, command table,
 * dispatcher, propagation, persistence, network listeners (plain, TLS and
 * the unix socket), the periodic cron (active expiry, idle client timeout,
 * INFO samples), the pid file and the start-up log lines.
 *
 * @module
 */

import { type Config, ConfigError } from "../config/config.ts";
import {
  DIRECTIVES,
  tlsRequested,
  tlsSettingsProblem,
} from "../config/directives.ts";
import { Dispatcher } from "../commands/dispatch.ts";
import { sampleInfoMetrics } from "../commands/info.ts";
import { createCommandTable } from "../commands/registry.ts";
import { persistenceCron, setUpPersistence } from "../persistence/setup.ts";
import {
  type ListenAddresses,
  ListenError,
  NetworkServer,
  UnixSocketError,
} from "./network.ts";
import { type MasterDialer, MasterLink } from "../replication/master_link.ts";
import {
  connectMasterTls,
  TlsConfigError,
  TlsContext,
  type TlsMaterial,
} from "./tls.ts";
import type { Logger } from "./log.ts";
import { shutdownCron } from "../commands/server.ts";
import { subscriptionCount } from "./pubsub.ts";
import { Server } from "./server.ts";
import { binaryToText } from "../util/bytes.ts";
import { accessTracking } from "../store/database.ts";

/** A running server instance. */
export interface RunningServer {
  /** The server's state. */
  readonly server: Server;
  /** The port the server listens on: the plain one, else the TLS one. */
  readonly port: number;
  /** Stops accepting, disconnects clients and stops the cron. */
  stop(): Promise<void>;
  /** Resolves when the server has been shut down (SHUTDOWN or stop()). */
  readonly finished: Promise<void>;
}

/** Addresses to listen on for the `bind` directive ("*" means all IPv4). */
export function bindAddresses(bind: string): string[] {
  const addresses: string[] = [];
  for (const word of bind.split(/\s+/)) {
    const optional = word.startsWith("-");
    const address = optional ? word.slice(1) : word;
    if (address === "*") addresses.push("0.0.0.0");
    // The IPv6 wildcard is optional in the default and not needed on loopback hosts.
    else if (address === "::*") continue;
    else if (address !== "") addresses.push(address);
  }
  return addresses.length > 0 ? addresses : ["0.0.0.0"];
}

/** Writes the pid file when `pidfile` is set, as Redis does at start-up. */
function writePidFile(server: Server): void {
  const pidfile = server.config.get("pidfile");
  if (pidfile === "") return;
  try {
    Deno.writeTextFileSync(pidfile, `${Deno.pid}\n`);
  } catch (error) {
    server.log.warning(`Failed to write PID file: ${error}`);
  }
}

/** Where the configuration says to listen. */
function listenAddresses(config: Config): ListenAddresses {
  return {
    hostnames: bindAddresses(config.get("bind")),
    port: config.number("port"),
    tlsPort: config.number("tls-port"),
  };
}

/**
 * Runs the TLS configuration step for CONFIG SET: logs why it fails and
 * throws the ConfigError CONFIG SET answers. With `reuse`, TLS already
 * configured keeps its files, as Redis's tls-port does with its context.
 */
function configureTls(
  config: Config,
  tls: TlsContext,
  log: Logger,
  reuse: boolean,
): TlsMaterial {
  try {
    if (reuse && tls.material !== null) {
      const problem = tlsSettingsProblem(config);
      if (problem !== null) {
        throw new TlsConfigError(problem.log, problem.reply);
      }
      return tls.material;
    }
    return tls.configure(config);
  } catch (error) {
    if (!(error instanceof TlsConfigError)) throw error;
    log.warning(error.logLine);
    throw new ConfigError(error.reply);
  }
}

/**
 * CONFIG SET port, bind and tls-port take effect at once: the listeners
 * move, and if they cannot, the old ones stay and the change is refused.
 * Changing another TLS setting while TLS is on reads the files again, and
 * new TLS connections get the new certificate (Redis reloads its TLS
 * context the same way); bad files refuse the change.
 */
function installListenerAppliers(
  config: Config,
  network: NetworkServer,
  tls: TlsContext,
  log: Logger,
): void {
  const rebind = (reason: string) => () => {
    try {
      network.rebind(listenAddresses(config));
    } catch (error) {
      if (!(error instanceof ListenError)) throw error;
      log.warning(`Warning: ${error.message}`);
      throw new ConfigError(reason);
    }
  };
  const moveListeners = rebind(
    "Unable to listen on this port. Check server logs.",
  );
  config.setApplier("port", moveListeners);
  config.setApplier("bind", rebind("Failed to bind to specified addresses."));
  config.setApplier("tls-port", () => {
    if (config.number("tls-port") !== 0) {
      void network.setTlsKeys(configureTls(config, tls, log, true));
    }
    moveListeners();
  });
  const reload = () => {
    if (!tlsRequested(config)) return;
    const material = configureTls(config, tls, log, false);
    if (config.number("tls-port") !== 0) void network.setTlsKeys(material);
  };
  for (const d of DIRECTIVES) {
    if (d.name.startsWith("tls-") && d.name !== "tls-port") {
      config.setApplier(d.name, reload);
    }
  }
}

/**
 * How a replica reaches its master: plain TCP, or with tls-replication TLS
 * with the configured certificates (configured now if TLS was not yet).
 */
function masterDialer(config: Config, tls: TlsContext): MasterDialer {
  return async (hostname, port) => {
    if (!config.flag("tls-replication")) {
      return await Deno.connect({ hostname, port });
    }
    const material = tls.material ?? tls.configure(config);
    return await connectMasterTls({ hostname, port, material });
  };
}

/** A server's state and dispatcher, without a network listener. */
export interface ServerCore {
  /** The server's state. */
  readonly server: Server;
  /** The dispatcher that runs every command. */
  readonly dispatcher: Dispatcher;
  /** The TLS configuration in effect, for the TLS listener and the replica's link. */
  readonly tls: TlsContext;
}

/**
 * Builds a server's state and dispatcher and connects propagation: the
 * AOF takes every propagated command, and keys deleted because they
 * expired are propagated as DEL, as Redis 7.0 does: found by a command, the
 * DEL is part of its unit (so SET on an expired key logs MULTI, DEL, SET,
 * EXEC); found by the active expiry cycle, it goes out alone. Nothing is
 * loaded.
 */
export function createServerCore(config: Config): ServerCore {
  const server = new Server({ config, commands: createCommandTable() });
  const propagator = server.propagator;
  propagator.addTarget(server.aof);
  propagator.addTarget(server.replication);
  server.keyChangeListeners.push((db, key, _class, event) => {
    if (server.loading) return;
    // DEL, or UNLINK when lazyfree-lazy-expire/eviction says, as in Redis.
    let lazy: boolean;
    if (event === "expired") lazy = config.flag("lazyfree-lazy-expire");
    else if (event === "evicted") lazy = config.flag("lazyfree-lazy-eviction");
    else return;
    // The key as it is: a binary string is propagated byte for byte.
    propagator.propagate(db.id, [lazy ? "UNLINK" : "DEL", key]);
  });
  const trackLfu = () => {
    accessTracking.lfu = config.get("maxmemory-policy").endsWith("-lfu");
    accessTracking.logFactor = config.number("lfu-log-factor");
    accessTracking.decayMinutes = config.number("lfu-decay-time");
  };
  trackLfu();
  for (const name of ["maxmemory-policy", "lfu-log-factor", "lfu-decay-time"]) {
    config.setApplier(name, trackLfu);
  }
  const dispatcher = new Dispatcher(server);
  server.pause.onRelease((client) => dispatcher.resume(client));
  const replication = server.replication;
  const tls = new TlsContext();
  const dial = masterDialer(config, tls);
  replication.linkFactory = (host, port) =>
    new MasterLink(server, dispatcher, host, port, { dial });
  // WAIT clients are served when replicas acknowledge.
  replication.onAcknowledge(() => server.blocking.serveKeyless());
  return { server, dispatcher, tls };
}

/**
 * Opens the listeners, or exits as redis-server does when it cannot: with
 * no port and no unix socket, with TLS files that cannot be read (main.ts
 * checks them first, so only if they changed meanwhile), an address in
 * use, or a unix socket that cannot be bound.
 */
function openListeners(
  config: Config,
  server: Server,
  network: NetworkServer,
  tls: TlsContext,
): void {
  const addresses = listenAddresses(config);
  const unixSocket = config.get("unixsocket");
  if (addresses.port === 0 && addresses.tlsPort === 0 && unixSocket === "") {
    server.log.warning("Configured to not listen anywhere, exiting.");
    Deno.exit(1);
  }
  let material: TlsMaterial | null = null;
  if (tlsRequested(config)) {
    try {
      material = tls.configure(config);
    } catch (error) {
      if (!(error instanceof TlsConfigError)) throw error;
      server.log.warning(error.logLine);
      server.log.warning("Failed to configure TLS. Check logs for more info.");
      Deno.exit(1);
    }
  }
  try {
    network.listen(
      addresses,
      material,
      unixSocket === ""
        ? null
        : { path: unixSocket, perm: config.number("unixsocketperm") },
    );
  } catch (error) {
    if (error instanceof UnixSocketError) {
      server.log.warning(error.message);
      Deno.exit(1);
    }
    if (!(error instanceof ListenError)) throw error;
    server.log.warning(`Warning: ${error.message}`);
    server.log.warning(
      `Failed listening on port ${error.port} (${
        error.tls ? "TLS" : "TCP"
      }), aborting.`,
    );
    Deno.exit(1);
  }
}

/**
 * Starts a server with `config`, listening on its ports (plain and TLS).
 * Like redis-server, it logs why and exits the process when it cannot
 * listen.
 */
export function startServer(config: Config): RunningServer {
  const { server, dispatcher, tls } = createServerCore(config);
  const network = new NetworkServer(server, dispatcher);
  openListeners(config, server, network, tls);
  // As Redis: the pid file right after listening, before the data loads
  // (a tool that waits for the port then reads the pid file finds it).
  writePidFile(server);
  setUpPersistence(server, dispatcher);
  installListenerAppliers(config, network, tls, server.log);
  const replicaof = config.get("replicaof");
  server.replication.restoreFromRdb(server.rdb.loadedAux, replicaof !== "");
  if (replicaof !== "") {
    const space = replicaof.lastIndexOf(" ");
    server.replication.setMaster(
      replicaof.slice(0, space),
      Number(replicaof.slice(space + 1)),
      { atStartup: true },
    );
  }

  const cron = setInterval(() => {
    if (server.cronPaused) return;
    dispatcher.refreshClock();
    server.activeExpireCycle(25);
    server.maintainKeyspace();
    server.clientEviction.check();
    server.tracking.limitKeys(config.number("tracking-table-max-keys"));
    sampleInfoMetrics(server);
    persistenceCron(server);
    server.replication.cron();
    shutdownCron(server);
    const timeout = config.number("timeout");
    if (timeout > 0) {
      const now = Date.now();
      for (const client of server.clients.values()) {
        // Like Redis, blocked and subscribed clients are not idle, and
        // replication links have their own repl-timeout.
        const waiting = client.blocked || subscriptionCount(client) > 0 ||
          client.replica !== null || client.isMaster;
        if (!waiting && now - client.lastInteraction > timeout * 1000) {
          server.log.verbose("Closing idle client");
          client.transport.close(false);
        }
      }
    }
  }, 100);

  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => resolveFinished = resolve);
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(cron);
      server.replication.link?.stop();
      await network.close();
      resolveFinished();
    })();
    return stopping;
  };
  server.onShutdown = () => void stop();

  const port = network.port || network.tlsPort;
  server.log.notice(`Running mode=standalone, port=${port}.`);
  server.log.warning("Server initialized");
  if (network.port !== 0 || network.tlsPort !== 0) {
    server.log.notice("Ready to accept connections");
  }
  const unixSocket = config.get("unixsocket");
  if (unixSocket !== "") {
    server.log.notice(
      `The server is now ready to accept connections at ${
        binaryToText(unixSocket)
      }`,
    );
  }
  return { server, port, stop, finished };
}
