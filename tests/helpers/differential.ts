/**
 * Differential testing against Debian's redis-server: the same commands go
 * to our server and to the oracle, and the raw replies are compared.
 *
 * @module
 */

import assert from "node:assert/strict";
import { binary, latin1 } from "./bytes.ts";
import { parseReply, type Reply, type RespClient } from "./resp_client.ts";
import { hasRedisServer, startServer, type TestServer } from "./servers.ts";

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random helpers over a seeded PRNG. */
export class Picker {
  /** Creates a picker from a seed. */
  constructor(readonly random: () => number) {}

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.random() < p;
  }
}

/**
 * Sorts the elements of an unordered reply (a set or hash in hashtable
 * encoding, whose order differs between implementations) so that replies
 * compare by content. With `pairs`, flat arrays of alternating keys and
 * values are sorted by pairs.
 */
export function sortedReply(reply: Reply, pairs = false): Reply {
  if (reply instanceof Set) return [...reply].map(String).sort();
  if (reply instanceof Map) {
    return [...reply.entries()].map(([k, v]) => `${k}=${v}`).sort();
  }
  if (!Array.isArray(reply)) return reply;
  // RESP3 nests pairs as two-element arrays, which sort as they are.
  if (!pairs || Array.isArray(reply[0])) return [...reply].map(String).sort();
  const joined: string[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    joined.push(`${reply[i]}=${reply[i + 1]}`);
  }
  return joined.sort();
}

/** How to start a {@linkcode Pair}. */
export interface PairOptions {
  /** redis-server style flags for both servers. */
  flags?: readonly string[];
  /** Flags for our server only, after `flags` (the oracle runs with RDB and AOF off). */
  ourFlags?: readonly string[];
}

/** Our server and the oracle side by side, one client each. */
export class Pair {
  private constructor(
    readonly ours: TestServer,
    readonly oracle: TestServer,
    readonly ourClient: RespClient,
    readonly oracleClient: RespClient,
  ) {}

  /** Starts both servers and connects a client to each. */
  static async start(options: PairOptions = {}): Promise<Pair> {
    const flags = options.flags ?? [];
    const ours = await startServer({
      flags: [...flags, ...options.ourFlags ?? []],
    });
    const clients: RespClient[] = [];
    let oracle: TestServer | undefined;
    try {
      oracle = await startServer({ oracle: true, flags });
      clients.push(await ours.connect());
      clients.push(await oracle.connect());
      return new Pair(ours, oracle, clients[0], clients[1]);
    } catch (error) {
      for (const client of clients) client.close();
      await Promise.all([ours.stop(), oracle?.stop()]);
      throw error;
    }
  }

  /** Sends a command to both; returns both raw replies as binary strings. */
  async both(args: string[]): Promise<[string, string]> {
    const [a, b] = await Promise.all([
      this.ourClient.callRaw(...args),
      this.oracleClient.callRaw(...args),
    ]);
    return [latin1(a), latin1(b)];
  }

  /** Sends a command to both and asserts byte-identical replies. */
  async same(args: string[], context = ""): Promise<string> {
    const [ours, theirs] = await this.both(args);
    assert.equal(
      ours,
      theirs,
      `${context}${JSON.stringify(args)}: ours ${JSON.stringify(ours)}, redis ${
        JSON.stringify(theirs)
      }`,
    );
    return ours;
  }

  /**
   * Sends a command to both and asserts the replies have the same content
   * once the elements are sorted (for replies whose order is unspecified).
   */
  async sameUnordered(
    args: string[],
    pairs = false,
    context = "",
  ): Promise<void> {
    const [ours, theirs] = await this.both(args);
    const parse = (raw: string) =>
      sortedReply(parseReply(binary(raw), 0)![0], pairs);
    assert.deepEqual(
      parse(ours),
      parse(theirs),
      `${context}${JSON.stringify(args)}: ours ${JSON.stringify(ours)}, redis ${
        JSON.stringify(theirs)
      }`,
    );
  }

  /**
   * Runs `script` on both servers with every keyspace notification enabled
   * and asserts identical replies and identical notifications (channel and
   * payload, in order).
   */
  async sameEvents(script: readonly string[][]): Promise<void> {
    await this.same(["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    const subscribers = await Promise.all([
      this.ours.connect(),
      this.oracle.connect(),
    ]);
    try {
      for (const sub of subscribers) {
        await sub.call("PSUBSCRIBE", "__key*__:*");
        await sub.call("SUBSCRIBE", "end-of-script");
      }
      for (const args of script) await this.same(args);
      await this.both(["PUBLISH", "end-of-script", "x"]);
      const collect = async (sub: RespClient) => {
        const events: string[] = [];
        while (true) {
          const message = await sub.read() as string[];
          if (message[0] === "message") return events;
          events.push(`${message[2]} ${message[3]}`);
        }
      };
      const [ours, theirs] = await Promise.all(subscribers.map(collect));
      assert.deepEqual(ours, theirs);
    } finally {
      for (const sub of subscribers) sub.close();
      await this.same(["CONFIG", "SET", "notify-keyspace-events", ""]);
    }
  }

  /**
   * Runs `script` on both servers from reset statistics and asserts
   * identical replies and identical keyspace_hits and keyspace_misses.
   */
  async sameKeyspaceStats(script: readonly string[][]): Promise<void> {
    await this.same(["CONFIG", "RESETSTAT"]);
    for (const args of script) await this.same(args);
    const [ours, theirs] = await this.both(["INFO", "stats"]);
    const counters = (info: string) =>
      info.split("\r\n").filter((line) => line.startsWith("keyspace_"));
    assert.deepEqual(counters(ours), counters(theirs));
  }

  /** Closes the clients and stops both servers. */
  async stop(): Promise<void> {
    this.ourClient.close();
    this.oracleClient.close();
    await Promise.all([this.ours.stop(), this.oracle.stop()]);
  }
}

/**
 * Starts a {@linkcode Pair}, runs `body` with it, then closes its clients
 * and stops both servers, whatever happens.
 */
export async function withPair<T>(
  options: PairOptions,
  body: (pair: Pair) => Promise<T>,
): Promise<T> {
  const pair = await Pair.start(options);
  try {
    return await body(pair);
  } finally {
    await pair.stop();
  }
}

let oracleFound: boolean | undefined;

/**
 * Registers a test that runs `fn` on a fresh {@linkcode Pair} started with
 * `options` and stops both servers afterwards; ignored without redis-server.
 */
export function differentialTest(
  name: string,
  fn: (pair: Pair) => Promise<void>,
  options: PairOptions = {},
): void {
  if (oracleFound === undefined) {
    oracleFound = hasRedisServer();
    if (!oracleFound) {
      console.warn("redis-server not found: differential tests skipped");
    }
  }
  Deno.test({
    name,
    ignore: !oracleFound,
    fn: () => withPair(options, fn),
  });
}

/**
 * Registers a test that COMMAND INFO of each command in `specs` matches
 * redis-server; `group` names them in the test name ("hash", "set"...).
 */
export function commandInfoTest(
  group: string,
  specs: readonly { name: string }[],
): void {
  differentialTest(
    `differential: COMMAND INFO of the ${group} commands matches redis-server`,
    async (pair) => {
      for (const spec of specs) await pair.same(["COMMAND", "INFO", spec.name]);
    },
  );
}
