/**
 * Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB.
 *
 * Subscription state and delivery live in lib/server/pubsub.ts; the
 * dispatcher enforces RESP2's subscribed mode.
 *
 * @module
 */

import { defineCommand, keyRange } from "./define.ts";
import type { SubscriptionKind } from "../server/pubsub.ts";
import { bytesToString } from "../util/bytes.ts";
import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, Errors } from "./errors.ts";
import type { CommandSpec } from "./spec.ts";

function subscriber(kind: SubscriptionKind) {
  return (ctx: CommandContext, args: Uint8Array[]): void => {
    for (let i = 1; i < args.length; i++) {
      ctx.server.pubsub.subscribe(ctx.client, kind, bytesToString(args[i]));
    }
  };
}

function unsubscriber(kind: SubscriptionKind) {
  return (ctx: CommandContext, args: Uint8Array[]): void => {
    const names = args.slice(1).map(bytesToString);
    ctx.server.pubsub.unsubscribe(ctx.client, kind, names);
  };
}

function publish(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.integer(ctx.server.pubsub.publish(args[1], args[2], ctx.now));
}

function spublish(ctx: CommandContext, args: Uint8Array[]): void {
  ctx.reply.integer(ctx.server.pubsub.publishShard(args[1], args[2], ctx.now));
}

/** CHANNELS and SHARDCHANNELS: active channels, optionally matching a pattern. */
function listChannels(kind: "channel" | "shard") {
  return (ctx: CommandContext, args: Uint8Array[]): void => {
    if (args.length > 3) {
      throw new CommandError(Errors.subcommandSyntax(args));
    }
    const pattern = args.length === 3 ? bytesToString(args[2]) : null;
    ctx.reply.stringArray(ctx.server.pubsub.activeChannels(kind, pattern));
  };
}

/** NUMSUB and SHARDNUMSUB: each channel with its subscriber count. */
function countSubscribers(kind: "channel" | "shard") {
  return (ctx: CommandContext, args: Uint8Array[]): void => {
    const reply = ctx.reply;
    reply.array((args.length - 2) * 2);
    for (let i = 2; i < args.length; i++) {
      const name = bytesToString(args[i]);
      reply.bulkString(name);
      reply.integer(ctx.server.pubsub.subscriberCount(kind, name));
    }
  };
}

function numpat(ctx: CommandContext): void {
  ctx.reply.integer(ctx.server.pubsub.patternCount);
}

const PUBSUB_HELP = [
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
];

/** Pub/Sub commands. */
export const PUBSUB_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "subscribe",
    arity: -2,
    flags: ["pubsub", "noscript", "loading", "stale"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Listens for messages published on the given channels.",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    handler: subscriber("channel"),
  }),
  defineCommand({
    name: "unsubscribe",
    arity: -1,
    flags: ["pubsub", "noscript", "loading", "stale"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stops listening on the given channels, or on all of them.",
    complexity:
      "O(N) where N is the number of clients already subscribed to a channel.",
    handler: unsubscriber("channel"),
  }),
  defineCommand({
    name: "psubscribe",
    arity: -2,
    flags: ["pubsub", "noscript", "loading", "stale"],
    group: "pubsub",
    since: "2.0.0",
    summary:
      "Listens for messages on every channel matching the given patterns.",
    complexity:
      "O(N) where N is the number of patterns the client is already subscribed to.",
    handler: subscriber("pattern"),
  }),
  defineCommand({
    name: "punsubscribe",
    arity: -1,
    flags: ["pubsub", "noscript", "loading", "stale"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stops listening on the given patterns, or on all of them.",
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    handler: unsubscriber("pattern"),
  }),
  defineCommand({
    name: "ssubscribe",
    arity: -2,
    flags: ["pubsub", "noscript", "loading", "stale"],
    keySpecs: [keyRange(["not_key"], 1, { lastKey: -1 })],
    group: "pubsub",
    since: "7.0.0",
    summary: "Listens for messages published on the given shard channels.",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    handler: subscriber("shard"),
  }),
  defineCommand({
    name: "sunsubscribe",
    arity: -1,
    flags: ["pubsub", "noscript", "loading", "stale"],
    keySpecs: [keyRange(["not_key"], 1, { lastKey: -1 })],
    group: "pubsub",
    since: "7.0.0",
    summary: "Stops listening on the given shard channels, or on all of them.",
    complexity:
      "O(N) where N is the number of clients already subscribed to a shard channel.",
    handler: unsubscriber("shard"),
  }),
  defineCommand({
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Sends a message to the subscribers of a channel.",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    handler: publish,
  }),
  defineCommand({
    name: "spublish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    keySpecs: [keyRange(["not_key"], 1)],
    group: "pubsub",
    since: "7.0.0",
    summary: "Sends a message to the subscribers of a shard channel.",
    complexity:
      "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    handler: spublish,
  }),
  defineCommand({
    name: "pubsub",
    arity: -2,
    group: "pubsub",
    since: "2.8.0",
    summary: "Inspects the state of the Pub/Sub subsystem.",
    complexity: "Depends on subcommand.",
    subcommands: [
      defineCommand({
        name: "channels",
        arity: -2,
        flags: ["pubsub", "loading", "stale"],
        group: "pubsub",
        since: "2.8.0",
        summary: "Lists the channels that have subscribers.",
        complexity:
          "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        handler: listChannels("channel"),
      }),
      defineCommand({
        name: "numsub",
        arity: -2,
        flags: ["pubsub", "loading", "stale"],
        group: "pubsub",
        since: "2.8.0",
        summary: "Counts the subscribers of the given channels.",
        complexity:
          "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        handler: countSubscribers("channel"),
      }),
      defineCommand({
        name: "numpat",
        arity: 2,
        flags: ["pubsub", "loading", "stale"],
        group: "pubsub",
        since: "2.8.0",
        summary: "Counts the patterns subscribed to.",
        complexity: "O(1)",
        handler: numpat,
      }),
      defineCommand({
        name: "shardchannels",
        arity: -2,
        flags: ["pubsub", "loading", "stale"],
        group: "pubsub",
        since: "7.0.0",
        summary: "Lists the shard channels that have subscribers.",
        complexity:
          "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        handler: listChannels("shard"),
      }),
      defineCommand({
        name: "shardnumsub",
        arity: -2,
        flags: ["pubsub", "loading", "stale"],
        group: "pubsub",
        since: "7.0.0",
        summary: "Counts the subscribers of the given shard channels.",
        complexity:
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        handler: countSubscribers("shard"),
      }),
      defineCommand({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "pubsub",
        since: "6.2.0",
        summary: "Describes the PUBSUB subcommands.",
        complexity: "O(1)",
        handler: (ctx, args) => replyHelp(ctx, args, PUBSUB_HELP),
      }),
    ],
  }),
];
