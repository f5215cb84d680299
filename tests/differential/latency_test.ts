/**
 * LATENCY against redis-server: slow commands are recorded per event class,
 * one sample per second, with the same reply shapes and errors.
 */

import assert from "node:assert/strict";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import type { Reply } from "../helpers/resp_client.ts";
import { LATENCY_COMMANDS } from "../../lib/commands/latency.ts";

commandInfoTest(
  "latency",
  LATENCY_COMMANDS[0].subcommands!.map((sub) => ({
    name: `latency|${sub.name}`,
  })),
);

/** LATEST without the time, which differs by a second at most. */
function latest(reply: Reply): unknown[] {
  assert.ok(Array.isArray(reply));
  return reply.map((entry) => {
    const [event, time, last, max] = entry as Reply[];
    assert.ok(Math.abs(Number(time) - Date.now() / 1000) < 60);
    // Each server measured its own sleep: equal within a few ms.
    return [event, Math.round(Number(last) / 10), Math.round(Number(max) / 10)];
  });
}

differentialTest(
  "differential: LATENCY records commands slower than the threshold",
  async (pair) => {
    await pair.same(["LATENCY", "LATEST"]);
    await pair.same(["CONFIG", "SET", "latency-monitor-threshold", "10"]);
    await pair.same(["SET", "k", "v"]);
    await pair.same(["DEBUG", "SLEEP", "0.03"]);
    const [ours, theirs] = await Promise.all([
      pair.ourClient.call("LATENCY", "LATEST"),
      pair.oracleClient.call("LATENCY", "LATEST"),
    ]);
    assert.deepEqual(latest(ours), latest(theirs));
    assert.equal((ours as Reply[][])[0][0], "command");
    const history = await Promise.all([
      pair.ourClient.call("LATENCY", "HISTORY", "command"),
      pair.oracleClient.call("LATENCY", "HISTORY", "command"),
    ]);
    assert.equal((history[0] as Reply[]).length, 1);
    assert.equal((history[1] as Reply[]).length, 1);
    await pair.same(["LATENCY", "HISTORY", "nosuch"]);
    await pair.same(["LATENCY", "RESET", "command", "nosuch"]);
    await pair.same(["LATENCY", "LATEST"]);
    await pair.same(["LATENCY", "RESET"]);
    await pair.same(["LATENCY", "HELP"]);
    await pair.same(["LATENCY"]);
    await pair.same(["LATENCY", "FOO"]);
    await pair.same(["LATENCY", "HISTORY"]);
  },
  { flags: ["--enable-debug-command", "yes"] },
);

/** The command names and percentile labels of INFO latencystats. */
function latencystatsShape(info: string): string[] {
  return info.split("\r\n").filter((line) => line.startsWith("latency_"))
    .map((line) => line.replace(/=\d+\.\d{3}(?=,|$)/g, "=N")).sort();
}

/** LATENCY HISTOGRAM's commands with their calls, buckets checked. */
function histogramShape(reply: Reply): [string, number][] {
  // RESP3 maps, flattened as RESP2 sends them.
  const flat = (value: Reply): Reply[] =>
    value instanceof Map ? [...value].flat() : value as Reply[];
  const commands = flat(reply);
  const shape: [string, number][] = [];
  for (let i = 0; i < commands.length; i += 2) {
    const [calls, count, usec, buckets] = flat(commands[i + 1]);
    assert.equal(calls, "calls");
    assert.equal(usec, "histogram_usec");
    const pairs = flat(buckets) as number[];
    // Cumulative counts over doubling buckets, ending at the calls.
    for (let j = 2; j < pairs.length; j += 2) {
      assert.ok(pairs[j] > pairs[j - 2] && pairs[j + 1] > pairs[j - 1]);
    }
    assert.equal(pairs.at(-1), count);
    shape.push([String(commands[i]), Number(count)]);
  }
  return shape.sort();
}

differentialTest(
  "differential: LATENCY HISTOGRAM and INFO latencystats track every call",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["LATENCY", "HISTOGRAM", "nosuch", "get"]);
      await pair.same(["CONFIG", "RESETSTAT"]);
      for (let i = 0; i < 5; i++) await pair.same(["SET", "k", String(i)]);
      await pair.same(["CONFIG", "GET", "hz"]);
      await pair.same(["CONFIG", "GET", "maxmemory"]);
      const [ours, theirs] = await Promise.all([
        pair.ourClient.callRaw("LATENCY", "HISTOGRAM", "set", "SET", "config"),
        pair.oracleClient.callRaw(
          "LATENCY",
          "HISTOGRAM",
          "set",
          "SET",
          "config",
        ),
      ]);
      // A map in RESP3, a flat array in RESP2.
      assert.equal(ours[0], theirs[0]);
      const shapes = await Promise.all([
        pair.ourClient.call("LATENCY", "HISTOGRAM", "set", "config|get", "x"),
        pair.oracleClient.call(
          "LATENCY",
          "HISTOGRAM",
          "set",
          "config|get",
          "x",
        ),
      ]);
      assert.deepEqual(histogramShape(shapes[0]), histogramShape(shapes[1]));
      assert.deepEqual(histogramShape(shapes[0]), [["config|get", 2], [
        "set",
        5,
      ]]);
    }
    for (const percentiles of ["50 99 99.9", "0 12.5 100", ""]) {
      await pair.same([
        "CONFIG",
        "SET",
        "latency-tracking-info-percentiles",
        percentiles,
      ]);
      const [ours, theirs] = await pair.both(["INFO", "latencystats"]);
      assert.deepEqual(latencystatsShape(ours), latencystatsShape(theirs));
    }
    await pair.same(["CONFIG", "SET", "latency-tracking", "no"]);
    await pair.same(["CONFIG", "RESETSTAT"]);
    await pair.same(["SET", "k", "v"]);
    await pair.same(["LATENCY", "HISTOGRAM"]);
    await pair.same(["INFO", "latencystats"]);
    await pair.same(["LATENCY", "HISTOGRAM", "a", "b", "c"]);
  },
);

differentialTest(
  "differential: LATENCY GRAPH and DOCTOR",
  async (pair) => {
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["LATENCY", "DOCTOR"]);
      await pair.same(["LATENCY", "GRAPH", "command"]);
      await pair.same(["LATENCY", "GRAPH"]);
      await pair.same(["LATENCY", "DOCTOR", "extra"]);
    }
    await pair.same(["CONFIG", "SET", "latency-monitor-threshold", "100000"]);
    await pair.same(["LATENCY", "DOCTOR"]);
    await pair.same(["CONFIG", "SET", "latency-monitor-threshold", "40"]);
    await pair.same(["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
    await pair.same(["DEBUG", "SLEEP", "0.06"]);
    // Each server measured its own sleep: compare the texts without numbers.
    const masked = (text: string) => text.replace(/\d+/g, "N");
    for (
      const command of [["LATENCY", "GRAPH", "command"], ["LATENCY", "DOCTOR"]]
    ) {
      const [ours, theirs] = await pair.both(command);
      assert.equal(masked(ours), masked(theirs));
    }
    await pair.same(["LATENCY", "GRAPH", "COMMAND"]);
    await pair.same(["LATENCY", "RESET", "COMMAND"]);
    await pair.same(["LATENCY", "DOCTOR"]);
  },
  { flags: ["--enable-debug-command", "yes"] },
);
