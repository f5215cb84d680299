/**
 * Client eviction (maxmemory-clients), as Redis 7.0 does it: when the
 * memory of all ordinary and Pub/Sub clients reaches the limit, the
 * clients using the most are disconnected until it is below again.
 * Clients with CLIENT NO-EVICT on count but are never chosen, and neither
 * are replicas and the master link.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { Client } from "./client.ts";
import { clientMemory } from "./memory.ts";
import type { Server } from "./server.ts";

/** Redis's floor: a limit below 128 KB would leave no client working. */
const MIN_LIMIT = 128 * 1024;

/**
 * The client memory limit in bytes, 0 for none: maxmemory-clients as
 * bytes, or as a percentage of maxmemory (none while maxmemory is 0).
 */
export function clientEvictionLimit(config: Config): number {
  const setting = config.get("maxmemory-clients");
  let limit: number;
  if (setting.endsWith("%")) {
    const maxmemory = config.number("maxmemory");
    if (maxmemory === 0) return 0;
    limit = Math.floor(maxmemory * Number(setting.slice(0, -1)) / 100);
  } else limit = Number(setting);
  if (limit <= 0) return 0;
  return Math.max(MIN_LIMIT, limit);
}

/** Evicts clients over maxmemory-clients. */
export class ClientEviction {
  readonly #server: Server;
  #limit: number | null = null;

  /** Client eviction for `server`, following its configuration. */
  constructor(server: Server) {
    this.#server = server;
    server.config.onChange((name) => {
      if (name === "maxmemory" || name === "maxmemory-clients") {
        this.#limit = null;
      }
    });
  }

  /**
   * Disconnects the biggest evictable clients while all clients together
   * use at least the limit; cheap when there is no limit.
   */
  check(): void {
    const server = this.#server;
    const limit = this.#limit ??= clientEvictionLimit(server.config);
    if (limit === 0) return;
    let total = 0;
    const candidates: { client: Client; bytes: number }[] = [];
    for (const client of server.clients.values()) {
      if (client.closed || client.isMaster || client.replica !== null) {
        continue;
      }
      const bytes = clientMemory(client).total;
      total += bytes;
      if (!client.noEvict) candidates.push({ client, bytes });
    }
    if (total < limit) return;
    candidates.sort((a, b) => b.bytes - a.bytes);
    for (const { client, bytes } of candidates) {
      if (total < limit) break;
      server.log.verbose(
        `Evicting client: id=${client.id} addr=${client.address} tot-mem=${bytes}`,
      );
      client.transport.close(false);
      server.stats.evictedClients++;
      total -= bytes;
    }
  }
}
