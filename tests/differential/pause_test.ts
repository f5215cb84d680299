/**
 * CLIENT PAUSE and UNPAUSE against redis-server: which commands are held in
 * WRITE and ALL mode, how held clients look, and expiry while paused.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { waitBlocked } from "../helpers/servers.ts";
import { latin1 } from "../helpers/bytes.ts";

/** A second client on each server. */
async function others(pair: Pair): Promise<[RespClient, RespClient]> {
  return [await pair.ours.connect(), await pair.oracle.connect()];
}

/** Sends `args` from both `clients`; resolves with both raw replies when they come. */
function sendBoth(
  clients: [RespClient, RespClient],
  args: string[],
): Promise<string[]> {
  return Promise.all(
    clients.map((client) => client.callRaw(...args).then(latin1)),
  );
}

/** CLIENT LIST's flags and cmd fields of the line of client `name`. */
async function flagsOf(client: RespClient, name: string): Promise<string> {
  const list = String(await client.call("CLIENT", "LIST"));
  const line = list.split("\n").find((l) => l.includes(` name=${name} `))!;
  return `${/flags=(\S+)/.exec(line)![1]} ${/cmd=(\S+)/.exec(line)![1]}`;
}

differentialTest(
  "differential: CLIENT PAUSE checks its arguments",
  async (pair) => {
    for (
      const args of [
        ["CLIENT", "PAUSE"],
        ["CLIENT", "PAUSE", "abc"],
        ["CLIENT", "PAUSE", "-1"],
        ["CLIENT", "PAUSE", "100", "FOO"],
        ["CLIENT", "PAUSE", "100", "WRITE", "x"],
        ["CLIENT", "UNPAUSE", "x"],
        ["CLIENT", "UNPAUSE"],
      ]
    ) await pair.same(args);
  },
);

differentialTest(
  "differential: CLIENT PAUSE WRITE holds writes, and EXEC of a transaction with one",
  async (pair) => {
    const writers = await others(pair);
    try {
      for (const w of writers) await w.call("CLIENT", "SETNAME", "writer");
      await pair.same(["SET", "k", "v"]);
      await pair.same(["CLIENT", "PAUSE", "10000", "WRITE"]);
      // Reads go on.
      await pair.same(["GET", "k"]);
      const held = sendBoth(writers, ["SET", "k", "w"]);
      await waitBlocked(pair.ourClient, 1);
      await waitBlocked(pair.oracleClient, 1);
      assert.equal(
        await flagsOf(pair.ourClient, "writer"),
        await flagsOf(pair.oracleClient, "writer"),
      );
      await pair.same(["GET", "k"]);
      // A transaction of reads runs; one with a write waits at EXEC.
      await pair.same(["MULTI"]);
      await pair.same(["GET", "k"]);
      await pair.same(["EXEC"]);
      await pair.same(["CLIENT", "UNPAUSE"]);
      const [ours, theirs] = await held;
      assert.equal(ours, theirs);
      await pair.same(["GET", "k"]);
      // Queued before the pause, the write holds EXEC (as it would have
      // held the SET itself, during the pause, before queueing it).
      await pair.same(["MULTI"]);
      await pair.same(["SET", "k", "x"]);
      await Promise.all(
        writers.map((w) => w.call("CLIENT", "PAUSE", "10000", "WRITE")),
      );
      const exec = Promise.all([
        pair.ourClient.callRaw("EXEC").then(latin1),
        pair.oracleClient.callRaw("EXEC").then(latin1),
      ]);
      await waitBlocked(writers[0], 1);
      await waitBlocked(writers[1], 1);
      await Promise.all(writers.map((w) => w.call("CLIENT", "UNPAUSE")));
      const [a, b] = await exec;
      assert.equal(a, b);
      await pair.same(["GET", "k"]);
    } finally {
      for (const w of writers) w.close();
    }
  },
);

differentialTest(
  "differential: CLIENT PAUSE ALL holds every command until it times out",
  async (pair) => {
    const readers = await others(pair);
    try {
      await pair.same(["SET", "k", "v"]);
      await pair.same(["CLIENT", "PAUSE", "200", "ALL"]);
      const started = Date.now();
      const [ours, theirs] = await sendBoth(readers, ["GET", "k"]);
      assert.equal(ours, theirs);
      assert.ok(Date.now() - started >= 150, "the GET waited for the pause");
    } finally {
      for (const r of readers) r.close();
    }
  },
);

differentialTest(
  "differential: keys do not expire while writes are paused",
  async (pair) => {
    await pair.same(["SET", "k", "v", "PX", "50"]);
    await pair.same(["CLIENT", "PAUSE", "10000", "WRITE"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pair.same(["GET", "k"]);
    await pair.same(["EXISTS", "k"]);
    await pair.same(["DBSIZE"]);
    await pair.same(["CLIENT", "UNPAUSE"]);
    await pair.same(["GET", "k"]);
    await pair.same(["DBSIZE"]);
  },
);
