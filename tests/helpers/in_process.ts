/**
 * Our server's state and dispatcher in the test's own process, with no
 * network: for what a client cannot see (key-change events, internal
 * state) or quick protocol checks.
 *
 * @module
 */

import { Config } from "../../lib/config/config.ts";
import type { Dispatcher } from "../../lib/commands/dispatch.ts";
import type { Client } from "../../lib/server/client.ts";
import type { Server } from "../../lib/server/server.ts";
import { createServerCore } from "../../lib/server/start.ts";
import { setUpPersistence } from "../../lib/persistence/setup.ts";
import type { PropagatedCommand } from "../../lib/server/propagator.ts";
import { binary, latin1, text } from "./bytes.ts";

/** A server in this process and its first client. */
export interface InProcessServer {
  /** Runs a command (binary-string arguments) as `client`; returns the reply. */
  run(...args: string[]): string;
  /**
   * Sends a command as `other`, as its connection would (queued while it is
   * blocked); returns what `other` received.
   */
  runAs(other: Client, ...args: string[]): string;
  /** What `other` has received and not yet been taken, as a binary string. */
  take(other: Client): string;
  /** Adds a client (created now, so it sees the current requirepass). */
  connect(): Client;
  /** Key-change events so far: "<class> <event> <key>" (see `eventDb`). */
  readonly events: string[];
  readonly client: Client;
  readonly server: Server;
  readonly dispatcher: Dispatcher;
}

/** How to create an {@linkcode InProcessServer}. */
export interface InProcessOptions {
  /** The server's `dir` (default: the current directory). */
  dir?: string;
  /** Directives to set before the server is created, as with CONFIG SET. */
  config?: Record<string, string>;
  /** Record events as "<class> <event> <db>:<key>". */
  eventDb?: boolean;
  /**
   * Load the dataset from `dir` and open the AOF as start-up does
   * (default: nothing is loaded or written).
   */
  persistence?: boolean;
}

/**
 * Creates a server in this process (default config but `options.config`)
 * with one client; nothing listens, and nothing is loaded unless
 * `options.persistence` says so.
 */
export function inProcess(options: InProcessOptions = {}): InProcessServer {
  const config = new Config(options.dir ?? Deno.cwd());
  for (const [name, value] of Object.entries(options.config ?? {})) {
    config.set(name, value);
  }
  const { server, dispatcher } = createServerCore(config);
  if (options.persistence) setUpPersistence(server, dispatcher);
  let clients = 0;
  const connect = () =>
    server.addClient(`127.0.0.1:${++clients}`, "127.0.0.1:2", {
      flush() {},
      close() {},
    });
  const client = connect();
  const events: string[] = [];
  server.keyChangeListeners.push((db, key, eventClass, event) =>
    events.push(
      `${eventClass} ${event} ${options.eventDb ? `${db.id}:` : ""}${key}`,
    )
  );
  const take = (other: Client) => other.reply.take().map(latin1).join("");
  const runAs = (other: Client, ...args: string[]) => {
    dispatcher.receive(other, args.map(binary));
    return take(other);
  };
  return {
    run: (...args) => runAs(client, ...args),
    runAs,
    take,
    connect,
    events,
    client,
    server,
    dispatcher,
  };
}

/**
 * Records every command `server` propagates from now on, as
 * "<db>:<ARGS joined by spaces>" (db -1 for EXEC).
 */
export function recordPropagation(server: InProcessServer): string[] {
  const fed: string[] = [];
  server.server.propagator.addTarget({
    feed(dbIndex: number, command: PropagatedCommand) {
      const words = command.map((arg) =>
        typeof arg === "string" ? arg : text(arg)
      );
      fed.push(`${dbIndex}:${words.join(" ")}`);
    },
  });
  return fed;
}
