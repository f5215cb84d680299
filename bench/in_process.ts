/**
 * A server of this process for the microbenchmarks: its core (no network)
 * and one client whose replies are taken as a connection would write them.
 *
 * @module
 */

import { Config } from "../lib/config/config.ts";
import type { Dispatcher } from "../lib/commands/dispatch.ts";
import type { Client } from "../lib/server/client.ts";
import type { Server } from "../lib/server/server.ts";
import { createServerCore } from "../lib/server/start.ts";

/** A server core, its client, and a way to run a pipelined read. */
export interface InProcessServer {
  /** The server's state. */
  readonly server: Server;
  /** Its one execution path. */
  readonly dispatcher: Dispatcher;
  /** A client with no connection behind it. */
  readonly client: Client;
  /**
   * Runs `commands` as one pipelined read would, drops the replies, and
   * ends with a microtask turn, where the dispatcher charges the batch's
   * statistics.
   */
  run(commands: Uint8Array[][]): Promise<void>;
}

/**
 * Creates a server core with the default configuration. Its used memory
 * counts the process's heap at this moment as its own start-up heap.
 */
export function inProcessServer(): InProcessServer {
  const { server, dispatcher } = createServerCore(new Config(Deno.cwd()));
  const client = server.addClient("127.0.0.1:1", "127.0.0.1:2", {
    flush() {},
    close() {},
  });
  return {
    server,
    dispatcher,
    client,
    async run(commands) {
      for (const args of commands) dispatcher.receive(client, args);
      client.reply.take();
      await Promise.resolve();
    },
  };
}
