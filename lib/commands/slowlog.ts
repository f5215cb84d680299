/**
 * SLOWLOG GET, LEN, RESET and HELP: the slow log the dispatcher fills
 * (lib/server/slowlog.ts).
 *
 * @module
 */

import { parseIntegerArgument } from "./arguments.ts";
import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import type { CommandSpec } from "./spec.ts";

/** Entries SLOWLOG GET returns without a count. */
const DEFAULT_COUNT = 10;

const SLOWLOG_HELP = [
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
];

function slowlogGet(ctx: CommandContext, args: Uint8Array[]): void {
  const count = args.length === 3
    ? parseIntegerArgument(args[2], {
      min: -1,
      message: "ERR count should be greater than or equal to -1",
    })
    : DEFAULT_COUNT;
  const entries = ctx.server.slowlog.newest(count);
  const reply = ctx.reply;
  reply.array(entries.length);
  for (const entry of entries) {
    reply.array(6);
    reply.integer(entry.id);
    reply.integer(entry.time);
    reply.integer(entry.micros);
    reply.array(entry.args.length);
    for (const arg of entry.args) reply.bulk(arg);
    reply.bulkString(entry.peer);
    reply.bulkString(entry.name);
  }
}

function slowlogLen(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.slowlog.length);
}

function slowlogReset(ctx: CommandContext): void {
  ctx.server.slowlog.reset();
  ctx.reply.ok();
}

const ALL_NODES = "request_policy:all_nodes";

/** SLOWLOG and its subcommands. */
export const SLOWLOG_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "slowlog",
    arity: -2,
    group: "server",
    since: "2.2.12",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "len",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        group: "server",
        since: "2.2.12",
        summary: "Returns the number of entries in the slow log.",
        complexity: "O(1)",
        handler: slowlogLen,
        tips: [ALL_NODES, "response_policy:agg_sum", "nondeterministic_output"],
      }),
      defineCommand({
        name: "get",
        arity: -2,
        flags: ["admin", "loading", "stale"],
        group: "server",
        since: "2.2.12",
        summary: "Returns the slow log's entries.",
        complexity: "O(N) where N is the number of entries returned",
        handler: slowlogGet,
        tips: [ALL_NODES, "nondeterministic_output"],
        history: [[
          "4.0.0",
          "Added client IP address, port and name to the reply.",
        ]],
      }),
      defineCommand({
        name: "reset",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        group: "server",
        since: "2.2.12",
        summary: "Clears all entries from the slow log.",
        complexity: "O(N) where N is the number of entries in the slowlog",
        handler: slowlogReset,
        tips: [ALL_NODES, "response_policy:all_succeeded"],
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, SLOWLOG_HELP),
      }),
    ],
  }),
];
