/**
 * ACL LOG against redis-server: entries after failed AUTH and HELLO AUTH,
 * NOPERM on commands, subcommands, keys and channels at top level, in
 * MULTI and in scripts; grouping of repeated failures (count), LOG <count>,
 * RESET, RESP3, and acllog-max-len.
 *
 * Normalized (see acl_common.ts): age-seconds (checked to be a number),
 * and client-info's id, addr, laddr, fd, age, idle, qbuf-free, rbs, rbp and
 * tot-mem. Everything else is compared byte for byte, field order included.
 *
 * @module
 */

import {
  type AclPair,
  aclTest,
  type Duo,
  normalizeHello,
  normalizeLog,
} from "./acl_common.ts";

async function run(
  pair: AclPair,
  duo: Duo,
  commands: readonly string[][],
): Promise<void> {
  for (const args of commands) {
    await pair.same(args, { on: duo, normalize: normalizeHello });
  }
}

/** ACL LOG (with `args`) on `duo`, compared once normalized. */
function log(pair: AclPair, duo: Duo, ...args: string[]): Promise<string> {
  return pair.same(["ACL", "LOG", ...args], {
    on: duo,
    normalize: normalizeLog,
  });
}

/** An admin on the main duo, a RESP3 admin duo, and a limited user "lg". */
async function setUp(pair: AclPair): Promise<Duo> {
  await pair.same(["ACL", "SETUSER", "admin", "on", ">a", "~*", "&*", "+@all"]);
  await pair.same(["AUTH", "admin", "a"]);
  await pair.same([
    "ACL",
    "SETUSER",
    "lg",
    "on",
    ">pw",
    "~app:*",
    "&ch",
    "-@all",
    "+get",
    "+set",
    "+publish",
    "+subscribe",
    "+psubscribe",
    "+multi",
    "+exec",
    "+eval",
    "+config|get",
  ]);
  const r3 = await pair.login("admin", "a");
  await pair.same(["HELLO", "3"], { on: r3, normalize: normalizeHello });
  return r3;
}

aclTest(
  "ACL LOG after failed AUTH and HELLO AUTH, grouped by count",
  async (pair) => {
    const r3 = await setUp(pair);
    await log(pair, pair.main);
    const c = await pair.connect();
    await run(pair, c, [
      ["AUTH", "lg", "wrong"],
      ["AUTH", "lg", "wrong-again"],
      ["AUTH", "nobody", "x"],
      ["AUTH", "some-password"],
      ["HELLO", "3", "AUTH", "lg", "bad"],
      ["HELLO", "2", "AUTH", "lg", "bad"],
    ]);
    await pair.same(["ACL", "SETUSER", "lg", "off"]);
    await run(pair, c, [["AUTH", "lg", "pw"]]);
    await pair.same(["ACL", "SETUSER", "lg", "on"]);
    await run(pair, c, [["AUTH", "lg", "pw"], ["AUTH", "lg", "wrong"]]);
    await log(pair, pair.main);
    await log(pair, r3);
    for (const count of ["1", "2", "0", "100", "-1", "abc", "1.5", "reset!"]) {
      await log(pair, pair.main, count);
    }
    await log(pair, pair.main, "RESET");
    await log(pair, pair.main);
    await log(pair, r3);
    await log(pair, pair.main, "reset");
  },
);

aclTest(
  "ACL LOG after NOPERM: command, subcommand, key, channel, MULTI, Lua",
  async (pair) => {
    const r3 = await setUp(pair);
    const c = await pair.login("lg", "pw");
    await run(pair, c, [
      ["GET", "app:1"],
      ["GET", "other"],
      ["GET", "other"],
      ["GET", "other2"],
      ["DEL", "app:1"],
      ["del", "app:1"],
      ["CONFIG", "SET", "port", "1"],
      ["CONFIG", "GET", "maxmemory"],
      ["PUBLISH", "ch", "m"],
      ["PUBLISH", "other", "m"],
      ["MSET", "app:1", "v"],
      ["SET", "app:1", "v", "GET"],
      ["SET", "other", "v"],
      ["MULTI"],
      ["SET", "other", "v"],
      ["DEL", "app:1"],
      ["EXEC"],
      ["EVAL", "return redis.call('get', 'other')", "0"],
      ["EVAL", "return redis.call('del', 'app:1')", "0"],
      ["EVAL", "return redis.pcall('publish', 'other', 'm')", "0"],
      ["EVAL", "return redis.call('get', KEYS[1])", "1", "other"],
    ]);
    await log(pair, pair.main);
    await log(pair, r3);
    await log(pair, pair.main, "3");
    // A subscriber's denied channels and patterns.
    const s = await pair.login("lg", "pw");
    await run(pair, s, [
      ["SUBSCRIBE", "ch", "nope"],
      ["PSUBSCRIBE", "c*"],
      ["PSUBSCRIBE", "ch"],
    ]);
    await log(pair, pair.main, "3");
    // Permission revoked between MULTI and EXEC: logged at EXEC.
    await run(pair, c, [["MULTI"], ["GET", "app:1"]]);
    await pair.same(["ACL", "SETUSER", "lg", "-get"]);
    await run(pair, c, [["EXEC"]]);
    await log(pair, pair.main, "2");
    await log(pair, pair.main, "RESET");
    await log(pair, r3);
  },
);

aclTest("ACL LOG with acllog-max-len", async (pair) => {
  await setUp(pair);
  const c = await pair.login("lg", "pw");
  await pair.same(["CONFIG", "GET", "acllog-max-len"]);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "3"]);
  for (const key of ["k1", "k2", "k3", "k4", "k5", "k1"]) {
    await run(pair, c, [["GET", key]]);
  }
  await log(pair, pair.main);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "1"]);
  await log(pair, pair.main);
  await run(pair, c, [["GET", "k6"]]);
  await log(pair, pair.main);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "0"]);
  await run(pair, c, [["GET", "k7"], ["AUTH", "lg", "x"]]);
  await log(pair, pair.main);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "-1"]);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "abc"]);
  await pair.same(["CONFIG", "SET", "acllog-max-len", "128"]);
  await pair.same(["CONFIG", "GET", "acllog-max-len"]);
  await run(pair, c, [["GET", "k8"]]);
  await log(pair, pair.main);
});
