/**
 * LATENCY LATEST, HISTORY, RESET and HELP: the latency monitor the
 * dispatcher and the cron feed (lib/server/latency.ts).
 *
 * @module
 */

import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { defineCommand } from "./define.ts";
import type { CommandSpec } from "./spec.ts";
import { bytesToString } from "../util/bytes.ts";

const LATENCY_HELP = [
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "GRAPH <event>",
  "    Return an ASCII latency graph for the <event> class.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
];

function latencyLatest(ctx: CommandContext): void {
  const events = [...ctx.server.latency.events()];
  const reply = ctx.reply;
  reply.array(events.length);
  for (const [name, event] of events) {
    const last = event.samples.at(-1)!;
    reply.array(4);
    reply.bulkString(name);
    reply.integer(last.time);
    reply.integer(last.latency);
    reply.integer(event.max);
  }
}

function latencyHistory(ctx: CommandContext, args: Uint8Array[]): void {
  const event = ctx.server.latency.event(bytesToString(args[2]));
  const samples = event?.samples ?? [];
  const reply = ctx.reply;
  reply.array(samples.length);
  for (const sample of samples) {
    reply.array(2);
    reply.integer(sample.time);
    reply.integer(sample.latency);
  }
}

function latencyReset(ctx: CommandContext, args: Uint8Array[]): void {
  const names = args.slice(2).map(bytesToString);
  ctx.reply.integer(ctx.server.latency.reset(names));
}

/** LATENCY and the subcommands implemented so far. */
export const LATENCY_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "latency",
    arity: -2,
    group: "server",
    since: "2.8.13",
    summary: "A container for latency diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "latest",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Returns the latest latency samples for all events.",
        complexity: "O(1)",
        handler: latencyLatest,
        tips: [
          "nondeterministic_output",
          "request_policy:all_nodes",
          "response_policy:special",
        ],
      }),
      defineCommand({
        name: "history",
        arity: 3,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Returns timestamp-latency samples for an event.",
        complexity: "O(1)",
        handler: latencyHistory,
        tips: [
          "nondeterministic_output",
          "request_policy:all_nodes",
          "response_policy:special",
        ],
      }),
      defineCommand({
        name: "reset",
        arity: -2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Resets the latency data for one or more events.",
        complexity: "O(1)",
        handler: latencyReset,
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, LATENCY_HELP),
      }),
    ],
  }),
];
