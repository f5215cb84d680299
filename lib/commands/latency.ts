/**
 * LATENCY: the latency monitor the dispatcher and the cron feed
 * (lib/server/latency.ts), and the per-command latency histograms
 * (lib/server/latency_histogram.ts).
 *
 * @module
 */

import { lookupByFullName, replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import { defineCommand } from "./define.ts";
import type { CommandSpec } from "./spec.ts";
import { bytesToString } from "../util/bytes.ts";
import { latencyGraph, latencyReport } from "../server/latency.ts";
import type { LatencyHistogram } from "../server/latency_histogram.ts";

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

function latencyGraphCommand(ctx: CommandContext, args: Uint8Array[]): void {
  const name = bytesToString(args[2]);
  const event = ctx.server.latency.event(name);
  if (event === undefined) {
    throw new CommandError(`ERR No samples available for event '${name}'`);
  }
  ctx.reply.verbatim(latencyGraph(name, event));
}

function latencyDoctor(ctx: CommandContext): void {
  const config = ctx.server.config;
  ctx.reply.verbatim(latencyReport(ctx.server.latency, {
    threshold: config.number("latency-monitor-threshold"),
    slowlogSlowerThan: config.number("slowlog-log-slower-than"),
    fsyncAlways: config.get("appendfsync") === "always",
    hz: config.number("hz"),
  }));
}

/** A command's histogram as LATENCY HISTOGRAM shows it. */
function writeHistogram(ctx: CommandContext, histogram: LatencyHistogram) {
  const reply = ctx.reply;
  reply.map(2);
  reply.bulkString("calls");
  reply.integer(histogram.count);
  reply.bulkString("histogram_usec");
  const buckets = histogram.cumulativeBuckets();
  reply.map(buckets.length);
  for (const [micros, count] of buckets) {
    reply.integer(micros);
    reply.integer(count);
  }
}

function latencyHistogram(ctx: CommandContext, args: Uint8Array[]): void {
  const stats = ctx.server.stats.commands;
  const found: [string, LatencyHistogram][] = [];
  const add = (spec: CommandSpec) => {
    const histogram = stats.get(spec.fullName)?.histogram;
    if (histogram) found.push([spec.fullName, histogram]);
  };
  // A container command brings its subcommands, as in Redis; a name given
  // twice is answered twice.
  const addWithSubcommands = (spec: CommandSpec) => {
    add(spec);
    for (const sub of spec.subcommands ?? []) add(sub);
  };
  if (args.length === 2) {
    for (const spec of ctx.server.commands.all()) addWithSubcommands(spec);
  } else {
    for (const name of args.slice(2)) {
      const spec = lookupByFullName(ctx, name);
      if (spec !== undefined) addWithSubcommands(spec);
    }
  }
  ctx.reply.map(found.length);
  for (const [name, histogram] of found) {
    ctx.reply.bulkString(name);
    writeHistogram(ctx, histogram);
  }
}

function latencyReset(ctx: CommandContext, args: Uint8Array[]): void {
  const names = args.slice(2).map(bytesToString);
  ctx.reply.integer(ctx.server.latency.reset(names));
}

/** LATENCY and its subcommands. */
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
        name: "doctor",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Return a human readable latency analysis report.",
        complexity: "O(1)",
        handler: latencyDoctor,
        tips: [
          "nondeterministic_output",
          "request_policy:all_nodes",
          "response_policy:special",
        ],
      }),
      defineCommand({
        name: "graph",
        arity: 3,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "2.8.13",
        summary: "Return a latency graph for the event.",
        complexity: "O(1)",
        handler: latencyGraphCommand,
        tips: [
          "nondeterministic_output",
          "request_policy:all_nodes",
          "response_policy:special",
        ],
      }),
      defineCommand({
        name: "histogram",
        arity: -2,
        flags: ["admin", "noscript", "loading", "stale"],
        group: "server",
        since: "7.0.0",
        summary:
          "Return the cumulative distribution of latencies of a subset of commands or all.",
        complexity:
          "O(N) where N is the number of commands with latency information being retrieved.",
        handler: latencyHistogram,
        tips: [
          "nondeterministic_output",
          "request_policy:all_nodes",
          "response_policy:special",
        ],
      }),
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
