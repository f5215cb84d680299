/**
 * Pub/Sub state: which clients are subscribed to which channels, patterns
 * and shard channels, and delivery of published messages to them.
 *
 * Each client's own subscriptions live in its Client sets (channels,
 * patterns, shardChannels); this module keeps the reverse index. A message
 * is encoded once per protocol, copied to each receiver's reply writer and
 * checked against client-output-buffer-limit (so a subscriber that does not
 * read is dropped); receivers are flushed once the running batch is over.
 *
 * @module
 */

import { ReplyWriter } from "../resp/encoder.ts";
import { globMatch } from "../store/glob.ts";
import { bytesToString } from "../util/bytes.ts";
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

/** ReplyWriter.raw() queues chunks this large by reference instead of copying. */
const SHARED_CHUNK = 64 * 1024;

const MESSAGE = "message";
const PMESSAGE = "pmessage";
const SMESSAGE = "smessage";

/**
 * The frame of the message being published, encoded at most once per
 * protocol and copied to every receiver, instead of encoded per receiver.
 * A sole receiver gets it encoded straight into its output.
 */
class MessageFrames {
  #word = MESSAGE;
  #pattern: string | null = null;
  #channel = "";
  #message: Payload = "";
  #shared = false;
  #resp2: Uint8Array[] | null = null;
  #resp3: Uint8Array[] | null = null;
  readonly #writer2 = new ReplyWriter();
  readonly #writer3 = new ReplyWriter();

  constructor() {
    this.#writer3.protocol = 3;
  }

  /** Sets the message that following copyTo() calls deliver to `receivers`. */
  start(
    word: string,
    pattern: string | null,
    channel: string,
    message: Payload,
    receivers: number,
  ): void {
    this.#word = word;
    this.#pattern = pattern;
    this.#channel = channel;
    this.#message = message;
    this.#shared = receivers > 1;
    this.#resp2 = null;
    this.#resp3 = null;
  }

  /** Appends the frame, in the protocol `reply` speaks, to `reply`. */
  copyTo(reply: ReplyWriter): void {
    if (!this.#shared) {
      this.#write(reply);
      return;
    }
    const chunks = reply.protocol === 3
      ? this.#resp3 ??= this.#encode(this.#writer3)
      : this.#resp2 ??= this.#encode(this.#writer2);
    for (let i = 0; i < chunks.length; i++) reply.raw(chunks[i]);
  }

  /**
   * Encodes the frame with `writer`; the chunks stay valid until the
   * writer's next take(), that is until the next message is encoded.
   */
  #encode(writer: ReplyWriter): Uint8Array[] {
    this.#write(writer);
    const message = this.#message;
    const chunks = writer.take();
    // Receivers keep large chunks by reference, but the writer reuses its
    // buffer for the next message: such chunks are copied, once.
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i];
      if (chunk.length >= SHARED_CHUNK && chunk !== message) {
        chunks[i] = chunk.slice();
      }
    }
    return chunks;
  }

  #write(writer: ReplyWriter): void {
    const pattern = this.#pattern;
    writer.push(pattern === null ? 3 : 4);
    writer.bulkString(this.#word);
    if (pattern !== null) writer.bulkString(pattern);
    writer.bulkString(this.#channel);
    const message = this.#message;
    if (typeof message === "string") writer.bulkString(message);
    else writer.bulk(message);
  }
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

  readonly #frames = new MessageFrames();
  /** Receivers of messages whose output is written at the end of the batch. */
  readonly #toFlush = new Set<Client>();

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
    // Like Redis, RESP3 push frames get through CLIENT REPLY OFF/SKIP: they
    // are kept aside while the command's replies are dropped.
    const suppressed = client.reply.protocol === 3 &&
      (client.replyOff || client.skipThisReply);
    const reply = suppressed ? new ReplyWriter() : client.reply;
    reply.protocol = client.reply.protocol;
    reply.push(3);
    reply.bulkString(word);
    if (name === null) reply.nullBulk();
    else reply.bulkString(name);
    reply.integer(replyCount(client, kind));
    if (suppressed) client.keptPushes.push(...reply.take());
  }

  /**
   * Delivers a message published on `channel` to its subscribers and to the
   * clients whose patterns match it; returns the number of receivers.
   */
  publish(channel: Payload, message: Payload, now: number): number {
    const patterns = this.#index.pattern;
    if (this.#index.channel.size === 0 && patterns.size === 0) return 0;
    const name = typeof channel === "string" ? channel : bytesToString(channel);
    let receivers = 0;
    const subscribers = this.#index.channel.get(name);
    if (subscribers !== undefined) {
      // Counted first: a subscriber over its output limit leaves the set.
      receivers += subscribers.size;
      this.#frames.start(MESSAGE, null, name, message, subscribers.size);
      for (const client of subscribers) this.#deliver(client, now);
    }
    if (patterns.size === 0) return receivers;
    for (const [pattern, clients] of patterns) {
      if (!globMatch(pattern, name)) continue;
      receivers += clients.size;
      this.#frames.start(PMESSAGE, pattern, name, message, clients.size);
      for (const client of clients) this.#deliver(client, now);
    }
    return receivers;
  }

  /** Delivers a message published on shard channel `channel` (SPUBLISH). */
  publishShard(channel: Payload, message: Payload, now: number): number {
    const index = this.#index.shard;
    if (index.size === 0) return 0;
    const name = typeof channel === "string" ? channel : bytesToString(channel);
    const subscribers = index.get(name);
    if (subscribers === undefined) return 0;
    const receivers = subscribers.size;
    this.#frames.start(SMESSAGE, null, name, message, receivers);
    for (const client of subscribers) this.#deliver(client, now);
    return receivers;
  }

  /**
   * Copies the current message frame to `client`. Its output is written
   * once the running batch of commands is over, as Redis writes replies
   * before it sleeps, not a socket write per message.
   */
  #deliver(client: Client, now: number): void {
    const reply = client.reply;
    this.#frames.copyTo(reply);
    if (this.limits.check(client, now)) return;
    if (this.#toFlush.size === 0) queueMicrotask(this.#flushAll);
    this.#toFlush.add(client);
  }

  readonly #flushAll = (): void => {
    for (const client of this.#toFlush) client.transport.flush();
    this.#toFlush.clear();
  };

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

  /** Whether any client subscribes to a channel or pattern (not shard channels). */
  get listening(): boolean {
    return this.#index.channel.size > 0 || this.#index.pattern.size > 0;
  }

  /** Number of distinct patterns subscribed to (PUBSUB NUMPAT). */
  get patternCount(): number {
    return this.#index.pattern.size;
  }
}
