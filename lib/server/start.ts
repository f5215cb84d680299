/**
 * Wires the server together, in one place: state, command table,
 * dispatcher, propagation, persistence, network listener, the periodic cron
 * (active expiry, idle client timeout, INFO samples), the pid file and the
 * start-up log lines.
 *
 * @module
 */

import { type Config, ConfigError } from "../config/config.ts";
import { Dispatcher } from "../commands/dispatch.ts";
import { sampleInfoMetrics } from "../commands/info.ts";
import { createCommandTable } from "../commands/registry.ts";
import { persistenceCron, setUpPersistence } from "../persistence/setup.ts";
import { NetworkServer } from "./network.ts";
import { MasterLink } from "../replication/master_link.ts";
import { shutdownCron } from "../commands/server.ts";
import { subscriptionCount } from "./pubsub.ts";
import { Server } from "./server.ts";
import { stringToBytes } from "../util/bytes.ts";
import { accessTracking } from "../store/database.ts";

/** A running server instance. */
export interface RunningServer {
  /** The server's state. */
  readonly server: Server;
  /** The TCP port the server listens on. */
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

/**
 * CONFIG SET port and bind take effect at once: the listeners move, and
 * if they cannot, the old ones stay and the change is refused.
 */
function installListenerAppliers(config: Config, network: NetworkServer): void {
  const rebind = (reason: string) => () => {
    try {
      network.rebind(bindAddresses(config.get("bind")), config.number("port"));
    } catch {
      throw new ConfigError(reason);
    }
  };
  config.setApplier("port", rebind("Unable to listen on this port"));
  config.setApplier("bind", rebind("Failed to bind to specified addresses."));
}

/** A server's state and dispatcher, without a network listener. */
export interface ServerCore {
  /** The server's state. */
  readonly server: Server;
  /** The dispatcher that runs every command. */
  readonly dispatcher: Dispatcher;
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
    if (event === "expired" && !server.loading) {
      propagator.propagate(db.id, ["DEL", stringToBytes(key)]);
    }
  });
  const trackLfu = () => {
    accessTracking.lfu = config.get("maxmemory-policy").endsWith("-lfu");
  };
  trackLfu();
  config.setApplier("maxmemory-policy", trackLfu);
  const dispatcher = new Dispatcher(server);
  server.pause.onRelease((client) => dispatcher.resume(client));
  const replication = server.replication;
  replication.linkFactory = (host, port) =>
    new MasterLink(server, dispatcher, host, port);
  // WAIT clients are served when replicas acknowledge.
  replication.onAcknowledge(() => server.blocking.serveKeyless());
  return { server, dispatcher };
}

/** Starts a server with `config`, listening on its port. */
export function startServer(config: Config): RunningServer {
  const { server, dispatcher } = createServerCore(config);
  setUpPersistence(server, dispatcher);
  const network = new NetworkServer(server, dispatcher);
  network.listen(bindAddresses(config.get("bind")), config.number("port"));
  installListenerAppliers(config, network);
  writePidFile(server);
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
    server.activeExpireCycle(25);
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

  server.log.notice(`Running mode=standalone, port=${network.port}.`);
  server.log.warning("Server initialized");
  server.log.notice("Ready to accept connections");
  return { server, port: network.port, stop, finished };
}
