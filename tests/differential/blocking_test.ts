/**
 * Blocked clients whose keys are taken away or brought in by whole-database
 * commands (FLUSHDB, FLUSHALL, SWAPDB), against redis-server.
 */

import assert from "node:assert/strict";
import { differentialTest, type Pair } from "../helpers/differential.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { waitBlocked } from "../helpers/servers.ts";
import { latin1 } from "../helpers/bytes.ts";

/**
 * Blocks a second client of each server in `blocking`, runs `then` on the
 * main clients, and returns both blocked clients' replies.
 */
async function blockedReplies(
  pair: Pair,
  blocking: string[],
  then: () => Promise<void>,
): Promise<[string, string]> {
  const clients: RespClient[] = [
    await pair.ours.connect(),
    await pair.oracle.connect(),
  ];
  try {
    const replies = clients.map((client) => client.callRaw(...blocking));
    await waitBlocked(pair.ourClient, 1);
    await waitBlocked(pair.oracleClient, 1);
    await then();
    const [ours, theirs] = await Promise.all(replies);
    return [latin1(ours), latin1(theirs)];
  } finally {
    for (const client of clients) client.close();
  }
}

const XREADGROUP = [
  "XREADGROUP",
  "GROUP",
  "g",
  "c",
  "BLOCK",
  "0",
  "STREAMS",
  "s",
  ">",
];

for (
  const removal of [["FLUSHDB"], ["FLUSHALL"], ["DEL", "s"], [
    "SWAPDB",
    "0",
    "1",
  ]]
) {
  differentialTest(
    `differential: a blocked XREADGROUP is answered when ${
      removal[0]
    } takes its stream away`,
    async (pair) => {
      await pair.same(["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
      const [ours, theirs] = await blockedReplies(
        pair,
        XREADGROUP,
        async () => {
          await pair.same(removal);
        },
      );
      assert.equal(ours, theirs);
      assert.equal(ours, "-UNBLOCKED the stream key no longer exists\r\n");
      await pair.same(["INFO", "errorstats"]);
    },
  );
}

differentialTest(
  "differential: FLUSHALL leaves clients blocked on lists waiting",
  async (pair) => {
    const [ours, theirs] = await blockedReplies(
      pair,
      ["BLPOP", "l", "0.3"],
      async () => {
        await pair.same(["FLUSHALL"]);
      },
    );
    assert.equal(ours, theirs);
    assert.equal(ours, "*-1\r\n");
  },
);

differentialTest(
  "differential: a key SWAPDB brings in already expired does not serve a blocked client",
  async (pair) => {
    assert.equal(
      await pair.same(["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
      "+OK\r\n",
    );
    await pair.same(["SELECT", "1"]);
    await pair.same(["RPUSH", "l", "x"]);
    await pair.same(["PEXPIRE", "l", "1"]);
    await pair.same(["SELECT", "0"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [ours, theirs] = await blockedReplies(
      pair,
      ["BLPOP", "l", "0.3"],
      async () => {
        await pair.same(["SWAPDB", "0", "1"]);
      },
    );
    assert.equal(ours, theirs);
    assert.equal(ours, "*-1\r\n");
    // The key was still there, expired, when SWAPDB brought it in.
    await pair.same(["DBSIZE"]);
    await pair.same(["DEBUG", "SET-ACTIVE-EXPIRE", "1"]);
  },
  { flags: ["--enable-debug-command", "yes"] },
);
