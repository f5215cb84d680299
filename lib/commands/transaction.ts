/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * The dispatcher queues a MULTI client's commands (replying +QUEUED) and
 * marks the transaction dirty when it rejects one; EXEC then runs the queue
 * with nothing from other clients in between, or fails when a rejected
 * command or a change to a watched key makes it so. Queued commands run
 * through the dispatcher's execution path like any other.
 *
 * @module
 */

import {
  changedPermissionError,
  checkPermission,
  logPermissionDenial,
} from "./acl.ts";
import { defineCommand, keyRange } from "./define.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { bytesToString } from "../util/bytes.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

/** Ends a transaction without running it and forgets the watched keys. */
export function discardTransaction(server: Server, client: Client): void {
  client.multiQueue = null;
  client.dirtyExec = false;
  client.dirtyCas = false;
  server.watches.unwatchAll(client);
}

function multi(ctx: CommandContext): void {
  if (ctx.client.multiQueue !== null) {
    throw new CommandError("ERR MULTI calls can not be nested");
  }
  ctx.client.multiQueue = [];
  ctx.reply.ok();
}

function discard(ctx: CommandContext): void {
  if (ctx.client.multiQueue === null) {
    throw new CommandError("ERR DISCARD without MULTI");
  }
  discardTransaction(ctx.server, ctx.client);
  ctx.reply.ok();
}

function exec(ctx: CommandContext): void {
  const client = ctx.client;
  const server = ctx.server;
  const queue = client.multiQueue;
  if (queue === null) throw new CommandError("ERR EXEC without MULTI");
  // A watched key may have expired without anything deleting it yet.
  if (
    !client.dirtyCas &&
    server.watches.anyExpired(client, server.keyspace.databases, ctx.now)
  ) {
    client.dirtyCas = true;
  }
  if (client.dirtyExec) {
    discardTransaction(server, client);
    throw new CommandError(EXECABORT);
  }
  if (client.dirtyCas) {
    discardTransaction(server, client);
    ctx.reply.nullArray();
    return;
  }
  discardTransaction(server, client);
  client.inTransaction = true;
  try {
    ctx.reply.array(queue.length);
    const dispatcher = ctx.dispatcher;
    for (const args of queue) {
      const spec = dispatcher.specOf(args)!;
      // Checked again: the rules may have changed since it was queued.
      const denial = checkPermission(client.user, spec, args);
      if (denial === null) dispatcher.call(ctx, spec, args);
      else {
        // Logged as Redis logs it, with the client still shown in MULTI.
        client.multiQueue = queue;
        logPermissionDenial(ctx, spec, args, denial, { context: "multi" });
        client.multiQueue = null;
        const message = changedPermissionError(denial);
        server.stats.countError(message);
        ctx.reply.error(message);
      }
    }
  } finally {
    client.inTransaction = false;
  }
  // EXEC itself is not propagated: its commands' effects are, together
  // (the propagator wraps several in MULTI/EXEC).
  ctx.propagated = [];
}

function watch(ctx: CommandContext, args: Uint8Array[]): void {
  const client = ctx.client;
  if (client.multiQueue !== null) {
    throw new CommandError("ERR WATCH inside MULTI is not allowed");
  }
  // Once dirty, EXEC fails whatever else is watched.
  if (!client.dirtyCas) {
    const db = ctx.db;
    for (let i = 1; i < args.length; i++) {
      ctx.server.watches.watch(client, db, bytesToString(args[i]), ctx.now);
    }
  }
  ctx.reply.ok();
}

function unwatch(ctx: CommandContext): void {
  ctx.server.watches.unwatchAll(ctx.client);
  ctx.client.dirtyCas = false;
  ctx.reply.ok();
}

/** Transaction commands. */
export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "multi",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    categories: ["transaction"],
    group: "transactions",
    since: "1.2.0",
    summary: "Starts a transaction: later commands are queued until EXEC.",
    complexity: "O(1)",
    handler: multi,
  }),
  defineCommand({
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    categories: ["transaction"],
    group: "transactions",
    since: "1.2.0",
    summary: "Runs the commands queued since MULTI, all at once.",
    complexity: "Depends on commands in the transaction",
    handler: exec,
  }),
  defineCommand({
    name: "discard",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    categories: ["transaction"],
    group: "transactions",
    since: "2.0.0",
    summary: "Drops the commands queued since MULTI.",
    complexity: "O(N), when N is the number of queued commands",
    handler: discard,
  }),
  defineCommand({
    name: "watch",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    keySpecs: [keyRange(["RO"], 1, { lastKey: -1 })],
    categories: ["transaction"],
    group: "transactions",
    since: "2.2.0",
    summary:
      "Makes the next EXEC fail if any of the given keys changes before it.",
    complexity: "O(1) for every key.",
    handler: watch,
  }),
  defineCommand({
    name: "unwatch",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    categories: ["transaction"],
    group: "transactions",
    since: "2.2.0",
    summary: "Stops watching every key watched by this connection.",
    complexity: "O(1)",
    handler: unwatch,
  }),
];
