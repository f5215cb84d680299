/**
 * RESTORE-ASKING, RESTORE and DUMP against redis-server: the same table
 * entries and docs, and RESTORE-ASKING restoring as RESTORE does.
 *
 * @module
 */

import assert from "node:assert/strict";
import { commandInfoTest, differentialTest } from "../helpers/differential.ts";
import { DUMP_COMMANDS } from "../../lib/commands/dump.ts";
import { sameDocs } from "./docs_common.ts";

commandInfoTest("dump", DUMP_COMMANDS);

differentialTest(
  "differential: COMMAND DOCS of DUMP, RESTORE and RESTORE-ASKING match redis-server",
  async (pair) => {
    for (const { name } of DUMP_COMMANDS) await sameDocs(pair, name);
  },
);

differentialTest(
  "differential: RESTORE-ASKING restores as RESTORE, RESP2 and RESP3",
  async (pair) => {
    await pair.same(["RPUSH", "list", "a", "b", "c"]);
    await pair.same(["HSET", "hash", "f", "v"]);
    await pair.same(["SET", "string", "value"]);
    const payloads = new Map<string, string>();
    // Redis's payloads, which both must take (ours may encode differently).
    for (const key of ["list", "hash", "string"]) {
      payloads.set(key, await pair.oracleClient.call("DUMP", key) as string);
    }
    for (const protocol of ["2", "3"]) {
      await pair.both(["HELLO", protocol]);
      await pair.same(["FLUSHALL"]);
      for (const [key, payload] of payloads) {
        await pair.same(["RESTORE-ASKING", key, "0", payload]);
        await pair.same(["RESTORE-ASKING", key, "0", payload]);
        await pair.same(["restore-asking", key, "0", payload, "REPLACE"]);
        await pair.same(["TYPE", key]);
        await pair.same(["TTL", key]);
      }
      const list = payloads.get("list")!;
      await pair.same(["RESTORE-ASKING", "t", "100000", list]);
      const [ttl] = await pair.both(["PTTL", "t"]);
      assert.match(ttl, /^:\d+\r\n$/);
      assert.ok(Number(ttl.slice(1, -2)) > 99000);
      await pair.same(["RESTORE-ASKING", "t2", "1", list, "ABSTTL"]);
      await pair.same(["EXISTS", "t2"]);
      await pair.same(["RESTORE-ASKING", "i", "0", list, "IDLETIME", "100"]);
      await pair.same(["OBJECT", "IDLETIME", "i"]);
      await pair.same(["RESTORE-ASKING", "f", "0", list, "FREQ", "5"]);
      await pair.same(["RESTORE-ASKING", "f", "0", list, "REPLACE", "FREQ"]);
      await pair.same(["RESTORE-ASKING", "f", "0", list, "FREQ", "300"]);
      await pair.same(["RESTORE-ASKING", "n", "-1", list]);
      await pair.same(["RESTORE-ASKING", "n", "x", list]);
      await pair.same(["RESTORE-ASKING", "n", "0", "bad payload"]);
      await pair.same(["RESTORE-ASKING", "n", "0", list, "foo"]);
      await pair.same(["RESTORE-ASKING", "n", "0"]);
      await pair.same(["LRANGE", "i", "0", "-1"]);
    }
    await pair.same(["COMMAND", "GETKEYS", "RESTORE-ASKING", "k", "0", "x"]);
    await pair.same(["ACL", "DRYRUN", "default", "RESTORE-ASKING", "k"]);
    await pair.same(["ACL", "SETUSER", "r", "on", "nopass", "+@keyspace"]);
    await pair.same(["ACL", "DRYRUN", "r", "RESTORE-ASKING", "k", "0", "x"]);
  },
);
