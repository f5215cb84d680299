/**
 * Replication commands against redis-server: their metadata and argument
 * errors, ROLE and INFO replication of a master, and a replica whose master
 * is unreachable (read-only errors, MASTERDOWN, WAIT refused).
 */

import assert from "node:assert/strict";
import {
  commandInfoTest,
  differentialTest,
  type Pair,
} from "../helpers/differential.ts";
import { freePort } from "../helpers/servers.ts";
import { parseReply } from "../helpers/resp_client.ts";
import { binary } from "../helpers/bytes.ts";
import { REPLICATION_COMMANDS } from "../../lib/commands/replication.ts";

commandInfoTest("replication", REPLICATION_COMMANDS);

/** INFO replication as name/value pairs, without the ids (random per server). */
async function replicationFields(pair: Pair): Promise<[string[], string[]]> {
  const [ours, theirs] = await pair.both(["INFO", "replication"]);
  const fields = (info: string) =>
    info.split("\r\n").filter((line) =>
      line !== "" && !line.startsWith("$") &&
      !line.startsWith("master_replid:") &&
      !line.startsWith("master_link_down_since_seconds:")
    );
  return [fields(ours), fields(theirs)];
}

differentialTest(
  "differential: REPLCONF, REPLICAOF, WAIT and PSYNC check their arguments",
  async (pair) => {
    for (
      const args of [
        ["REPLCONF", "foo", "bar"],
        ["REPLCONF", "foo"],
        ["REPLCONF", "listening-port", "x"],
        ["REPLCONF", "listening-port", "7000", "capa", "eof"],
        ["REPLCONF", "capa", "whatever"],
        ["REPLCONF", "ip-address", "x".repeat(256)],
        ["REPLCONF", "ip-address", "10.0.0.1"],
        ["REPLCONF", "rdb-only", "2"],
        ["REPLCONF", "rdb-only", "0"],
        ["REPLCONF", "rdb-filter-only", ""],
        ["REPLCONF", "rdb-filter-only", "functions"],
        ["REPLCONF", "rdb-filter-only", "functions foo"],
        ["REPLICAOF", "127.0.0.1", "99999"],
        ["REPLICAOF", "127.0.0.1", "abc"],
        ["REPLICAOF", "127.0.0.1", "-1"],
        ["REPLICAOF", "no", "one"],
        ["SLAVEOF", "NO", "ONE"],
        ["REPLICAOF", "127.0.0.1"],
        ["WAIT", "a", "1"],
        ["WAIT", "1", "-1"],
        ["WAIT", "1", "1.5"],
        ["WAIT", "0", "0"],
        ["WAIT", "-1", "0"],
        ["WAIT", "1", "20"],
        ["PSYNC", "?"],
        ["SYNC", "x"],
      ]
    ) await pair.same(args);
    // An ACK from a connection that is not a replica gets no reply at all:
    // the next reply is PING's.
    await pair.ourClient.send("REPLCONF", "ack", "10");
    await pair.oracleClient.send("REPLCONF", "ack", "10");
    assert.equal(await pair.same(["PING"]), "+PONG\r\n");
  },
);

differentialTest(
  "differential: ROLE and INFO replication of a master without replicas",
  async (pair) => {
    await pair.same(["ROLE"]);
    const [ours, theirs] = await replicationFields(pair);
    assert.deepEqual(ours, theirs);
    await pair.same(["MULTI"]);
    await pair.same(["WAIT", "1", "0"]);
    await pair.same(["ROLE"]);
    await pair.same(["EXEC"]);
  },
);

differentialTest(
  "differential: a replica whose master is down refuses writes and WAIT",
  async (pair) => {
    const deadPort = String(freePort());
    await pair.same(["SET", "k", "v"]);
    await pair.same(["REPLICAOF", "127.0.0.1", deadPort]);
    await pair.same(["REPLICAOF", "127.0.0.1", deadPort]);
    const [ourRole, theirRole] = await pair.both(["ROLE"]);
    const shape = (raw: string) => {
      const role = parseReply(binary(raw), 0)![0] as unknown[];
      // The link's state changes as it retries: connect, connecting.
      return [role[0], role[1], role[2], role[4]];
    };
    assert.deepEqual(shape(ourRole), shape(theirRole));
    for (
      const args of [
        ["SET", "k", "w"],
        ["DEL", "k"],
        ["GET", "k"],
        ["EVAL", "return redis.call('set', 'k', 'x')", "0"],
        ["EVAL", "return redis.call('get', 'k')", "0"],
        ["EVAL", "#!lua\nreturn redis.call('get', 'k')", "0"],
        ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0"],
        ["WAIT", "0", "0"],
        ["MULTI"],
        ["SET", "k", "x"],
        ["GET", "k"],
        ["EXEC"],
        ["PSYNC", "?", "-1"],
        ["SYNC"],
        ["CONFIG", "SET", "replica-read-only", "no"],
        ["SET", "k", "y"],
        ["GET", "k"],
        ["CONFIG", "SET", "replica-read-only", "yes"],
        ["CONFIG", "SET", "replica-serve-stale-data", "no"],
        ["GET", "k"],
        ["PING"],
        ["ECHO", "x"],
        ["CONFIG", "GET", "replicaof"],
        ["CONFIG", "SET", "replica-serve-stale-data", "yes"],
      ]
    ) await pair.same(args);
    const [ours, theirs] = await replicationFields(pair);
    const names = (fields: string[]) => fields.map((f) => f.split(":")[0]);
    assert.deepEqual(names(ours), names(theirs));
    const stable = (fields: string[]) =>
      fields.filter((f) =>
        !/^(master_last_io|master_replid2|second_repl_offset|master_repl_offset|repl_backlog_first)/
          .test(f)
      );
    assert.deepEqual(stable(ours), stable(theirs));
    await pair.same(["REPLICAOF", "NO", "ONE"]);
    await pair.same(["ROLE"]);
    await pair.same(["SET", "k", "z"]);
    await pair.same(["CONFIG", "GET", "replicaof"]);
  },
);

/**
 * What a client that sent SYNC receives: the payload's `$<length>` header
 * and payload, then everything after a PING sent once the payload is in,
 * until the server closes the connection.
 */
async function syncThenPing(port: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(binary("*1\r\n$4\r\nSYNC\r\n"));
    let received = "";
    const buf = new Uint8Array(65536);
    const readMore = async () => {
      const n = await conn.read(buf);
      if (n === null) return false;
      received += String.fromCharCode(...buf.subarray(0, n));
      return true;
    };
    // Redis may send newlines while it prepares the payload.
    let header: RegExpMatchArray | null = null;
    while ((header = received.match(/^\n*\$(\d+)\r\n/)) === null) {
      assert.ok(await readMore(), "closed before the payload");
    }
    const end = header[0].length + Number(header[1]);
    while (received.length < end) {
      assert.ok(await readMore(), "closed in the payload");
    }
    assert.equal(received.slice(header[0].length, end).slice(0, 5), "REDIS");
    const after = received.length;
    await conn.write(binary("*1\r\n$4\r\nPING\r\n"));
    while (await readMore()) { /* until the server hangs up */ }
    return received.slice(after);
  } finally {
    try {
      conn.close();
    } catch {
      // Closed by the server already.
    }
  }
}

differentialTest(
  "differential: a replica (SYNC) that sends a command with a reply gets no reply and is disconnected",
  async (pair) => {
    const [ours, theirs] = await Promise.all([
      syncThenPing(pair.ours.port),
      syncThenPing(pair.oracle.port),
    ]);
    assert.equal(ours, theirs);
    assert.equal(ours, "");
    assert.equal(await pair.ourClient.call("PING"), "PONG");
  },
);
