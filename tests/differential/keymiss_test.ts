/**
 * Read lookups of every type count keyspace hits and misses, and a miss
 * publishes a "keymiss" event (notify-keyspace-events class m), exactly
 * where redis-server does.
 */
import assert from "node:assert/strict";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const COMMANDS: string[][] = [
  ["GET", "nostring"],
  ["SET", "s", "1"],
  ["GET", "s"],
  ["HGET", "nohash", "f"],
  ["LRANGE", "nolist", "0", "1"],
  ["SMEMBERS", "noset"],
  ["EXISTS", "nokey"],
  ["TYPE", "nokey"],
  ["XRANGE", "nostream", "-", "+"],
  ["ZADD", "z", "1", "a"],
  ["ZSCORE", "z", "a"],
  ["ZSCORE", "noz", "a"],
  ["ZCARD", "z"],
  ["ZRANGESTORE", "d", "z", "0", "-1"],
  ["ZUNIONSTORE", "u", "2", "z", "nz"],
  ["GEOADD", "g", "13.36", "38.11", "p"],
  ["GEOPOS", "g", "p"],
  ["GEOSEARCH", "nogeo", "FROMLONLAT", "13", "38", "BYRADIUS", "500", "km"],
  ["ZRANDMEMBER", "z"],
  ["SORT", "z"],
  ["RPUSH", "l", "3", "1"],
  ["SORT", "l", "BY", "w_*", "GET", "h_*->f"],
  ["ZPOPMIN", "z"],
  ["INCR", "nonumber"],
];

async function run(
  client: RespClient,
  listener: RespClient,
): Promise<string[]> {
  await client.call("CONFIG", "SET", "notify-keyspace-events", "Em");
  await listener.call("SUBSCRIBE", "__keyevent@0__:keymiss");
  const seen: string[] = [];
  for (const command of COMMANDS) {
    await client.call(...command);
    const info = await client.call("INFO", "stats") as string;
    const hits = /keyspace_hits:(\d+)/.exec(info)![1];
    const misses = /keyspace_misses:(\d+)/.exec(info)![1];
    seen.push(`${command.join(" ")} -> ${hits}/${misses}`);
  }
  // A marker publish ends the stream of events, so reading stops there.
  await client.call("PUBLISH", "__keyevent@0__:keymiss", "END");
  while (true) {
    const message = await listener.read() as string[];
    if (message[2] === "END") break;
    seen.push(`keymiss ${message[2]}`);
  }
  return seen;
}

Deno.test({
  name:
    "differential: keyspace hits, misses and keymiss events match redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    const results: string[][] = [];
    for (const oracle of [false, true]) {
      const options = { oracle, clients: 2 };
      results.push(await withServer(options, ([c, l]) => run(c, l)));
    }
    assert.ok(results[1].filter((l) => l.startsWith("keymiss")).length >= 10);
    assert.deepEqual(results[0], results[1]);
  },
});
