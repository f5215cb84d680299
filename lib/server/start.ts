/**
 * Wires the server together: state, command table, dispatcher, network
 * listener and the periodic cron (active expiry, idle client timeout).
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { REDIS_VERSION } from "../config/load.ts";
import { Dispatcher } from "../commands/dispatch.ts";
import { createCommandTable } from "../commands/registry.ts";
import { NetworkServer } from "./network.ts";
import { Server } from "./server.ts";

/** A running server instance. */
export interface RunningServer {
  readonly server: Server;
  /** The TCP port the server listens on. */
  readonly port: number;
  /** Stops accepting, disconnects clients and stops the cron. */
  stop(): Promise<void>;
  /** Resolves when the server has been shut down (SHUTDOWN or stop()). */
  readonly finished: Promise<void>;
}

/** Addresses to listen on for the `bind` directive ("*" means all IPv4). */
function bindAddresses(bind: string): string[] {
  const addresses: string[] = [];
  for (const word of bind.split(/\s+/)) {
    const optional = word.startsWith("-");
    const address = optional ? word.slice(1) : word;
    if (address === "*") addresses.push("0.0.0.0");
    else if (address === "::*") continue; // IPv6 wildcard: optional, not needed on loopback hosts
    else if (address !== "") addresses.push(address);
  }
  return addresses.length > 0 ? addresses : ["0.0.0.0"];
}

/** Starts a server with `config`, listening on its port. */
export function startServer(config: Config): RunningServer {
  const server = new Server(config);
  server.commands = createCommandTable();
  const dispatcher = new Dispatcher(server, server.commands);
  const network = new NetworkServer(server, dispatcher);
  network.listen(bindAddresses(config.get("bind")), config.number("port"));

  const cron = setInterval(() => {
    server.activeExpireCycle(25);
    const timeout = config.number("timeout");
    if (timeout > 0) {
      const now = Date.now();
      for (const client of server.clients.values()) {
        if (!client.blocked && now - client.lastInteraction > timeout * 1000) {
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
      await network.close();
      resolveFinished();
    })();
    return stopping;
  };
  server.onShutdown = () => void stop();

  server.log.notice(
    `Server initialized (Redis ${REDIS_VERSION} compatible), ready to accept connections tcp on port ${network.port}`,
  );
  return { server, port: network.port, stop, finished };
}
