/**
 * ACL at work against redis-server: AUTH and HELLO AUTH, NOAUTH, requirepass,
 * and the permission checks (commands, subcommands, first-args, keys by
 * read/write key-spec flags, channels, selectors, MULTI/EXEC, scripts),
 * clients disconnected when their user goes away or loses its channels,
 * CLIENT KILL USER, CLIENT LIST's user= field and the error statistics.
 * Every reply is compared byte for byte, on as many connections to each
 * server as a scenario needs (HELLO's connection id is masked).
 *
 * @module
 */

import {
  type AclPair,
  aclTest,
  type Duo,
  infoFields,
  mapStrings,
  normalizeHello,
  sortArray,
} from "./acl_common.ts";
import { waitBlocked } from "../helpers/servers.ts";

/** Runs each command on `duo`, comparing replies. */
async function run(
  pair: AclPair,
  duo: Duo,
  commands: readonly string[][],
  context = "",
): Promise<void> {
  for (const args of commands) {
    await pair.same(args, { on: duo, normalize: normalizeHello, context });
  }
}

/** Makes the main connections an all-powerful "admin" user. */
async function admin(pair: AclPair): Promise<void> {
  await pair.same([
    "ACL",
    "SETUSER",
    "admin",
    "on",
    ">adminpw",
    "~*",
    "&*",
    "+@all",
  ]);
  await pair.same(["AUTH", "admin", "adminpw"]);
}

aclTest(
  "AUTH and HELLO AUTH: success, WRONGPASS, disabled and nopass users",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      ["ACL", "SETUSER", "alice", "on", ">apw", ">apw2", "~*", "+@all"],
      ["ACL", "SETUSER", "dis", "off", ">dpw", "~*", "+@all"],
      ["ACL", "SETUSER", "np", "on", "nopass", "+@all"],
      ["ACL", "SETUSER", "nopw", "on", "+@all"],
      ["ACL", "SETUSER", "noauth", "on", ">x", "-@all", "+get"],
    ]);
    const c = await pair.connect();
    await run(pair, c, [
      ["ACL", "WHOAMI"],
      ["AUTH", "alice", "apw"],
      ["ACL", "WHOAMI"],
      ["AUTH", "alice", "apw2"],
      ["AUTH", "alice", "wrong"],
      ["ACL", "WHOAMI"],
      ["AUTH", "Alice", "apw"],
      ["AUTH", "dis", "dpw"],
      ["AUTH", "np", "anything"],
      ["ACL", "WHOAMI"],
      ["AUTH", "np", ""],
      ["AUTH", "nopw", ""],
      ["AUTH", "nopw", "x"],
      ["AUTH", "nobody", "x"],
      ["AUTH", "anything"],
      ["AUTH"],
      ["AUTH", "a", "b", "c"],
      ["AUTH", "default", "x"],
      ["ACL", "WHOAMI"],
      ["AUTH", "noauth", "x"],
      ["ACL", "WHOAMI"],
      ["AUTH", "alice", "apw"],
      ["HELLO", "3", "AUTH", "np", "x"],
      ["ACL", "WHOAMI"],
      ["HELLO", "2", "AUTH", "alice", "wrong"],
      ["ACL", "WHOAMI"],
      ["HELLO", "3", "AUTH", "dis", "dpw"],
      ["HELLO", "3", "AUTH", "nobody", "x"],
      ["HELLO", "3", "AUTH", "alice"],
      ["HELLO", "3", "AUTH"],
      ["HELLO", "3", "AUTH", "alice", "apw", "SETNAME", "app"],
      ["CLIENT", "GETNAME"],
      ["ACL", "WHOAMI"],
      ["HELLO", "2", "AUTH", "default", "x"],
      ["HELLO", "4", "AUTH", "alice", "wrong"],
      ["HELLO", "2", "AUTH", "alice", "wrong", "SETNAME", "bad name"],
      ["RESET"],
      ["ACL", "WHOAMI"],
    ]);
    // AUTH <password> once the default user has one.
    await run(pair, pair.main, [["ACL", "SETUSER", "default", ">defpw"]]);
    await run(pair, c, [
      ["AUTH", "wrong"],
      ["AUTH", "defpw"],
      ["ACL", "WHOAMI"],
      ["AUTH", "default", "defpw"],
    ]);
  },
);

aclTest(
  "NOAUTH when the default user has a password or is off",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      ["ACL", "SETUSER", "default", "resetpass", ">defpw"],
    ]);
    const c = await pair.connect();
    await run(pair, c, [
      ["GET", "x"],
      ["PING"],
      ["ACL", "WHOAMI"],
      ["NOSUCH"],
      ["SET", "x"],
      ["HELLO"],
      ["HELLO", "3"],
      ["HELLO", "2", "SETNAME", "x"],
      ["MULTI"],
      ["UNKNOWNCMD"],
      ["AUTH", "wrong"],
      ["GET", "x"],
      ["AUTH", "defpw"],
      ["GET", "x"],
    ]);
    await run(pair, pair.main, [
      ["ACL", "SETUSER", "default", "off", "nopass"],
    ]);
    const d = await pair.connect();
    await run(pair, d, [
      ["GET", "x"],
      ["AUTH", "x"],
      ["AUTH", "default", "x"],
      ["HELLO", "3", "AUTH", "default", "x"],
      ["AUTH", "admin", "adminpw"],
      ["GET", "x"],
    ]);
    // The connection authenticated as default before it was turned off.
    await run(pair, c, [["GET", "x"], ["ACL", "WHOAMI"]]);
  },
);

aclTest("requirepass sets the default user's password", async (pair) => {
  await run(pair, pair.main, [
    ["CONFIG", "SET", "requirepass", "rp"],
    ["ACL", "GETUSER", "default"],
    ["ACL", "LIST"],
    ["GET", "x"],
  ]);
  const c = await pair.connect();
  await run(pair, c, [
    ["GET", "x"],
    ["AUTH", "bad"],
    ["AUTH", "rp"],
    ["ACL", "WHOAMI"],
  ]);
  const d = await pair.connect();
  await run(pair, d, [
    ["AUTH", "default", "rp"],
    ["ACL", "SETUSER", "default", ">second"],
    ["CONFIG", "GET", "requirepass"],
    ["ACL", "GETUSER", "default"],
    ["CONFIG", "SET", "requirepass", ""],
    ["ACL", "GETUSER", "default"],
  ]);
  const e = await pair.connect();
  await run(pair, e, [["GET", "x"], ["ACL", "WHOAMI"]]);
});

aclTest("NOPERM for commands, subcommands and first-args", async (pair) => {
  await admin(pair);
  await run(pair, pair.main, [
    [
      "ACL",
      "SETUSER",
      "limited",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+get",
      "+config|get",
      "+client|getname",
      "+acl|whoami",
      "+select|1",
      "+object|encoding",
    ],
    ["SET", "k", "v"],
  ]);
  const c = await pair.login("limited", "pw");
  await run(pair, c, [
    ["GET", "k"],
    ["get", "k"],
    ["SET", "k", "v"],
    ["set", "k", "v"],
    ["SET", "k"],
    ["GET"],
    ["NOSUCH", "x"],
    ["CONFIG", "GET", "maxmemory"],
    ["CONFIG", "SET", "maxmemory", "0"],
    ["config", "set", "maxmemory", "0"],
    ["CONFIG", "RESETSTAT"],
    ["CONFIG", "NOSUCH"],
    ["CONFIG"],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "SETNAME", "x"],
    ["CLIENT", "KILL", "ID", "1"],
    ["ACL", "WHOAMI"],
    ["ACL", "USERS"],
    ["ACL", "SETUSER", "limited", "+@all"],
    ["ACL", "NOSUCH"],
    ["SELECT", "1"],
    ["SELECT", "2"],
    ["SELECT", "0"],
    ["SELECT", "01"],
    ["OBJECT", "ENCODING", "k"],
    ["OBJECT", "FREQ", "k"],
    ["PING"],
    ["ECHO", "x"],
    ["MULTI"],
    ["EXEC"],
    ["DISCARD"],
    ["WATCH", "k"],
    ["SUBSCRIBE", "x"],
    ["EVAL", "return 1", "0"],
    ["FLUSHALL"],
    ["KEYS", "*"],
    ["DBSIZE"],
    ["COMMAND", "COUNT"],
    ["AUTH", "limited", "pw"],
    ["HELLO", "2"],
    ["QUIT"],
  ]);
  // First-args of a command with subcommands (its subcommand's args).
  const d = await pair.connect();
  await run(pair, pair.main, [
    ["ACL", "SETUSER", "fa", "on", "nopass", "~*", "-@all", "+select|0"],
    ["ACL", "SETUSER", "fa", "+client|setname", "+config|get|maxmemory"],
  ]);
  await run(pair, d, [
    ["AUTH", "fa", "x"],
    ["SELECT", "0"],
    ["SELECT", "1"],
    ["CLIENT", "SETNAME", "n"],
    ["CLIENT", "GETNAME"],
    ["CONFIG", "GET", "maxmemory"],
    ["CONFIG", "GET", "port"],
  ]);
});

aclTest("NOPERM for keys: %R~ and %W~ by key-spec flags", async (pair) => {
  await admin(pair);
  await run(pair, pair.main, [
    [
      "ACL",
      "SETUSER",
      "k",
      "on",
      "nopass",
      "&*",
      "+@all",
      "%R~r:*",
      "%W~w:*",
      "~rw:*",
    ],
    ["RPUSH", "r:list", "a", "b"],
    ["RPUSH", "rw:list", "a", "b"],
    ["SET", "r:1", "v"],
    ["SET", "rw:1", "v"],
    ["SADD", "r:set", "x"],
  ]);
  const c = await pair.login("k", "x");
  // KEYS has no key arguments: allowed, in the keyspace's (hash) order.
  await pair.same(["KEYS", "*"], { on: c, normalize: sortArray });
  await run(pair, c, [
    ["GET", "r:1"],
    ["GET", "w:1"],
    ["GET", "rw:1"],
    ["GET", "other"],
    ["SET", "w:1", "v"],
    ["SET", "r:1", "v"],
    ["SET", "rw:2", "v"],
    ["SET", "w:1", "v", "GET"],
    ["SET", "rw:1", "v", "GET"],
    ["GETDEL", "r:1"],
    ["GETDEL", "w:1"],
    ["GETEX", "r:1"],
    ["GETEX", "r:1", "PERSIST"],
    ["EXISTS", "w:1"],
    ["EXISTS", "r:1", "other"],
    ["TYPE", "w:1"],
    ["STRLEN", "w:1"],
    ["TTL", "w:1"],
    ["OBJECT", "ENCODING", "w:1"],
    ["DEL", "w:1"],
    ["DEL", "r:1"],
    ["UNLINK", "w:1", "rw:2"],
    ["EXPIRE", "r:1", "100"],
    ["APPEND", "w:1", "x"],
    ["INCR", "w:n"],
    ["MSET", "w:1", "a", "r:1", "b"],
    ["MSET", "w:1", "a", "w:2", "b"],
    ["MGET", "r:1", "rw:1"],
    ["MGET", "r:1", "w:1"],
    ["COPY", "r:1", "w:copy"],
    ["COPY", "w:1", "r:copy"],
    ["COPY", "rw:1", "rw:copy", "REPLACE"],
    ["RENAME", "r:1", "w:1"],
    ["RENAME", "rw:1", "w:1"],
    ["RENAME", "w:1", "rw:1"],
    ["LMOVE", "r:list", "w:list", "LEFT", "RIGHT"],
    ["LMOVE", "rw:list", "w:list", "LEFT", "RIGHT"],
    ["LMOVE", "rw:list", "r:list", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "rw:list", "w:list"],
    ["LRANGE", "r:list", "0", "-1"],
    ["LPUSH", "r:list", "x"],
    ["SORT", "r:list", "ALPHA"],
    ["SORT", "r:list", "ALPHA", "STORE", "w:sorted"],
    ["SORT", "r:list", "ALPHA", "STORE", "r:sorted"],
    ["SORT", "r:list", "BY", "nosort", "GET", "other:*"],
    ["SORT_RO", "r:list", "ALPHA"],
    ["SORT_RO", "w:list", "ALPHA"],
    ["SUNIONSTORE", "w:u", "r:set"],
    ["SUNIONSTORE", "r:u", "r:set"],
    ["SMOVE", "r:set", "w:set", "x"],
    ["BITOP", "AND", "w:b", "r:1"],
    ["PFCOUNT", "r:1"],
    ["EVAL", "return 1", "1", "r:1"],
    ["EVAL", "return 1", "1", "rw:1"],
    ["EVAL_RO", "return 1", "1", "r:1"],
    ["EVAL_RO", "return 1", "1", "w:1"],
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "rw:1"],
    ["EVAL", "return redis.call('get', 'w:1')", "0"],
    ["EVAL", "return redis.call('set', 'r:1', 'x')", "0"],
    ["EVAL", "return redis.pcall('set', 'r:1', 'x')", "0"],
    ["EVAL", "return redis.acl_check_cmd('get', 'w:1')", "0"],
    ["EVAL", "return redis.acl_check_cmd('get', 'r:1')", "0"],
    ["EVAL", "return redis.acl_check_cmd('nosuch')", "0"],
    ["DBSIZE"],
  ]);
});

aclTest(
  "NOPERM for channels: PUBLISH, SUBSCRIBE, PSUBSCRIBE literal patterns",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      [
        "ACL",
        "SETUSER",
        "pub",
        "on",
        "nopass",
        "~*",
        "resetchannels",
        "&news.*",
        "&exact",
        "+@all",
      ],
    ]);
    const c = await pair.login("pub", "x");
    await run(pair, c, [
      ["PUBLISH", "news.1", "m"],
      ["PUBLISH", "exact", "m"],
      ["PUBLISH", "other", "m"],
      ["PUBLISH", "news", "m"],
      ["SPUBLISH", "news.1", "m"],
      ["SPUBLISH", "other", "m"],
      ["PUBSUB", "NUMSUB", "other"],
      ["PUBSUB", "CHANNELS", "other*"],
    ]);
    const s = await pair.login("pub", "x");
    await run(pair, s, [
      ["SUBSCRIBE", "news.1", "other"],
      ["PSUBSCRIBE", "news.1*"],
      ["PSUBSCRIBE", "news.?"],
      ["PSUBSCRIBE", "exact"],
      ["PSUBSCRIBE", "exac*"],
      ["PSUBSCRIBE", "*"],
      ["SSUBSCRIBE", "other"],
    ]);
    await run(pair, s, [["SUBSCRIBE", "news.1"]]);
    await run(pair, s, [["PSUBSCRIBE", "news.*"]]);
    await run(pair, s, [["PING"]]);
    await run(pair, pair.main, [["PUBLISH", "news.1", "hello"]]);
    await pair.sameRead(s, "message");
    await pair.sameRead(s, "pmessage");
    await run(pair, s, [["UNSUBSCRIBE", "other"], ["PUNSUBSCRIBE", "other*"]]);
  },
);

aclTest(
  "selectors: a command allowed by a selector, not by the root",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      [
        "ACL",
        "SETUSER",
        "sel",
        "on",
        "nopass",
        "~a:*",
        "&*",
        "-@all",
        "+get",
        "(~b:* +set +get)",
        "(%R~c:* +@read)",
      ],
      ["SET", "a:1", "A"],
      ["SET", "b:1", "B"],
      ["SET", "c:1", "C"],
    ]);
    const c = await pair.login("sel", "x");
    await run(pair, c, [
      ["GET", "a:1"],
      ["GET", "b:1"],
      ["GET", "c:1"],
      ["GET", "d:1"],
      ["SET", "a:1", "x"],
      ["SET", "b:1", "x"],
      ["SET", "c:1", "x"],
      ["SET", "d:1", "x"],
      ["MGET", "a:1", "b:1"],
      ["MGET", "c:1", "c:2"],
      ["STRLEN", "c:1"],
      ["STRLEN", "a:1"],
      ["DEL", "b:1"],
      ["HSET", "a:1", "f", "v"],
      ["EVAL", "return redis.call('get', 'b:1')", "0"],
    ]);
    for (
      const args of [
        ["sel", "get", "b:1"],
        ["sel", "set", "a:1", "x"],
        ["sel", "strlen", "a:1"],
        ["sel", "del", "c:1"],
      ]
    ) await run(pair, pair.main, [["ACL", "DRYRUN", ...args]]);
  },
);

aclTest(
  "MULTI: NOPERM when queued aborts EXEC; revoked before EXEC",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      [
        "ACL",
        "SETUSER",
        "tx",
        "on",
        "nopass",
        "~app:*",
        "&*",
        "-@all",
        "+multi",
        "+exec",
        "+discard",
        "+get",
        "+set",
        "+incr",
      ],
    ]);
    const c = await pair.login("tx", "x");
    await run(pair, c, [
      ["MULTI"],
      ["SET", "app:1", "v"],
      ["SET", "other", "v"],
      ["DEL", "app:1"],
      ["GET", "app:1"],
      ["EXEC"],
      ["GET", "app:1"],
      ["MULTI"],
      ["SET", "app:1", "v"],
      ["INCR", "app:n"],
      ["GET", "app:1"],
    ]);
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "tx",
      "-get",
      "resetkeys",
      "~app:n",
    ]]);
    await run(pair, c, [["EXEC"], ["GET", "app:1"], ["INCR", "app:n"]]);
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "tx",
      "-exec",
      "~*",
      "+get",
    ]]);
    await run(pair, c, [["MULTI"], ["GET", "x"], ["EXEC"], ["DISCARD"]]);
    // A MULTI that the user may not even start.
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "notx",
      "on",
      "nopass",
      "~*",
      "+get",
    ]]);
    const d = await pair.login("notx", "x");
    await run(pair, d, [["MULTI"], ["GET", "x"], ["EXEC"]]);
  },
);

aclTest(
  "clients of a deleted or disabled user are disconnected",
  async (pair) => {
    await admin(pair);
    for (const name of ["gone", "disabled", "repass", "reset", "kept"]) {
      await run(pair, pair.main, [
        ["ACL", "SETUSER", name, "on", ">pw", "~*", "&*", "+@all"],
      ]);
    }
    const gone = [
      await pair.login("gone", "pw"),
      await pair.login("gone", "pw"),
    ];
    const disabled = await pair.login("disabled", "pw");
    const repass = await pair.login("repass", "pw");
    const reset = await pair.login("reset", "pw");
    const kept = await pair.login("kept", "pw");
    await run(pair, pair.main, [["ACL", "DELUSER", "gone"]]);
    for (const duo of gone) await pair.sameClosed(duo, true, "deleted user");
    await run(pair, pair.main, [["ACL", "SETUSER", "disabled", "off"]]);
    await pair.sameClosed(disabled, false, "disabled user");
    await run(pair, disabled, [["GET", "x"], ["ACL", "WHOAMI"]]);
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "repass",
      "resetpass",
      ">new",
    ]]);
    await pair.sameClosed(repass, false, "password changed");
    await run(pair, pair.main, [["ACL", "SETUSER", "reset", "reset"]]);
    await pair.sameClosed(reset, false, "user reset");
    await run(pair, reset, [["GET", "x"]]);
    await pair.sameClosed(kept, false, "other user");
    await run(pair, kept, [["ACL", "WHOAMI"]]);
    // A client blocked in BLPOP, then its user deleted.
    await run(pair, pair.main, [
      ["ACL", "SETUSER", "blocked", "on", ">pw", "~*", "+@all"],
    ]);
    const blocked = await pair.login("blocked", "pw");
    await blocked.ours.send("BLPOP", "nothing", "0");
    await blocked.theirs.send("BLPOP", "nothing", "0");
    await waitBlocked(pair.main.ours, 1);
    await waitBlocked(pair.main.theirs, 1);
    await run(pair, pair.main, [["ACL", "DELUSER", "blocked"]]);
    await pair.sameClosed(blocked, true, "blocked client of a deleted user");
    // A user changing its own permissions.
    const self = await pair.login("kept", "pw");
    await run(pair, self, [
      ["ACL", "SETUSER", "kept", "-get", "resetkeys", "~mine:*"],
      ["GET", "mine:1"],
      ["SET", "other", "v"],
      ["ACL", "SETUSER", "kept", "-acl"],
      ["ACL", "WHOAMI"],
      ["ACL", "DELUSER", "kept"],
    ]);
    await pair.sameClosed(self, false, "a user's own ACL changes");
    await pair.same(["ACL", "DELUSER", "kept"]);
    await pair.sameClosed(self, true, "deleted by the admin");
    await pair.sameClosed(kept, true, "deleted by the admin");
  },
);

aclTest(
  "a subscriber whose channel permission is revoked is disconnected",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      [
        "ACL",
        "SETUSER",
        "s1",
        "on",
        "nopass",
        "resetchannels",
        "&news.*",
        "&x",
        "+@all",
      ],
      [
        "ACL",
        "SETUSER",
        "s2",
        "on",
        "nopass",
        "resetchannels",
        "&news.*",
        "+@all",
      ],
      [
        "ACL",
        "SETUSER",
        "s3",
        "on",
        "nopass",
        "resetchannels",
        "&news.*",
        "+@all",
      ],
    ]);
    const channel = await pair.login("s1", "x");
    const pattern = await pair.login("s1", "x");
    const notSubscribed = await pair.login("s1", "x");
    await run(pair, channel, [["SUBSCRIBE", "news.1"]]);
    await run(pair, pattern, [["PSUBSCRIBE", "news.*"]]);
    const s2 = await pair.login("s2", "x");
    await run(pair, s2, [["SUBSCRIBE", "news.2"]]);
    const s3 = await pair.login("s3", "x");
    await run(pair, s3, [["PSUBSCRIBE", "news.*"]]);
    // Still allowed: news.1 matches news.?, but the pattern news.* is gone.
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "s1",
      "resetchannels",
      "&news.?",
      "&x",
    ]]);
    await pair.sameClosed(channel, false, "channel still allowed");
    await pair.sameClosed(pattern, true, "pattern no longer allowed literally");
    await pair.sameClosed(notSubscribed, false, "not subscribed");
    await run(pair, pair.main, [["ACL", "SETUSER", "s1", "resetchannels"]]);
    await pair.sameClosed(channel, true, "channel revoked");
    await run(pair, pair.main, [["ACL", "SETUSER", "s2", "allchannels"]]);
    await pair.sameClosed(s2, false, "allchannels");
    // Every channel was allowed; now only news.2's pattern is not.
    await run(pair, pair.main, [[
      "ACL",
      "SETUSER",
      "s2",
      "resetchannels",
      "&other",
    ]]);
    await pair.sameClosed(s2, true, "allchannels revoked");
    await run(pair, pair.main, [["ACL", "SETUSER", "s3", "&other"]]);
    await pair.sameClosed(s3, false, "a channel added");
  },
);

/** CLIENT LIST reduced to its lines' user= fields, in order. */
const userFields = (raw: string) =>
  mapStrings(
    raw,
    (value) => [...value.matchAll(/ user=(\S*)/g)].map((m) => m[1]).join(","),
  );

aclTest("CLIENT KILL USER and CLIENT LIST's user= field", async (pair) => {
  await admin(pair);
  await run(pair, pair.main, [
    ["ACL", "SETUSER", "ka", "on", ">pw", "~*", "+@all"],
    ["ACL", "SETUSER", "kb", "on", ">pw", "~*", "+@all"],
  ]);
  const a1 = await pair.login("ka", "pw");
  const a2 = await pair.login("ka", "pw");
  const b = await pair.login("kb", "pw");
  const anon = await pair.connect();
  await pair.same(["CLIENT", "LIST"], { normalize: userFields });
  await pair.same(["CLIENT", "INFO"], { on: b, normalize: userFields });
  await pair.same(["CLIENT", "INFO"], { on: anon, normalize: userFields });
  await run(pair, pair.main, [
    ["CLIENT", "KILL", "USER", "nobody"],
    ["CLIENT", "KILL", "USER", "ka"],
  ]);
  await pair.sameClosed(a1, true, "killed by user");
  await pair.sameClosed(a2, true, "killed by user");
  await pair.sameClosed(b, false, "other user");
  await run(pair, pair.main, [
    ["CLIENT", "KILL", "USER", "ka"],
    ["CLIENT", "KILL", "USER", "kb", "SKIPME", "yes"],
    ["CLIENT", "KILL", "USER", "admin", "SKIPME", "yes"],
  ]);
  await pair.sameClosed(b, true, "killed by user");
  await pair.same(["CLIENT", "LIST"], { normalize: userFields });
  await run(pair, anon, [["AUTH", "kb", "pw"]]);
  await pair.same(["CLIENT", "LIST"], { normalize: userFields });
  await run(pair, pair.main, [["ACL", "DELUSER", "kb"]]);
  await pair.sameClosed(anon, true, "deleted user");
});

aclTest(
  "INFO errorstats, rejected_calls and commandstats around NOPERM",
  async (pair) => {
    await admin(pair);
    await run(pair, pair.main, [
      [
        "ACL",
        "SETUSER",
        "st",
        "on",
        "nopass",
        "~app:*",
        "&ch",
        "-@all",
        "+get",
        "+publish",
        "+config|get",
      ],
      ["CONFIG", "RESETSTAT"],
    ]);
    const c = await pair.login("st", "x");
    await run(pair, c, [
      ["GET", "app:1"],
      ["GET", "other"],
      ["SET", "app:1", "v"],
      ["PUBLISH", "other", "m"],
      ["CONFIG", "SET", "port", "1"],
      ["AUTH", "st", "wrong"],
      ["AUTH", "nobody", "x"],
    ]);
    const statLine = (name: string) =>
      name.startsWith("errorstat_") || name === "rejected_calls" ||
      name === "total_error_replies" || name.startsWith("acl_access_denied");
    await pair.same(["INFO", "errorstats"], {
      normalize: infoFields(statLine),
    });
    await pair.same(["INFO", "stats"], { normalize: infoFields(statLine) });
    // Listed in the command dict's order (a hash table): sorted.
    const noTimes = infoFields((name) => name.startsWith("cmdstat_"), {
      sort: true,
      map: (line) => line.replace(/usec(_per_call)?=[\d.]+,/g, ""),
    });
    await pair.same(["INFO", "commandstats"], { normalize: noTimes });
  },
);
