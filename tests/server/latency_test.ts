/**
 * LATENCY GRAPH and DOCTOR texts for known samples. The expected texts are
 * what redis-server 7.0.15 printed for the same samples (DEBUG SLEEP of 5,
 * 20, 50 and 10 ms, a second or so apart, with latency-monitor-threshold 1).
 */

import assert from "node:assert/strict";
import {
  type DoctorSettings,
  latencyGraph,
  LatencyMonitor,
  latencyReport,
} from "../../lib/server/latency.ts";

const NOW = 1_796_293_630;

function monitorWith(
  samples: Record<string, [number, number][]>,
): LatencyMonitor {
  const monitor = new LatencyMonitor();
  for (const [event, list] of Object.entries(samples)) {
    for (const [secondsAgo, ms] of list) {
      monitor.add(event, ms, NOW - secondsAgo);
    }
  }
  return monitor;
}

const SPIKES: [number, number][] = [[5, 5], [4, 20], [3, 50], [1, 10]];

const SETTINGS: DoctorSettings = {
  threshold: 1,
  slowlogSlowerThan: 10000,
  fsyncAlways: false,
  hz: 10,
};

Deno.test("LATENCY GRAPH draws Redis's chart", () => {
  const monitor = monitorWith({ command: SPIKES });
  assert.equal(
    latencyGraph("command", monitor.event("command")!, NOW),
    "command - high 50 ms, low 5 ms (all time high 50 ms)\n" +
      "-".repeat(80) + "\n" +
      "  # \n" +
      "  | \n" +
      " o| \n" +
      "_||o\n" +
      "    \n" +
      "5431\n" +
      "ssss\n",
  );
});

Deno.test("LATENCY GRAPH wraps at 80 samples and labels by age", () => {
  const monitor = new LatencyMonitor();
  for (let i = 0; i < 90; i++) monitor.add("command", 7, NOW - 4000 + i * 40);
  const graph = latencyGraph("command", monitor.event("command")!, NOW);
  const lines = graph.split("\n");
  // Header, rule, then blocks of 4 rows, a blank row and the labels read
  // downwards ("1h" for 4000 s ago, "59m" for 3560 s), a blank line apart.
  assert.equal(lines[0], "command - high 7 ms, low 7 ms (all time high 7 ms)");
  assert.equal(lines[2], " ".repeat(80));
  assert.equal(lines[5], "_".repeat(80));
  assert.equal(lines[6], " ".repeat(80));
  assert.equal(lines[7].slice(0, 13), "1111111111155");
  assert.equal(lines[8].slice(0, 13), "hhhhhhhhhhh98");
  assert.equal(lines[9].slice(0, 13), "           mm");
  assert.equal(lines[10], "");
  assert.equal(lines[14], "_".repeat(10));
  assert.deepEqual(lines.slice(15), [
    "          ",
    "1111119887",
    "322100mmmm",
    "mmmmmm    ",
    "",
  ]);
});

Deno.test("LATENCY DOCTOR reports each event and advises", () => {
  const monitor = monitorWith({ command: SPIKES });
  assert.equal(
    latencyReport(monitor, SETTINGS, NOW),
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
      "1. command: 4 latency spikes (average 21ms, mean deviation 14ms, period 1.25 sec). Worst all time event 50ms.\n\n" +
      "I have a few advices for you:\n\n" +
      "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n" +
      "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n" +
      "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n",
  );
});

Deno.test("LATENCY DOCTOR without events, and without easy fixes", () => {
  const empty = new LatencyMonitor();
  assert.match(
    latencyReport(empty, { ...SETTINGS, threshold: 0 }, NOW),
    /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/,
  );
  assert.match(
    latencyReport(empty, SETTINGS, NOW),
    /^Dave, no latency spike was observed/,
  );
  const unknown = monitorWith({ "some-event": [[2, 3]] });
  assert.match(
    latencyReport(unknown, SETTINGS, NOW),
    /period 2\.00 sec\)\. Worst all time event 3ms\.\n\nWhile there are latency events logged, I'm not able to suggest any easy fix\./,
  );
});

Deno.test("LATENCY DOCTOR gives each piece of advice once, in Redis's order", () => {
  const monitor = monitorWith({
    "expire-cycle": [[1, 2]],
    "fast-command": [[1, 2]],
    "command": [[1, 2]],
  });
  const report = latencyReport(
    monitor,
    { ...SETTINGS, slowlogSlowerThan: -1, hz: 100 },
    NOW,
  );
  const advice = report.split("\n").filter((line) => line.startsWith("- "))
    .map((line) => line.slice(2, 30));
  assert.deepEqual(advice, [
    "There are latency issues wit",
    "Check your Slow Log to under",
    "The system is slow to execut",
    "Deleting, expiring or evicti",
  ]);
});
