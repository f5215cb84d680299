/**
 * redis-cli's own tools against our server, beside redis-server:
 * `--bigkeys` finds the same biggest keys and totals, `--latency-history`
 * gets its PING samples, and `redis-cli monitor` prints the commands that
 * run, as it does against Redis.
 */

import assert from "node:assert/strict";
import { differentialTest } from "../helpers/differential.ts";

const decoder = new TextDecoder();

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  return decoder.decode(stdout);
}

/**
 * Runs redis-cli for `ms` milliseconds, then stops it (SIGTERM: a child of
 * a shell without job control ignores SIGINT); returns what it printed.
 */
async function redisCliFor(
  ms: number,
  port: number,
  args: string[],
): Promise<string> {
  // Line-buffered: interrupted, redis-cli would lose a buffered stdout.
  const child = new Deno.Command("stdbuf", {
    args: ["-oL", "redis-cli", "-p", String(port), ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const output = new Response(child.stdout).text();
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill("SIGTERM");
  await child.status;
  return await output;
}

differentialTest(
  "redis-cli --bigkeys: the same summary from both servers",
  async (pair) => {
    await pair.same(["SET", "s1", "hello"]);
    await pair.same(["SET", "s2", "x".repeat(50)]);
    await pair.same(["RPUSH", "list", "a", "b", "c"]);
    await pair.same(["SADD", "set", "a", "b"]);
    await pair.same(["ZADD", "zset", "1", "a"]);
    await pair.same(["HSET", "hash", "a", "1", "b", "2", "c", "3", "d", "4"]);
    await pair.same(["XADD", "stream", "1-1", "a", "1"]);
    const summary = async (port: number) => {
      const text = await redisCli(port, "--bigkeys");
      const at = text.indexOf("-------- summary -------");
      assert.ok(at >= 0, text);
      return text.slice(at);
    };
    const ours = await summary(pair.ours.port);
    assert.match(ours, /Sampled 7 keys in the keyspace!/);
    assert.match(ours, /Biggest string found '"s2"' has 50 bytes/);
    assert.equal(ours, await summary(pair.oracle.port));
  },
);

differentialTest(
  "redis-cli --latency-history samples our server as it samples Redis",
  async (pair) => {
    const samples = async (port: number) => {
      const text = await redisCliFor(2500, port, [
        "--latency-history",
        "-i",
        "1",
      ]);
      // Without a terminal: "min max avg samples" per PING, and a line
      // at the end of each 1 s history period.
      const lines = text.trim().split("\n");
      const periods = lines.filter((line) =>
        /^ -- 1\.\d\d seconds range$/.test(line)
      );
      assert.ok(periods.length >= 1, text);
      const pings = lines.filter((line) => !periods.includes(line));
      for (const line of pings) assert.match(line, /^\d+ \d+ \d+\.\d\d \d+$/);
      return pings.length;
    };
    const [ours, theirs] = await Promise.all([
      samples(pair.ours.port),
      samples(pair.oracle.port),
    ]);
    assert.ok(ours > 20, `${ours} samples`);
    assert.ok(theirs > 20, `${theirs} samples`);
  },
);

differentialTest(
  "redis-cli monitor prints the commands that run, as against Redis",
  async (pair) => {
    const [ours, theirs] = await Promise.all([
      redisCliFor(1000, pair.ours.port, ["monitor"]),
      redisCliFor(1000, pair.oracle.port, ["monitor"]),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await pair.same(["SET", "k", "v w"]);
        await pair.same(["LPUSH", "l", "\x01"]);
      })(),
    ]);
    // Without the time and the client's address.
    const commands = (text: string) =>
      text.split("\n").filter((line) => line.includes("] "))
        .map((line) => line.slice(line.indexOf("] ") + 2));
    assert.deepEqual(commands(ours), [
      '"SET" "k" "v w"',
      '"LPUSH" "l" "\\x01"',
    ]);
    assert.deepEqual(commands(ours), commands(theirs));
    assert.match(ours, /^OK\n\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET"/);
  },
);
