/**
 * Pub/Sub state: which clients are subscribed to which channels, patterns
 * and shard channels, and delivery of published messages to them.
 *
 * Each client's own subscriptions live in its Client sets (channels,
 * patterns, shardChannels); this module keeps the reverse index. Messages are
 * written to the subscriber's reply writer, flushed, and checked against
 * client-output-buffer-limit so a subscriber that does not read is dropped.
 *
 * @module
 */

import type { ReplyWriter } from "../resp/encoder.ts";
import { globMatch } from "../store/glob.ts";
import type { Client } from "./client.ts";
import type { OutputLimits } from "./output_limit.ts";

/** A channel name or message: bytes, or a binary string (one char per byte). */
export type Payload = Uint8Array | string;

/** The three subscription kinds, with the words Redis uses in their replies. */
export type SubscriptionKind = "channel" | "pattern" | "shard";

const SUBSCRIBE_WORDS: Record<SubscriptionKind, [string, string]> = {
  channel: ["subscribe", "unsubscribe"],
  pattern: ["psubscribe", "punsubscribe"],
  shard: ["ssubscribe", "sunsubscribe"],
};

function writePayload(reply: ReplyWriter, value: Payload): void {
  if (typeof value === "string") reply.bulkString(value);
  else reply.bulk(value);
}

/** Total number of subscriptions of a client (it is in subscribed mode when > 0). */
export function subscriptionCount(client: Client): number {
  return client.channels.size + client.patterns.size +
    client.shardChannels.size;
}

/** The subscriptions of one kind held by a client. */
function clientSet(client: Client, kind: SubscriptionKind): Set<string> {
  if (kind === "channel") return client.channels;
  if (kind === "pattern") return client.patterns;
  return client.shardChannels;
}

/**
 * The count a (un)subscribe reply carries: channels plus patterns, or the
 * shard channels alone for SSUBSCRIBE/SUNSUBSCRIBE, as in Redis 7.0.
 */
function replyCount(client: Client, kind: SubscriptionKind): number {
  return kind === "shard"
    ? client.shardChannels.size
    : client.channels.size + client.patterns.size;
}

/** Server-wide subscription index and message delivery. */
export class PubSub {
  /** Subscribers of each kind, per channel or pattern, in subscription order. */
  readonly #index: Record<SubscriptionKind, Map<string, Set<Client>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };

  /** Creates the index; delivered messages are checked against `limits`. */
  constructor(readonly limits: OutputLimits) {}

  /** Subscribes `client` to `name` and writes the confirmation. */
  subscribe(client: Client, kind: SubscriptionKind, name: string): void {
    const own = clientSet(client, kind);
    if (!own.has(name)) {
      own.add(name);
      const index = this.#index[kind];
      let clients = index.get(name);
      if (clients === undefined) index.set(name, clients = new Set());
      clients.add(client);
    }
    this.#confirm(client, SUBSCRIBE_WORDS[kind][0], name, kind);
  }

  /**
   * Unsubscribes `client` from `names`, or from every subscription of the
   * kind when `names` is empty, writing one confirmation per name (a null
   * name when there was nothing to leave).
   */
  unsubscribe(
    client: Client,
    kind: SubscriptionKind,
    names: readonly string[],
  ): void {
    const word = SUBSCRIBE_WORDS[kind][1];
    if (names.length === 0) {
      const own = clientSet(client, kind);
      if (own.size === 0) {
        this.#confirm(client, word, null, kind);
        return;
      }
      for (const name of [...own]) {
        this.#remove(client, kind, name);
        this.#confirm(client, word, name, kind);
      }
      return;
    }
    for (const name of names) {
      this.#remove(client, kind, name);
      this.#confirm(client, word, name, kind);
    }
  }

  /** Drops every subscription of `client` silently (disconnect, RESET). */
  removeClient(client: Client): void {
    for (const kind of ["channel", "pattern", "shard"] as const) {
      for (const name of [...clientSet(client, kind)]) {
        this.#remove(client, kind, name);
      }
    }
  }

  #remove(client: Client, kind: SubscriptionKind, name: string): void {
    if (!clientSet(client, kind).delete(name)) return;
    const index = this.#index[kind];
    const clients = index.get(name)!;
    clients.delete(client);
    if (clients.size === 0) index.delete(name);
  }

  #confirm(
    client: Client,
    word: string,
    name: string | null,
    kind: SubscriptionKind,
  ): void {
    const reply = client.reply;
    reply.push(3);
    reply.bulkString(word);
    if (name === null) reply.nullBulk();
    else reply.bulkString(name);
    reply.integer(replyCount(client, kind));
  }

  /**
   * Delivers a message published on `channel` to its subscribers and to the
   * clients whose patterns match it; returns the number of receivers.
   */
  publish(channel: string, message: Payload, now: number): number {
    let receivers = 0;
    const subscribers = this.#index.channel.get(channel);
    if (subscribers !== undefined) {
      for (const client of subscribers) {
        const reply = client.reply;
        reply.push(3);
        reply.bulkString("message");
        reply.bulkString(channel);
        writePayload(reply, message);
        this.#delivered(client, now);
        receivers++;
      }
    }
    for (const [pattern, clients] of this.#index.pattern) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) {
        const reply = client.reply;
        reply.push(4);
        reply.bulkString("pmessage");
        reply.bulkString(pattern);
        reply.bulkString(channel);
        writePayload(reply, message);
        this.#delivered(client, now);
        receivers++;
      }
    }
    return receivers;
  }

  /** Delivers a message published on shard channel `channel` (SPUBLISH). */
  publishShard(channel: string, message: Payload, now: number): number {
    const subscribers = this.#index.shard.get(channel);
    if (subscribers === undefined) return 0;
    let receivers = 0;
    for (const client of subscribers) {
      const reply = client.reply;
      reply.push(3);
      reply.bulkString("smessage");
      reply.bulkString(channel);
      writePayload(reply, message);
      this.#delivered(client, now);
      receivers++;
    }
    return receivers;
  }

  #delivered(client: Client, now: number): void {
    if (!this.limits.check(client, now)) client.transport.flush();
  }

  /** Channels (or shard channels) with at least one subscriber, matching `pattern` if given. */
  activeChannels(kind: "channel" | "shard", pattern: string | null): string[] {
    const names: string[] = [];
    for (const name of this.#index[kind].keys()) {
      if (pattern === null || globMatch(pattern, name)) names.push(name);
    }
    return names;
  }

  /** Number of subscribers of a channel or shard channel (patterns excluded). */
  subscriberCount(kind: "channel" | "shard", name: string): number {
    return this.#index[kind].get(name)?.size ?? 0;
  }

  /** Number of channels or shard channels with subscribers (INFO stats). */
  channelCount(kind: "channel" | "shard"): number {
    return this.#index[kind].size;
  }

  /** Number of distinct patterns subscribed to (PUBSUB NUMPAT). */
  get patternCount(): number {
    return this.#index.pattern.size;
  }
}
