/**
 * Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB.
 *
 * Subscription state and delivery live in lib/server/pubsub.ts; the
 * dispatcher enforces RESP2's subscribed mode.
 *
 * @module
 */

import type { SubscriptionKind } from "../server/pubsub.ts";
import { bytesToString } from "../util/bytes.ts";
import { replyHelp } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import type { CommandFlag, CommandSpec, KeySpec } from "./spec.ts";

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
      throw new CommandError(
        `ERR unknown subcommand or wrong number of arguments for '${
          bytesToString(args[1])
        }'. Try PUBSUB HELP.`,
      );
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

/** Shard channel names sit where keys would, but are not keys. */
function shardKeySpec(lastKey: number): KeySpec[] {
  return [{
    flags: ["not_key"],
    beginSearch: { type: "index", index: 1 },
    findKeys: { type: "range", lastKey, keyStep: 1, limit: 0 },
  }];
}

const SUBSCRIBE_FLAGS: CommandFlag[] = [
  "pubsub",
  "noscript",
  "loading",
  "stale",
];
const PUBSUB_FLAGS: CommandFlag[] = ["pubsub", "loading", "stale"];

/** A PUBSUB subcommand. */
function pubsubSub(
  name: string,
  arity: number,
  summary: string,
  complexity: string,
  handler: CommandSpec["handler"],
  flags: CommandFlag[] = PUBSUB_FLAGS,
): CommandSpec {
  return {
    name,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: name.startsWith("shard")
      ? "7.0.0"
      : name === "help"
      ? "6.2.0"
      : "2.8.0",
    summary,
    complexity,
    handler,
  };
}

/** Pub/Sub commands. */
export const PUBSUB_COMMANDS: readonly CommandSpec[] = [
  {
    name: "subscribe",
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.0.0",
    summary: "Listens for messages published on the given channels.",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    handler: subscriber("channel"),
  },
  {
    name: "unsubscribe",
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stops listening on the given channels, or on all of them.",
    complexity:
      "O(N) where N is the number of clients already subscribed to a channel.",
    handler: unsubscriber("channel"),
  },
  {
    name: "psubscribe",
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.0.0",
    summary:
      "Listens for messages on every channel matching the given patterns.",
    complexity:
      "O(N) where N is the number of patterns the client is already subscribed to.",
    handler: subscriber("pattern"),
  },
  {
    name: "punsubscribe",
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.0.0",
    summary: "Stops listening on the given patterns, or on all of them.",
    complexity:
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    handler: unsubscriber("pattern"),
  },
  {
    name: "ssubscribe",
    arity: -2,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 1,
    lastKey: -1,
    step: 1,
    categories: [],
    group: "pubsub",
    since: "7.0.0",
    summary: "Listens for messages published on the given shard channels.",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    handler: subscriber("shard"),
    keySpecs: shardKeySpec(-1),
  },
  {
    name: "sunsubscribe",
    arity: -1,
    flags: SUBSCRIBE_FLAGS,
    firstKey: 1,
    lastKey: -1,
    step: 1,
    categories: [],
    group: "pubsub",
    since: "7.0.0",
    summary: "Stops listening on the given shard channels, or on all of them.",
    complexity:
      "O(N) where N is the number of clients already subscribed to a shard channel.",
    handler: unsubscriber("shard"),
    keySpecs: shardKeySpec(-1),
  },
  {
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.0.0",
    summary: "Sends a message to the subscribers of a channel.",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    handler: publish,
  },
  {
    name: "spublish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: [],
    group: "pubsub",
    since: "7.0.0",
    summary: "Sends a message to the subscribers of a shard channel.",
    complexity:
      "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    handler: spublish,
    keySpecs: shardKeySpec(0),
  },
  {
    name: "pubsub",
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    categories: [],
    group: "pubsub",
    since: "2.8.0",
    summary: "Inspects the state of the Pub/Sub subsystem.",
    complexity: "Depends on subcommand.",
    subcommands: [
      pubsubSub(
        "channels",
        -2,
        "Lists the channels that have subscribers.",
        "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        listChannels("channel"),
      ),
      pubsubSub(
        "numsub",
        -2,
        "Counts the subscribers of the given channels.",
        "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        countSubscribers("channel"),
      ),
      pubsubSub(
        "numpat",
        2,
        "Counts the patterns subscribed to.",
        "O(1)",
        numpat,
      ),
      pubsubSub(
        "shardchannels",
        -2,
        "Lists the shard channels that have subscribers.",
        "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        listChannels("shard"),
      ),
      pubsubSub(
        "shardnumsub",
        -2,
        "Counts the subscribers of the given shard channels.",
        "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        countSubscribers("shard"),
      ),
      pubsubSub(
        "help",
        2,
        "Describes the PUBSUB subcommands.",
        "O(1)",
        (ctx, args) => replyHelp(ctx, args, PUBSUB_HELP),
        ["loading", "stale"],
      ),
    ],
  },
];
