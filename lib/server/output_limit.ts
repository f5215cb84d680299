/**
 * client-output-buffer-limit: disconnects a client whose pending output grows
 * past its class's hard limit, or stays past the soft limit for longer than
 * the soft seconds, so that a client that does not read (a slow subscriber,
 * typically) cannot make the server run out of memory.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { subscriptionCount } from "./pubsub.ts";

/** Hard limit, soft limit (bytes, 0 = none) and soft seconds of a class. */
interface Limit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

/** Limits of the client classes. */
interface Limits {
  readonly normal: Limit;
  readonly replica: Limit;
  readonly pubsub: Limit;
}

/** Parses the normalised directive value: "normal h s secs slave ... pubsub ...". */
function parseLimits(text: string): Limits {
  const words = text.split(" ");
  const limits = new Map<string, Limit>();
  for (let i = 0; i + 3 < words.length; i += 4) {
    limits.set(words[i], {
      hard: Number(words[i + 1]),
      soft: Number(words[i + 2]),
      softSeconds: Number(words[i + 3]),
    });
  }
  const none = { hard: 0, soft: 0, softSeconds: 0 };
  return {
    normal: limits.get("normal") ?? none,
    replica: limits.get("slave") ?? none,
    pubsub: limits.get("pubsub") ?? none,
  };
}

/** The smallest limit in effect, soft or hard, of any class (Infinity if none). */
function lowestLimit(limits: Limits): number {
  let lowest = Infinity;
  for (const limit of [limits.normal, limits.replica, limits.pubsub]) {
    if (limit.hard > 0) lowest = Math.min(lowest, limit.hard);
    if (limit.soft > 0) lowest = Math.min(lowest, limit.soft);
  }
  return lowest;
}

/** Applies client-output-buffer-limit to clients as output is added. */
export class OutputLimits {
  #limits: Limits;
  /** Output below this cannot reach any limit: checked first, per command. */
  #lowest: number;

  /** Creates the checker for `server`'s configuration. */
  constructor(readonly server: Server) {
    const name = "client-output-buffer-limit";
    this.#limits = parseLimits(server.config.get(name));
    this.#lowest = lowestLimit(this.#limits);
    server.config.onChange((changed) => {
      if (changed !== name) return;
      this.#limits = parseLimits(server.config.get(name));
      this.#lowest = lowestLimit(this.#limits);
    });
  }

  /**
   * Checks `client`'s pending output against its class's limits and closes
   * it when they are exceeded, as Redis's closeClientOnOutputBufferLimitReached
   * does. Returns true when the client was closed.
   */
  check(client: Client, now: number): boolean {
    return this.#check(client, client.reply.pendingBytes, now);
  }

  /**
   * Checks a replica's replication output: `used` is the stream waiting for
   * it (held during its snapshot, or pending once it took the snapshot).
   */
  checkReplica(client: Client, used: number, now: number): boolean {
    return this.#check(client, used, now);
  }

  #check(client: Client, used: number, now: number): boolean {
    if (used < this.#lowest) {
      client.outputSoftSince = -1;
      return false;
    }
    // Redis classes a client as pub/sub while it is in subscribed mode.
    const limit = client.replica !== null
      ? this.#limits.replica
      : subscriptionCount(client) > 0
      ? this.#limits.pubsub
      : this.#limits.normal;
    if (limit.hard === 0 && limit.soft === 0) return false;
    if (client.closed) return false;
    const hard = limit.hard > 0 && used >= limit.hard;
    let soft = limit.soft > 0 && used >= limit.soft;
    if (soft) {
      const since = client.outputSoftSince;
      if (since < 0) {
        client.outputSoftSince = now;
        soft = false;
      } else if (
        Math.floor(now / 1000) - Math.floor(since / 1000) <= limit.softSeconds
      ) {
        soft = false;
      }
    } else {
      client.outputSoftSince = -1;
    }
    if (!hard && !soft) return false;
    this.server.log.warning(
      `Client id=${client.id} addr=${client.address} name=${client.name} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    client.outputSoftSince = -1;
    client.transport.close(false);
    return true;
  }
}
