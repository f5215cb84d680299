/**
 * Client-side caching (CLIENT TRACKING) against redis-server: the same
 * clients doing the same things on both servers must receive the same
 * bytes, invalidation push frames and messages included.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { latin1 } from "../helpers/bytes.ts";

/** One client on each server, driven in lockstep. */
class Twin {
  private constructor(readonly clients: [RespClient, RespClient]) {}

  /** Connects a client to each server of `pair`. */
  static async connect(pair: Pair): Promise<Twin> {
    return new Twin([await pair.ours.connect(), await pair.oracle.connect()]);
  }

  /** Switches both to RESP3 (HELLO's reply differs: it has the client id). */
  async hello3(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.call("HELLO", "3")));
  }

  /** The client ids (they differ between the servers). */
  async ids(): Promise<[string, string]> {
    const [a, b] = await Promise.all(
      this.clients.map((c) => c.call("CLIENT", "ID")),
    );
    return [String(a), String(b)];
  }

  /**
   * Sends `args` on both and returns everything that arrives up to and
   * including the reply to a PING sent right after (push frames and
   * messages in between included), asserting both servers sent the same.
   */
  async same(...args: string[]): Promise<string> {
    return await this.sameAfter((raw) => raw, ...args);
  }

  /** Like `same`, comparing the replies once `normalize`d. */
  async sameAfter(
    normalize: (raw: string) => string,
    ...args: string[]
  ): Promise<string> {
    const [ours, theirs] = await Promise.all(
      this.clients.map(async (client) => {
        await client.send(...args);
        await client.send("PING", "sync");
        let out = "";
        while (true) {
          const raw = latin1(await client.readRaw());
          if (raw.includes("sync")) return normalize(out);
          out += raw;
        }
      }),
    );
    assert.equal(ours, theirs, JSON.stringify(args));
    return ours;
  }

  /** Sends `args` on both with a per-server argument (an id) at `index`. */
  async sameWith(
    args: string[],
    index: number,
    values: [string, string],
  ): Promise<string> {
    const [ours, theirs] = await Promise.all(
      this.clients.map(async (client, i) => {
        const sent = [...args];
        sent[index] = values[i];
        return latin1(await client.callRaw(...sent));
      }),
    );
    assert.equal(ours, theirs, JSON.stringify(args));
    return ours;
  }

  /** Closes both clients. */
  close(): void {
    for (const client of this.clients) client.close();
  }
}

/** The tracking_* fields of INFO are the same on both servers. */
async function sameTrackingInfo(pair: Pair): Promise<void> {
  const [ours, theirs] = await pair.both(["INFO", "everything"]);
  const fields = (info: string) =>
    info.split("\r\n").filter((line) => line.startsWith("tracking_"));
  assert.equal(fields(ours).length, 4);
  assert.deepEqual(fields(ours), fields(theirs));
}

/** TRACKINGINFO with the redirect id (which differs between servers) left out. */
function withoutIds(raw: string): string {
  return raw.replace(/redirect\r\n:\d+/, "redirect\r\n:<id>");
}

differentialTest(
  "differential: CLIENT TRACKING checks its options",
  async (pair) => {
    for (
      const args of [
        ["CLIENT", "TRACKING", "on", "prefix", "a"],
        ["CLIENT", "TRACKING", "on", "optin", "optout"],
        ["CLIENT", "TRACKING", "on", "bcast", "optin"],
        ["CLIENT", "TRACKING", "on", "redirect", "999"],
        ["CLIENT", "TRACKING", "on", "redirect", "x"],
        ["CLIENT", "TRACKING", "foo"],
        ["CLIENT", "TRACKING", "on", "foo"],
        ["CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "ab"],
        ["CLIENT", "CACHING", "yes"],
        ["CLIENT", "GETREDIR"],
        ["CLIENT", "TRACKINGINFO"],
        ["CLIENT", "TRACKING", "on", "optin"],
        ["CLIENT", "TRACKING", "on", "optout"],
        ["CLIENT", "CACHING", "no"],
        ["CLIENT", "CACHING", "maybe"],
        ["CLIENT", "TRACKING", "on", "bcast"],
        ["CLIENT", "TRACKINGINFO"],
        ["CLIENT", "GETREDIR"],
        ["CLIENT", "TRACKING", "off"],
        ["CLIENT", "TRACKING", "on", "bcast", "prefix", "x", "noloop"],
        ["CLIENT", "TRACKING", "on", "bcast", "prefix", "xy"],
        ["CLIENT", "TRACKINGINFO"],
        ["CLIENT", "TRACKING", "on"],
      ]
    ) await pair.same(args);
  },
);

differentialTest(
  "differential: a RESP3 tracking client is told when a key it read changes",
  async (pair) => {
    const reader = await Twin.connect(pair);
    try {
      await reader.hello3();
      await reader.same("CLIENT", "TRACKING", "on");
      await pair.same(["SET", "k", "v"]);
      await reader.same("GET", "k");
      await reader.same("MGET", "a", "b");
      await pair.same(["SET", "k", "w"]);
      // The invalidation comes before the next reply.
      const pushed = await reader.same("GET", "other");
      assert.match(pushed, /^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$1\r\nk\r\n/);
      await pair.same(["SET", "k", "again"]);
      assert.doesNotMatch(await reader.same("PING"), /invalidate/);
      await pair.same(["DEL", "a"]);
      await reader.same("PING");
      // Its own change comes after its reply, unless NOLOOP.
      await reader.same("GET", "k");
      await reader.same("SET", "k", "mine");
      await reader.same("CLIENT", "TRACKING", "on", "noloop");
      await reader.same("GET", "k");
      await reader.same("SET", "k", "mine again");
      await reader.same("GET", "b");
      await pair.same(["FLUSHALL"]);
      await reader.same("PING");
      await sameTrackingInfo(pair);
      await reader.same("CLIENT", "TRACKINGINFO");
    } finally {
      reader.close();
    }
  },
);

differentialTest(
  "differential: RESP2 tracking redirects to a __redis__:invalidate subscriber",
  async (pair) => {
    const reader = await Twin.connect(pair);
    const listener = await Twin.connect(pair);
    try {
      const ids = await listener.ids();
      await listener.same("SUBSCRIBE", "__redis__:invalidate");
      await reader.sameWith(
        ["CLIENT", "TRACKING", "on", "redirect", ""],
        4,
        ids,
      );
      await reader.same("GET", "k");
      await pair.same(["SET", "k", "v"]);
      const message = await listener.same("PING");
      assert.match(message, /__redis__:invalidate/);
      await reader.sameAfter(withoutIds, "CLIENT", "TRACKINGINFO");
      await reader.same("GET", "k");
      await pair.same(["FLUSHDB"]);
      await listener.same("PING");
      // A redirect to a client that went away is broken.
      listener.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await reader.same("GET", "k");
      await pair.same(["SET", "k", "v"]);
      await reader.same("PING");
      await reader.sameAfter(withoutIds, "CLIENT", "TRACKINGINFO");
    } finally {
      reader.close();
      listener.close();
    }
  },
);

differentialTest(
  "differential: BCAST sends every changed key under a prefix; OPTIN tracks after CACHING YES",
  async (pair) => {
    const bcast = await Twin.connect(pair);
    const optin = await Twin.connect(pair);
    try {
      await bcast.hello3();
      await bcast.same("CLIENT", "TRACKING", "on", "bcast", "prefix", "user:");
      await pair.same(["SET", "user:1", "a"]);
      await pair.same(["SET", "other", "b"]);
      await pair.same(["MSET", "user:2", "x", "user:3", "y"]);
      await bcast.same("PING");
      await optin.hello3();
      await optin.same("CLIENT", "TRACKING", "on", "optin");
      await optin.same("GET", "k");
      await pair.same(["SET", "k", "1"]);
      await optin.same("PING");
      await optin.same("CLIENT", "CACHING", "yes");
      await optin.same("GET", "k");
      await optin.same("GET", "j");
      await pair.same(["MSET", "k", "2", "j", "2"]);
      await optin.same("PING");
      await sameTrackingInfo(pair);
    } finally {
      bcast.close();
      optin.close();
    }
  },
);

differentialTest(
  "differential: CLIENT INFO shows tracking flags and the redirect",
  async (pair) => {
    const fields = (info: string) =>
      `${/flags=(\S+)/.exec(info)![1]} ${/redir=(\S+)/.exec(info)![1]}`;
    const sameFields = async () => {
      const [ours, theirs] = await pair.both(["CLIENT", "INFO"]);
      assert.equal(fields(ours), fields(theirs));
    };
    await sameFields();
    await pair.same(["CLIENT", "TRACKING", "on"]);
    await sameFields();
    await pair.same(["CLIENT", "TRACKING", "off"]);
    await pair.same(["CLIENT", "TRACKING", "on", "bcast"]);
    await sameFields();
  },
);
