/**
 * Lazy freeing against redis-server: which deletions count in
 * lazyfreed_objects (UNLINK and lazy DEL of values whose free effort is
 * above 64, every key of an ASYNC or lazyfree-lazy-user-flush flush).
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";

/**
 * The lazyfreed_objects of both servers, asserted equal; Redis counts a
 * value when its background thread has freed it, so its figure is read
 * again for a while until it matches.
 */
async function sameLazyfreed(pair: Pair, context: string): Promise<void> {
  const field = (info: string) => /lazyfreed_objects:(\d+)/.exec(info)![1];
  let [ours, theirs] = (await pair.both(["INFO", "memory"])).map(field);
  for (let tries = 0; tries < 50 && ours !== theirs; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    theirs = field(await pair.oracleClient.call("INFO", "memory") as string);
  }
  assert.equal(ours, theirs, context);
}

/** Values of every type, small and large. */
async function fill(pair: Pair): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await pair.same(["HSET", "hash", `f${i}`, "v"]);
    await pair.same(["SADD", "set", `m${i}`]);
    await pair.same(["SADD", "intset", `${i}`]);
    await pair.same(["ZADD", "zset", `${i}`, `m${i}`]);
    await pair.same(["RPUSH", "list", `${i}`]);
    await pair.same(["XADD", "stream", `${i + 1}-0`, "f", "v"]);
  }
  for (let i = 0; i < 600; i++) {
    await pair.same(["HSET", "bighash", `f${i}`, "v"]);
  }
  await pair.same(["SET", "string", "x".repeat(1000)]);
}

differentialTest(
  "differential: lazyfreed_objects counts what Redis frees in the background",
  async (pair) => {
    await fill(pair);
    for (
      const key of [
        "hash",
        "set",
        "intset",
        "zset",
        "list",
        "stream",
        "bighash",
        "string",
      ]
    ) {
      await pair.same(["UNLINK", key]);
      await sameLazyfreed(pair, `UNLINK ${key}`);
    }
    await fill(pair);
    await pair.same(["DEL", "set"]);
    await sameLazyfreed(pair, "DEL");
    await pair.same(["CONFIG", "SET", "lazyfree-lazy-user-del", "yes"]);
    await pair.same(["DEL", "zset", "hash"]);
    await sameLazyfreed(pair, "lazy DEL");
    await pair.same(["CONFIG", "SET", "lazyfree-lazy-user-del", "no"]);
    await pair.same(["FLUSHDB", "ASYNC"]);
    await sameLazyfreed(pair, "FLUSHDB ASYNC");
    await fill(pair);
    await pair.same(["FLUSHALL", "SYNC"]);
    await sameLazyfreed(pair, "FLUSHALL SYNC");
    await fill(pair);
    await pair.same(["CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"]);
    await pair.same(["FLUSHALL"]);
    await sameLazyfreed(pair, "lazyfree-lazy-user-flush");
    await pair.same(["CONFIG", "RESETSTAT"]);
    await sameLazyfreed(pair, "CONFIG RESETSTAT");
  },
);
