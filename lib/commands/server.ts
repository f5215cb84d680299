/**
 * Server commands: INFO, TIME, LASTSAVE, SHUTDOWN and MONITOR, and the
 * shutdown sequence that SHUTDOWN and the SIGTERM/SIGINT handlers share.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import type { Server } from "../server/server.ts";
import { equalsIgnoreCase, lowerAscii } from "../util/bytes.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import { infoText } from "./info.ts";
import type { CommandSpec } from "./spec.ts";

/** How a shutdown was asked for (SHUTDOWN's options). */
export interface ShutdownOptions {
  /** Save even without save points (SAVE). */
  save?: boolean;
  /** Do not save (NOSAVE). */
  noSave?: boolean;
  /** Exit even if saving fails (FORCE). */
  force?: boolean;
  /** Do not wait for lagging replicas (NOW). */
  now?: boolean;
}

/** Removes the pid file, if one was written (pidfile directive). */
function removePidFile(server: Server): void {
  const pidfile = server.config.get("pidfile");
  if (pidfile === "") return;
  server.log.notice("Removing the pid file.");
  try {
    Deno.removeSync(pidfile);
  } catch {
    // Already gone: nothing to clean up.
  }
}

/** How a shutdown request went. */
export type ShutdownOutcome = "done" | "failed" | "waiting";

/**
 * Redis's prepareForShutdown: unless NOW (or shutdown-timeout is 0), a
 * master whose replicas have not acknowledged its whole stream pauses
 * writes and waits for them ("waiting": {@linkcode shutdownCron} finishes
 * it); otherwise the shutdown is finished at once.
 */
export function shutdownServer(
  server: Server,
  options: ShutdownOptions = {},
): ShutdownOutcome {
  if (server.pendingShutdown !== null) return "waiting";
  server.log.warning("User requested shutdown...");
  const timeout = server.config.number("shutdown-timeout");
  if (!options.now && timeout > 0 && !server.replication.replicasInSync()) {
    server.pendingShutdown = { options, deadline: Date.now() + timeout * 1000 };
    server.replication.requestAcks();
    server.pause.pauseFor("shutdown");
    server.log.notice("Waiting for replicas before shutting down.");
    return "waiting";
  }
  return finishShutdown(server, options) ? "done" : "failed";
}

/**
 * Finishes a shutdown that waits for replicas, once they caught up or
 * shutdown-timeout passed; called from the server cron.
 */
export function shutdownCron(server: Server): void {
  const pending = server.pendingShutdown;
  if (pending === null) return;
  if (!server.replication.replicasInSync() && Date.now() < pending.deadline) {
    return;
  }
  if (finishShutdown(server, pending.options)) return;
  server.log.warning(
    "Errors trying to shut down the server. Check the logs for more information.",
  );
  endPendingShutdown(server);
}

/** SHUTDOWN ABORT: cancels a shutdown waiting for replicas. */
export function abortShutdown(server: Server): boolean {
  if (server.pendingShutdown === null) return false;
  server.log.notice("Shutdown manually aborted.");
  endPendingShutdown(server);
  return true;
}

/** Resumes writes; clients blocked in SHUTDOWN get its error. */
function endPendingShutdown(server: Server): void {
  server.pendingShutdown = null;
  server.pause.resumeFor("shutdown");
  server.blocking.serveKeyless();
}

/**
 * Redis's finishShutdown: reports lagging replicas, saves the dataset when
 * save points are set (or SAVE was given) unless NOSAVE, removes the pid
 * file and stops the server. Returns false, leaving the server running,
 * when saving fails without FORCE.
 */
function finishShutdown(server: Server, options: ShutdownOptions): boolean {
  const replication = server.replication;
  let lagging = 0;
  const now = Date.now();
  for (const client of replication.replicas) {
    const replica = client.replica!;
    if (replica.ackOffset === replication.offset) continue;
    lagging++;
    const lag = replica.state === "online"
      ? Math.floor((now - replica.ackTime) / 1000)
      : 0;
    server.log.warning(
      `Lagging replica ${replication.replicaAddress(client)} reported offset ${
        replication.offset - replica.ackOffset
      } behind master, lag=${lag}, state=${replica.state}.`,
    );
  }
  if (replication.replicas.length > 0) {
    server.log.notice(
      `${
        replication.replicas.length - lagging
      } of ${replication.replicas.length} replicas are in sync when shutting down.`,
    );
  }
  // Logged commands reach the AOF before the final save, as in Redis.
  server.aof.flush();
  const savePoints = server.config.get("save") !== "";
  if (!options.noSave && (savePoints || options.save)) {
    server.log.notice("Saving the final RDB snapshot before exiting.");
    try {
      server.rdb.save();
    } catch (error) {
      if (!options.force) {
        server.log.warning(`Error trying to save the DB, can't exit.`);
        return false;
      }
      server.log.warning(
        `Error trying to save the DB (${error}), exit anyway.`,
      );
    }
  }
  server.aof.close();
  removePidFile(server);
  server.onShutdown?.();
  return true;
}

function info(ctx: CommandContext, args: Uint8Array[]): void {
  const sections = args.slice(1).map((a) => lowerAscii(a));
  ctx.reply.verbatim(infoText(ctx.server, sections));
}

function time(ctx: CommandContext): void {
  const micros = Math.floor(
    (performance.timeOrigin + performance.now()) * 1000,
  );
  ctx.reply.array(2);
  ctx.reply.bulkString(String(Math.floor(micros / 1_000_000)));
  ctx.reply.bulkString(String(micros % 1_000_000));
}

function lastsave(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.lastSave);
}

function shutdown(ctx: CommandContext, args: Uint8Array[]): void {
  const options: ShutdownOptions = {};
  let abort = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (equalsIgnoreCase(arg, "nosave")) options.noSave = true;
    else if (equalsIgnoreCase(arg, "save")) options.save = true;
    else if (equalsIgnoreCase(arg, "now")) options.now = true;
    else if (equalsIgnoreCase(arg, "force")) options.force = true;
    else if (equalsIgnoreCase(arg, "abort")) abort = true;
    else throw new CommandError(Errors.syntax);
  }
  const flagged = options.noSave || options.save || options.force ||
    options.now;
  if ((abort && flagged) || (options.noSave && options.save)) {
    throw new CommandError(Errors.syntax);
  }
  const server = ctx.server;
  if (abort) {
    if (!abortShutdown(server)) {
      throw new CommandError("ERR No shutdown in progress.");
    }
    ctx.reply.ok();
    return;
  }
  const outcome = shutdownServer(server, options);
  if (outcome === "failed") {
    throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
  }
  if (outcome === "done" || ctx.client.inTransaction) return;
  // Waiting for replicas: the client gets no reply if the server exits, and
  // the error if the shutdown fails or is aborted.
  server.blocking.block(ctx, {
    dbIndex: ctx.client.dbIndex,
    keys: [],
    tryServe(ctx) {
      if (ctx.server.pendingShutdown !== null) return false;
      const message = "ERR Errors trying to SHUTDOWN. Check logs.";
      ctx.server.stats.countError(message);
      ctx.reply.error(message);
      return true;
    },
    timedOut() {},
  }, 0);
}

/**
 * MONITOR: from now on the client gets a line for every command the server
 * runs. Like Redis, a client that must get one reply per command (inside
 * EXEC) cannot, and a second MONITOR is ignored without a reply.
 */
function monitor(ctx: CommandContext): void {
  if (ctx.client.inTransaction) {
    throw new CommandError(
      "ERR MONITOR isn't allowed for DENY BLOCKING client",
    );
  }
  if (ctx.server.monitors.add(ctx.client)) ctx.reply.ok();
}

/** Server administration and introspection commands. */
export const SERVER_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    group: "server",
    since: "1.0.0",
    summary: "Streams every command the server runs, as it runs it.",
    complexity: "O(1)",
    handler: monitor,
  }),
  defineCommand({
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    categories: ["dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Reports server information and statistics.",
    complexity: "O(1)",
    handler: info,
    tips: [
      "nondeterministic_output",
      "request_policy:all_shards",
      "response_policy:special",
    ],
  }),
  defineCommand({
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "2.6.0",
    summary: "Reports the server's clock.",
    complexity: "O(1)",
    handler: time,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    categories: ["admin", "dangerous"],
    group: "server",
    since: "1.0.0",
    summary: "Reports when the dataset was last saved to disk.",
    complexity: "O(1)",
    handler: lastsave,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    group: "server",
    since: "1.0.0",
    summary: "Optionally saves the dataset, then stops the server.",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    handler: shutdown,
  }),
];
