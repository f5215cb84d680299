/**
 * MONITOR against redis-server: the same commands on both servers, and the
 * lines each monitor received compared with the times and client addresses
 * left out.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";

const LINE = /^(\d+)\.(\d{6}) \[(\d+) (127\.0\.0\.1:\d+)\] (.*)$/;

/** Reads monitor lines until one shows `ECHO <marker>`; returns them without time and address. */
async function linesUntil(
  monitor: RespClient,
  marker: string,
): Promise<string[]> {
  const lines: string[] = [];
  while (true) {
    const line = String(await monitor.read());
    const match = LINE.exec(line);
    assert.ok(match, `not a monitor line: ${JSON.stringify(line)}`);
    const seconds = Number(match[1]);
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 60, line);
    if (match[5] === `"ECHO" "${marker}"`) return lines;
    lines.push(`[${match[3]}] ${match[5]}`);
  }
}

/** Runs `script` on both servers while a monitor watches each; compares the lines. */
async function sameMonitorLines(
  pair: Pair,
  script: readonly string[][],
): Promise<string[]> {
  const monitors = [await pair.ours.connect(), await pair.oracle.connect()];
  try {
    for (const monitor of monitors) {
      assert.equal(await monitor.call("MONITOR"), "OK");
    }
    for (const args of script) await pair.same([...args]);
    await pair.same(["ECHO", "end-of-script"]);
    const [ours, theirs] = await Promise.all(
      monitors.map((m) => linesUntil(m, "end-of-script")),
    );
    assert.deepEqual(ours, theirs);
    return ours;
  } finally {
    for (const monitor of monitors) monitor.close();
  }
}

differentialTest(
  "differential: MONITOR shows each command once, as Redis formats it",
  async (pair) => {
    const lines = await sameMonitorLines(pair, [
      ["SET", "k", "v"],
      ["SET", "with space", 'q"uote\n\x01\x7f\xff'],
      ["ECHO", "h\xc3\xa9llo"],
      ["GET"],
      ["CONFIG", "GET", "maxclients"],
      ["MULTI"],
      ["SET", "a", "1"],
      ["INCR", "a"],
      ["EXEC"],
      ["SELECT", "3"],
      ["SET", "x", "123"],
      ["SELECT", "0"],
      ["BLPOP", "nolist", "0.01"],
      ["PING"],
      ["AUTH", "secret"],
      ["AUTH", "user", "secret"],
      ["HELLO", "2", "AUTH", "default", "wrong", "SETNAME"],
      ["MULTI"],
      ["MONITOR"],
      ["EXEC"],
      ["UNKNOWNCMD", "x"],
    ]);
    // Admin commands, rejected ones and queued ones are not shown.
    assert.ok(!lines.some((l) => l.includes('"CONFIG"')), lines.join("\n"));
    assert.ok(lines.includes('[3] "SELECT" "3"'), lines.join("\n"));
    assert.ok(lines.includes('[0] "AUTH" "(redacted)"'), lines.join("\n"));
  },
);

differentialTest(
  "differential: RESET ends MONITOR mode",
  async (pair) => {
    const monitors = [await pair.ours.connect(), await pair.oracle.connect()];
    try {
      for (const monitor of monitors) {
        assert.equal(await monitor.call("MONITOR"), "OK");
        assert.equal(await monitor.call("RESET"), "RESET");
        assert.equal(
          await monitor.call("CLIENT", "INFO").then(String).then((info) =>
            /flags=(\S+)/.exec(info)![1]
          ),
          "N",
        );
      }
      await pair.same(["SET", "k", "v"]);
      for (const monitor of monitors) {
        assert.equal(await monitor.call("PING"), "PONG");
      }
    } finally {
      for (const monitor of monitors) monitor.close();
    }
  },
);
