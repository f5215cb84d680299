/**
 * Connects persistence to a starting server: loads the dataset (the AOF when
 * `appendonly` is on, else the RDB file), opens the AOF, and registers
 * CONFIG SET appendonly.
 *
 * @module
 */

import type { Dispatcher } from "../commands/dispatch.ts";
import { ConfigError } from "../config/config.ts";
import { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";

/** Loading the dataset failed; start-up must stop. */
export class LoadError extends Error {
  /** Creates the error with a message for the log. */
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

/** A client that replays AOF commands; its replies are dropped. */
function loadingClient(): Client {
  const transport = { flush() {}, close() {} };
  return new Client(0, "", "", -1, transport, true);
}

/**
 * Loads data and starts AOF logging. Throws LoadError when a file is
 * corrupt, so that start-up stops instead of running on partial data.
 */
export function setUpPersistence(server: Server, dispatcher: Dispatcher): void {
  const { rdb, aof } = server;
  const client = loadingClient();
  aof.setRunner((args) => {
    dispatcher.execute(client, args);
    client.reply.discard();
  });
  const started = performance.now();
  server.loading = true;
  try {
    if (server.config.flag("appendonly")) {
      if (aof.exists()) {
        aof.load();
        server.log.notice(
          `DB loaded from append only file: ${
            ((performance.now() - started) / 1000).toFixed(3)
          } seconds`,
        );
      }
      aof.open();
    } else if (rdb.load()) {
      server.log.notice(
        `DB loaded from disk: ${
          ((performance.now() - started) / 1000).toFixed(3)
        } seconds`,
      );
    }
  } catch (error) {
    throw new LoadError(`${(error as Error).message}`);
  } finally {
    server.loading = false;
  }
  // Loading is not a change that needs saving.
  server.dirty = 0;

  server.config.setApplier("appendonly", () => {
    const on = server.config.flag("appendonly");
    if (on && !aof.enabled) {
      try {
        aof.enable();
      } catch (error) {
        throw new ConfigError(`Unable to turn on AOF: ${error}`);
      }
    } else if (!on && aof.enabled) aof.disable();
  });
}

/**
 * Periodic persistence work, run from the server cron: save points,
 * scheduled saves and rewrites, the everysec fsync and automatic rewrites.
 */
export function persistenceCron(server: Server): void {
  const { rdb, aof } = server;
  // Writes no reply followed (active expiry, CLIENT REPLY OFF) are logged here.
  aof.flush();
  aof.syncEverySecond();
  if (!rdb.inProgress && !aof.rewriting) {
    if (aof.rewriteScheduled) {
      aof.rewriteScheduled = false;
      aof.rewrite();
      return;
    }
    rdb.checkSavePoints();
  }
  if (!rdb.inProgress) aof.checkAutoRewrite();
}
