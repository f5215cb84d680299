/**
 * Persistence commands: SAVE, BGSAVE.
 *
 * @module
 */

import { defineCommand } from "./define.ts";
import { equalsIgnoreCase } from "../util/bytes.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

const IN_PROGRESS = "ERR Background save already in progress";
const REWRITE_IN_PROGRESS =
  "ERR Background append only file rewriting already in progress";
const CHILD_ACTIVE =
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";

function save(ctx: CommandContext): void {
  const rdb = ctx.server.rdb;
  if (rdb.inProgress) throw new CommandError(IN_PROGRESS);
  try {
    rdb.save();
  } catch (error) {
    ctx.server.log.warning(`Failed saving the DB: ${error}`);
    throw new CommandError("ERR");
  }
  ctx.reply.ok();
}

function bgsave(ctx: CommandContext, args: Uint8Array[]): void {
  let schedule = false;
  if (args.length === 2 && equalsIgnoreCase(args[1], "schedule")) {
    schedule = true;
  } else if (args.length > 1) throw new CommandError(Errors.syntax);
  const rdb = ctx.server.rdb;
  if (rdb.inProgress) {
    if (!schedule) throw new CommandError(IN_PROGRESS);
    rdb.bgsaveScheduled = true;
    ctx.reply.simple("Background saving scheduled");
    return;
  }
  if (ctx.server.aof.rewriting) {
    if (!schedule) throw new CommandError(CHILD_ACTIVE);
    rdb.bgsaveScheduled = true;
    ctx.reply.simple("Background saving scheduled");
    return;
  }
  rdb.backgroundSave();
  ctx.reply.simple("Background saving started");
}

function bgrewriteaof(ctx: CommandContext): void {
  const aof = ctx.server.aof;
  if (aof.rewriting) throw new CommandError(REWRITE_IN_PROGRESS);
  if (ctx.server.rdb.inProgress) {
    aof.rewriteScheduled = true;
    ctx.reply.simple("Background append only file rewriting scheduled");
    return;
  }
  aof.rewrite();
  ctx.reply.simple("Background append only file rewriting started");
}

/** Persistence commands. */
export const PERSISTENCE_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "save",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously saves the database to disk.",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: save,
  }),
  defineCommand({
    name: "bgsave",
    arity: -1,
    flags: ["admin", "noscript", "no_async_loading"],
    group: "server",
    since: "1.0.0",
    summary: "Saves the database to disk in the background.",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: bgsave,
  }),
  defineCommand({
    name: "bgrewriteaof",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading"],
    group: "server",
    since: "1.0.0",
    summary: "Rewrites the append-only file asynchronously.",
    complexity: "O(1)",
    handler: bgrewriteaof,
  }),
];
