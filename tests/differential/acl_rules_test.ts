/**
 * ACL SETUSER rules and the ACL subcommands that read users (GETUSER, LIST,
 * USERS, WHOAMI, CAT, GENPASS, HELP, DRYRUN, DELUSER) against redis-server:
 * raw replies compared byte for byte. After every SETUSER, ACL GETUSER (in
 * RESP2 and RESP3) and ACL LIST are compared too.
 *
 * Normalized: HELLO's connection id; ACL CAT <category> is compared sorted
 * (Redis lists a category's commands in its command dict's order, which is
 * seeded at random on every start, so even two redis-servers differ);
 * GENPASS is random, so only its shape (length, lowercase hex) is compared.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type AclPair,
  aclTest,
  type Duo,
  missingCommands,
  type Normalize,
  normalizeHello,
  normalizeRules,
  sortArray,
  withoutCommands,
} from "./acl_common.ts";

const HASH_A = "a".repeat(64);
/** sha256("secret"), as GETUSER shows a password. */
const HASH_SECRET =
  "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

/** A RESP3 connection to each server, for GETUSER's map reply. */
async function resp3(pair: AclPair): Promise<Duo> {
  const duo = await pair.connect();
  await pair.same(["HELLO", "3"], { on: duo, normalize: normalizeHello });
  return duo;
}

/**
 * ACL SETUSER `user` `rules`, then GETUSER in RESP2 and RESP3 and ACL LIST,
 * all compared.
 */
async function setuser(
  pair: AclPair,
  r3: Duo,
  user: string,
  ...rules: string[]
): Promise<void> {
  await setuserWith(normalizeRules, pair, r3, user, ...rules);
}

/** {@linkcode setuser} with the GETUSER and LIST replies normalized by `normalize`. */
async function setuserWith(
  normalize: Normalize,
  pair: AclPair,
  r3: Duo,
  user: string,
  ...rules: string[]
): Promise<void> {
  const context = `after SETUSER ${user} ${rules.join(" ")}: `;
  await pair.same(["ACL", "SETUSER", user, ...rules]);
  await pair.same(["ACL", "GETUSER", user], { context, normalize });
  await pair.same(["ACL", "GETUSER", user], { on: r3, context, normalize });
  await pair.same(["ACL", "LIST"], { context, normalize });
}

aclTest("every SETUSER rule, one after another on one user", async (pair) => {
  const r3 = await resp3(pair);
  const steps: string[][] = [
    [],
    ["on"],
    ["off"],
    ["on", "off", "on"],
    [">p1"],
    [">p2", ">p1"],
    ["<p1"],
    [`#${HASH_A}`],
    [`#${HASH_SECRET}`],
    [`!${HASH_A}`],
    ["nopass"],
    [">after-nopass"],
    ["nopass", "resetpass"],
    [">secret", ">secret"],
    ["~a*"],
    ["~b*", "~a*"],
    ["%R~r*"],
    ["%W~w*"],
    ["%RW~rw*"],
    ["%R~both*", "%W~both*"],
    ["%W~r*"],
    ["%R~w*"],
    ["%r~lower*"],
    ["%wR~mixed*"],
    ["~"],
    ["allkeys"],
    ["resetkeys"],
    ["~*"],
    ["resetkeys", "~x", "resetkeys", "~y"],
    ["&ch*"],
    ["&ch?", "&ch*"],
    ["allchannels"],
    ["resetchannels"],
    ["&*"],
    ["resetchannels", "&news.*"],
    ["&"],
    ["+get"],
    ["+set", "+get"],
    ["-get"],
    ["+config|get"],
    ["+config|set", "-config|get"],
    ["+client", "-client|kill"],
    ["-client"],
    ["+@read"],
    ["-@write"],
    ["+@hash", "-hset"],
    ["+@all"],
    ["-@all", "+@string"],
    ["allcommands"],
    ["nocommands"],
    ["+select|0"],
    ["+select|1", "+select|0"],
    ["+get|x"],
    ["+ping|x"],
    ["+acl|whoami", "+acl|setuser"],
    ["-acl"],
    ["+@all", "-@admin", "+config|get"],
    ["+@all", "-@all", "+GET", "+Config|GET", "+@READ"],
    ["reset"],
    ["(~sel* +get)"],
    ["(%R~r* &c +@read)", "(%W~w* -@all +set)"],
    ["(on)", "ignored because of the error"],
    ["clearselectors"],
    ["()"],
    ["( ~a  +get )"],
    ["(+get ~a &b)", "clearselectors", "(~c +set)"],
    ["(allkeys allchannels allcommands)"],
    ["(resetkeys resetchannels nocommands)"],
    ["(~x)", "reset", "(~y)"],
    ["(>pass)"],
    ["(nopass)"],
    ["(reset)"],
    ["(off)"],
    ["(clearselectors)"],
    ["((~a))"],
    ["on", ">pw", "~k*", "&c*", "+@all", "-flushall", "(~s* +get)"],
    ["sanitize-payload"],
    ["skip-sanitize-payload"],
    ["sanitize-payload", "skip-sanitize-payload", "sanitize-payload"],
    ["SKIP-SANITIZE-PAYLOAD", "ON", "NOPASS", "ALLKEYS", "RESETKEYS"],
    [">with space", "~with space", "&with space"],
    ["<with space"],
    [">\x00\xff binary"],
    ["~a\\*", "~[a-c]?", "&\\*"],
    ["resetkeys", "%RW~x", "%WR~y", "%R~x"],
    ["reset", "(sanitize-payload)"],
    ["reset", "(%R~a %W~b +@read +set)"],
  ];
  for (const rules of steps) await setuser(pair, r3, "u1", ...rules);
});

/**
 * Category mixes. Redis 7.0 describes them from the command bitmap with a
 * greedy choice of categories, so the description depends on which
 * commands each category holds: a command table that differs from Redis's
 * shows here (and in ACL CAT <category>).
 */
aclTest("category mixes are described as Redis does", async (pair) => {
  const r3 = await resp3(pair);
  const mixes: string[][] = [
    ["+@read", "-@dangerous"],
    ["+@all", "-@dangerous"],
    ["+@all", "-@admin", "-@dangerous", "+config|get"],
    ["+@keyspace", "-@read", "+@pubsub", "-@slow", "+@fast"],
    ["+@connection", "+@transaction", "+@scripting", "+@blocking"],
    ["+@geo", "+@stream", "+@list", "+@set", "+@sortedset", "+@bitmap"],
    ["+@hyperloglog", "-@admin", "+@dangerous", "-@hyperloglog"],
    ["+@write", "-@list", "+lpush", "-@string"],
    ["+@slow", "-@write"],
    ["+@all", "-@slow", "+@keyspace"],
    ["(+@read -@dangerous)"],
  ];
  // Commands our table lacks are left out of Redis's descriptions.
  const normalize = withoutCommands(
    await missingCommands(pair),
    normalizeRules,
  );
  for (const [i, rules] of mixes.entries()) {
    await setuserWith(normalize, pair, r3, `mix${i}`, ...rules);
  }
});

aclTest("each rule on a fresh user, then GETUSER and LIST", async (pair) => {
  const r3 = await resp3(pair);
  const rules = [
    "on",
    "off",
    ">pass",
    `#${HASH_SECRET}`,
    "nopass",
    "resetpass",
    "~pattern",
    "%R~r",
    "%W~w",
    "%RW~rw",
    "allkeys",
    "resetkeys",
    "&pattern",
    "allchannels",
    "resetchannels",
    "+get",
    "-get",
    "+config|get",
    "-config|get",
    "+@read",
    "-@read",
    "allcommands",
    "nocommands",
    "reset",
    "(~a +get)",
    "clearselectors",
  ];
  for (const [i, rule] of rules.entries()) {
    await setuser(pair, r3, `fresh${i}`, rule);
  }
  await pair.same(["ACL", "USERS"]);
});

aclTest(
  "every SETUSER error text, and a failed SETUSER changes nothing",
  async (pair) => {
    const r3 = await resp3(pair);
    await setuser(pair, r3, "e", "on", ">keep", "~keep", "&keep", "+get");
    const bad: string[][] = [
      ["xyz"],
      ["ON "],
      ["#abc"],
      ["!abc"],
      [`#${"g".repeat(64)}`],
      [`#${"A".repeat(64)}`],
      [`#${"a".repeat(63)}`],
      [`#${"a".repeat(65)}`],
      [`!${"a".repeat(64)}`],
      ["<not-a-password"],
      ["<"],
      ["+nosuch"],
      ["-nosuch"],
      ["+get|x|y"],
      ["+config|nosuch"],
      ["-config|get|x"],
      ["-select|0"],
      ["+@"],
      ["-@"],
      ["+@nosuch"],
      ["-@nosuch"],
      ["+@all|x"],
      ["+@read|x"],
      ["+"],
      ["-"],
      ["%"],
      ["%X~foo"],
      ["%RWX~a"],
      ["%~a"],
      ["%R"],
      ["%RW"],
      ["(" + "~a +get"],
      ["("],
      [")"],
      ["(+get))"],
      ["(on)"],
      ["(>pass)"],
      ["(nosuch)"],
      ["(+nosuch)"],
      ["(%X~a)"],
      ["+get", "+nosuch"],
      ["on", "off", "bad"],
      ["allkeys", "~after"],
      ["~*", "~after"],
      ["allkeys", "%R~after"],
      ["allchannels", "&after"],
      ["&*", "&after"],
      ["(allkeys ~after)"],
      ["(allchannels &after)"],
    ];
    for (const rules of bad) {
      await setuser(pair, r3, "e", ...rules);
    }
    // A user that a failing SETUSER would have created does not exist.
    await setuser(pair, r3, "never", "on", "bad-rule");
    await setuser(pair, r3, "never", "(~a");
    await pair.same(["ACL", "USERS"]);
    for (
      const args of [
        ["ACL", "SETUSER"],
        ["ACL", "SETUSER", "a b"],
        ["ACL", "SETUSER", "a b", "on"],
        ["ACL", "SETUSER", "a\x00b"],
        ["ACL", "SETUSER", ""],
        ["ACL", "GETUSER", ""],
        ["ACL", "DELUSER", ""],
        ["ACL", "GETUSER"],
        ["ACL", "GETUSER", "a", "b"],
        ["ACL", "GETUSER", "nosuch"],
        ["ACL", "GETUSER", "a b"],
      ]
    ) {
      await pair.same(args);
      await pair.same(args, { on: r3 });
    }
  },
);

aclTest("rules on the default user and requirepass", async (pair) => {
  const r3 = await resp3(pair);
  await setuser(pair, r3, "default");
  await setuser(pair, r3, "default", "-@dangerous", "+flushall");
  await setuser(pair, r3, "default", "resetkeys", "~cache:*");
  await setuser(pair, r3, "default", "resetchannels", "&news");
  await setuser(pair, r3, "default", "+@all", "allkeys", "allchannels");
  await setuser(pair, r3, "default", ">defpass");
  await setuser(pair, r3, "default", "nopass");
  await setuser(pair, r3, "default", "(~x +get)");
  await setuser(pair, r3, "default", "clearselectors");
  for (const value of ["secret", "", "other", "secret"]) {
    await pair.same(["CONFIG", "SET", "requirepass", value]);
    await pair.same(["CONFIG", "GET", "requirepass"]);
    await pair.same(["ACL", "GETUSER", "default"], {
      context: value,
      normalize: normalizeRules,
    });
    await pair.same(["ACL", "LIST"], { normalize: normalizeRules });
  }
  await setuser(pair, r3, "default", ">second");
  await pair.same(["CONFIG", "GET", "requirepass"]);
  await pair.same(["CONFIG", "SET", "requirepass", ""]);
  await setuser(pair, r3, "default", "resetpass");
  await pair.same(["CONFIG", "GET", "requirepass"]);
  await setuser(pair, r3, "default", "nopass");
  await setuser(pair, r3, "default", "reset");
  await setuser(pair, r3, "default", "on", "nopass", "~*", "&*", "+@all");
});

aclTest("DELUSER, USERS, LIST, WHOAMI, and wrong arities", async (pair) => {
  for (const name of ["zed", "alice", "bob", "Bob", "carol", "_", "a:b"]) {
    await pair.same(["ACL", "SETUSER", name, "on", `>${name}pw`, "+@all"]);
  }
  await pair.same(["ACL", "USERS"]);
  await pair.same(["ACL", "LIST"], { normalize: normalizeRules });
  await pair.same(["ACL", "WHOAMI"]);
  const bob = await pair.login("bob", "bobpw");
  await pair.same(["ACL", "WHOAMI"], { on: bob });
  await pair.same(["AUTH", "Bob", "Bobpw"], { on: bob });
  await pair.same(["ACL", "WHOAMI"], { on: bob });
  await pair.same(["ACL", "DELUSER", "default"]);
  await pair.same(["ACL", "DELUSER", "alice", "default"]);
  await pair.same(["ACL", "USERS"]);
  await pair.same(["ACL", "DELUSER", "alice", "nobody", "zed", "zed"]);
  await pair.same(["ACL", "DELUSER", "nobody"]);
  await pair.same(["ACL", "USERS"]);
  await pair.same(["ACL", "LIST"], { normalize: normalizeRules });
  for (
    const args of [
      ["ACL"],
      ["ACL", "NOSUCH"],
      ["ACL", "nosuch", "x"],
      ["ACL", "DELUSER"],
      ["ACL", "USERS", "x"],
      ["ACL", "WHOAMI", "x"],
      ["ACL", "LIST", "x"],
      ["ACL", "CAT", "a", "b"],
      ["ACL", "GENPASS", "1", "2"],
      ["ACL", "LOG", "1", "2"],
      ["ACL", "LOG", "RESET", "x"],
      ["ACL", "DRYRUN"],
      ["ACL", "DRYRUN", "bob"],
      ["ACL", "HELP", "x"],
      ["ACL", "SAVE", "x"],
      ["ACL", "LOAD", "x"],
      ["ACL", "SAVE"],
      ["ACL", "LOAD"],
      ["acl", "users"],
      ["Acl", "WhoAmI"],
    ]
  ) await pair.same(args);
});

aclTest("ACL HELP, CAT, and CAT of each category (sorted)", async (pair) => {
  const r3 = await resp3(pair);
  await pair.same(["ACL", "HELP"]);
  await pair.same(["ACL", "HELP"], { on: r3 });
  await pair.same(["ACL", "help"]);
  const categories = await pair.same(["ACL", "CAT"]);
  await pair.same(["ACL", "CAT"], { on: r3 });
  const names = categories.split("\r\n").filter((_, i) => i > 0 && i % 2 === 0);
  // Commands our table lacks are left out of Redis's lists.
  const normalize = withoutCommands(await missingCommands(pair), sortArray);
  assert.ok(names.includes("keyspace") && names.length >= 21);
  for (
    const name of [...names, "READ", "Write", "nosuch", "", "@read", "all"]
  ) {
    await pair.same(["ACL", "CAT", name], { normalize });
  }
});

/** Checks a GENPASS reply's shape: a bulk string of `chars` lowercase hex. */
function genpassShape(raw: string): string {
  const m = /^\$(\d+)\r\n([0-9a-f]*)\r\n$/.exec(raw);
  if (m === null) return raw;
  assert.equal(Number(m[1]), m[2].length);
  return `hex of ${m[2].length}`;
}

aclTest("ACL GENPASS lengths and bits errors", async (pair) => {
  const r3 = await resp3(pair);
  for (
    const bits of [
      [],
      ["1"],
      ["3"],
      ["4"],
      ["5"],
      ["8"],
      ["63"],
      ["64"],
      ["65"],
      ["255"],
      ["256"],
      ["257"],
      ["1000"],
      ["4096"],
      ["0"],
      ["-1"],
      ["4097"],
      ["abc"],
      ["1.5"],
      [""],
      ["99999999999999999999"],
    ]
  ) {
    await pair.same(["ACL", "GENPASS", ...bits], { normalize: genpassShape });
    await pair.same(["ACL", "GENPASS", ...bits], {
      on: r3,
      normalize: genpassShape,
    });
  }
  // Two passwords are not the same.
  const [a, b] = await pair.both(["ACL", "GENPASS"]);
  const [c, d] = await pair.both(["ACL", "GENPASS"]);
  assert.notEqual(a, c);
  assert.notEqual(b, d);
});

aclTest(
  "ACL DRYRUN: allowed, NOPERM texts, unknown user and command",
  async (pair) => {
    const r3 = await resp3(pair);
    await pair.same([
      "ACL",
      "SETUSER",
      "dry",
      "on",
      "nopass",
      "%R~r*",
      "%W~w*",
      "~rw*",
      "&chan*",
      "+@read",
      "+set",
      "+config|get",
      "+select|1",
      "+publish",
      "+subscribe",
      "+psubscribe",
      "+copy",
      "+lmove",
      "+eval",
      "(~sel* +hset)",
    ]);
    await pair.same(["ACL", "SETUSER", "offuser", "off", "+@all", "~*"]);
    const cases: string[][] = [
      ["dry", "get", "r1"],
      ["dry", "GET", "rw1"],
      ["dry", "get", "w1"],
      ["dry", "get", "other"],
      ["dry", "set", "w1", "v"],
      ["dry", "set", "r1", "v"],
      ["dry", "set", "rw1", "v"],
      ["dry", "set", "w1", "v", "GET"],
      ["dry", "set", "rw1", "v", "GET"],
      ["dry", "del", "w1"],
      ["dry", "hset", "sel1", "f", "v"],
      ["dry", "hset", "w1", "f", "v"],
      ["dry", "hget", "sel1", "f"],
      ["dry", "config", "get", "port"],
      ["dry", "config", "set", "port", "1"],
      ["dry", "config", "resetstat"],
      ["dry", "config"],
      ["dry", "select", "1"],
      ["dry", "select", "2"],
      ["dry", "publish", "chan1", "x"],
      ["dry", "publish", "other", "x"],
      ["dry", "subscribe", "chan1", "other"],
      ["dry", "psubscribe", "chan*"],
      ["dry", "psubscribe", "chan1*"],
      ["dry", "copy", "r1", "w1"],
      ["dry", "copy", "w1", "r1"],
      ["dry", "lmove", "rw1", "w1", "left", "right"],
      ["dry", "eval", "return 1", "1", "r1"],
      ["dry", "eval", "return 1", "1", "other"],
      ["dry", "get"],
      ["dry", "get", "r1", "extra"],
      ["dry", "nosuch"],
      ["dry", "nosuch", "x"],
      ["dry", "config", "nosuch"],
      ["nobody", "get", "x"],
      ["nobody", "nosuch"],
      ["offuser", "get", "x"],
      ["default", "get", "x"],
      ["default", "nosuch"],
    ];
    for (const args of cases) {
      await pair.same(["ACL", "DRYRUN", ...args]);
      await pair.same(["ACL", "DRYRUN", ...args], { on: r3 });
    }
  },
);
