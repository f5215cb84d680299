import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { DIRECTIVES } from "../../lib/config/directives.ts";
import { text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";
import { type Reply, RespClient, RespError } from "../helpers/resp_client.ts";

/** Directive names whose values differ between two servers by design. */
const PER_INSTANCE = new Set(["port", "dir"]);

/** Every name we answer CONFIG GET for, aliases included. */
const ALL_NAMES = new Config(Deno.cwd()).entries().map(([name]) => name);

/** CONFIG GET reply (RESP2 flat array) as name -> value. */
function pairs(reply: Reply): Map<string, string> {
  assert.ok(Array.isArray(reply));
  const out = new Map<string, string>();
  for (let i = 0; i < reply.length; i += 2) {
    out.set(reply[i] as string, reply[i + 1] as string);
  }
  return out;
}

/** Our server with persistence off, like the oracle. */
const NO_PERSISTENCE = { ourFlags: ["--save", "", "--appendonly", "no"] };

Deno.test({
  name: "CONFIG GET: every supported directive's default matches Redis",
  ignore: !hasRedisServer(),
  fn: () =>
    withPair(NO_PERSISTENCE, async (pair) => {
      for (const name of ALL_NAMES) {
        if (PER_INSTANCE.has(name)) continue;
        const [actual, expected] = await pair.both(["CONFIG", "GET", name]);
        assert.equal(actual, expected, name);
      }
    }),
});

Deno.test({
  name: "CONFIG GET: patterns, several arguments and spelling match Redis",
  ignore: !hasRedisServer(),
  async fn() {
    await withPair(
      NO_PERSISTENCE,
      async ({ ourClient: b, oracleClient: a }) => {
        const patterns = [
          ["*"],
          ["*max*"],
          ["hash-max-*"],
          ["PORT"],
          ["port", "PORT"],
          ["hash-max-listpack-entries", "hash-max-ziplist-entries", "hash*"],
          ["maxmemory*", "timeout", "nope"],
          ["[a-c]*"],
          ["?z"],
        ];
        for (const args of patterns) {
          const expected = pairs(await a.call("CONFIG", "GET", ...args));
          const actual = pairs(await b.call("CONFIG", "GET", ...args));
          for (const [name, value] of actual) {
            assert.ok(expected.has(name), `${args}: ${name} not in Redis`);
            if (!PER_INSTANCE.has(name.toLowerCase())) {
              assert.equal(value, expected.get(name), `${args}: ${name}`);
            }
          }
          // Redis answers for all we know of, and we know every name matched
          // among those we support.
          for (const name of expected.keys()) {
            if (ALL_NAMES.includes(name.toLowerCase())) {
              assert.ok(actual.has(name), `${args}: missing ${name}`);
            }
          }
        }
        assert.deepEqual(
          text(await b.callRaw("CONFIG", "GET")),
          text(await a.callRaw("CONFIG", "GET")),
        );
      },
    );
  },
});

/** Values that exercise each kind of validation. */
const PROBES = [
  "abc",
  "-1",
  "0",
  "-9223372036854775808",
  "9223372036854775807",
  "18446744073709551615",
  "1k",
  "2GB",
  "yes",
  "NO",
  "",
  "05",
  "+5",
];

/** Directives left alone: they move the listener, lock us out or start persistence. */
const NOT_PROBED = new Set([
  "port",
  "bind",
  "dir",
  "requirepass",
  "appendonly",
  "timeout",
  "save",
  "maxmemory",
]);

Deno.test({
  name: "CONFIG SET: accepted values and error texts match Redis per directive",
  ignore: !hasRedisServer(),
  fn: () =>
    withPair(NO_PERSISTENCE, async (pair) => {
      for (const d of DIRECTIVES) {
        if (NOT_PROBED.has(d.name)) continue;
        const names = [d.name, ...(d.aliases ?? [])];
        for (const name of names) {
          for (const value of PROBES) {
            const [actual, expected] = await pair.both([
              "CONFIG",
              "SET",
              name,
              value,
            ]);
            assert.equal(actual, expected, `CONFIG SET ${name} ${value}`);
            const [a2, e2] = await pair.both(["CONFIG", "GET", name]);
            assert.equal(a2, e2, `CONFIG GET ${name} after ${value}`);
          }
        }
      }
    }),
});

Deno.test({
  name:
    "CONFIG SET: special values, several pairs and argument errors match Redis",
  ignore: !hasRedisServer(),
  fn: () =>
    withPair(NO_PERSISTENCE, async (pair) => {
      const cases: string[][] = [
        ["save", "900 1 300 10"],
        ["save", " 1 2"],
        ["save", "0 1"],
        ["save", "1"],
        ["save", ""],
        ["notify-keyspace-events", "KEA"],
        ["notify-keyspace-events", "Elgm"],
        ["notify-keyspace-events", "x$Kn"],
        ["notify-keyspace-events", "bad"],
        ["notify-keyspace-events", ""],
        ["client-output-buffer-limit", "normal 1mb 2 3 replica 1 2 3"],
        ["client-output-buffer-limit", "pubsub 1 2"],
        ["client-output-buffer-limit", "foo 1 2 3"],
        ["client-output-buffer-limit", "normal x 1 1"],
        ["client-output-buffer-limit", "normal  1 1 1"],
        ["shutdown-on-sigterm", "NOW nosave"],
        ["shutdown-on-sigterm", "save nosave"],
        ["shutdown-on-sigterm", "default now"],
        ["shutdown-on-sigterm", "now  force"],
        ["shutdown-on-sigint", "force now save"],
        ["shutdown-on-sigint", "default"],
        ["maxmemory", "100mb"],
        ["maxmemory", "0"],
        ["hz", "1000"],
        ["hz", "0"],
        ["hz", "10"],
        ["foo", "bar"],
        ["databases", "3"],
        ["dir", "/tmp"],
        ["dbfilename", "x.rdb"],
        ["appendfilename", "x"],
        ["logfile", "x"],
        ["timeout", "5", "TIMEOUT", "6"],
        ["timeout", "5", "timeout", "6", "foo", "1"],
        ["hash-max-ziplist-entries", "100", "hash-max-listpack-entries", "3"],
        ["databases", "1", "foo", "2"],
        ["foo", "1", "databases", "2"],
        ["timeout", "1", "foo", "2"],
        ["timeout", "7", "maxmemory", "bad"],
        ["maxmemory", "1mb", "maxmemory-policy", "bad"],
        ["timeout", "0", "maxmemory", "0"],
        ["timeout", "1", "hz"],
        ["timeout"],
        [],
      ];
      for (const args of cases) {
        const [actual, expected] = await pair.both(["CONFIG", "SET", ...args]);
        assert.equal(actual, expected, `CONFIG SET ${args.join(" ")}`);
        for (
          const name of [
            "timeout",
            "maxmemory",
            "save",
            "hz",
            "shutdown-on-sigterm",
            "shutdown-on-sigint",
          ]
        ) {
          const [a2, e2] = await pair.both(["CONFIG", "GET", name]);
          assert.equal(a2, e2, `${name} after CONFIG SET ${args.join(" ")}`);
        }
      }
      for (const args of [["CONFIG"], ["CONFIG", "nope"], ["CONFIG", "GET"]]) {
        const [actual, expected] = await pair.both(args);
        assert.equal(actual, expected, args.join(" "));
      }
    }),
});

Deno.test({
  name: "CONFIG GET in RESP3 is a map, as in Redis",
  ignore: !hasRedisServer(),
  fn: () =>
    withPair(NO_PERSISTENCE, async (pair) => {
      const [hello] = await pair.both(["HELLO", "3"]);
      if (hello.startsWith("-")) {
        console.log("HELLO is not implemented yet: RESP3 comparison skipped");
        return;
      }
      for (const pattern of ["timeout", "maxmemory-p*", "nope"]) {
        const [actual, expected] = await pair.both(["CONFIG", "GET", pattern]);
        assert.equal(actual, expected, pattern);
      }
    }),
});

Deno.test("CONFIG SET takes effect: protected configs, maxclients, proto-max-bulk-len", async () => {
  const flags = ["--enable-protected-configs", "yes"];
  await withServer({ flags }, async (clients, server) => {
    const [client] = clients;
    const dir = await Deno.makeTempDir({ dir: server.dir });
    assert.equal(await client.call("CONFIG", "SET", "dir", dir), "OK");
    assert.deepEqual(await client.call("CONFIG", "GET", "dir"), [
      "dir",
      await Deno.realPath(dir),
    ]);
    assert.equal(await client.call("CONFIG", "SET", "maxclients", "2"), "OK");
    clients.push(await server.connect());
    assert.equal(await clients[1].call("PING"), "PONG");
    const third = await server.connect();
    clients.push(third);
    assert.deepEqual(
      await third.read(),
      new RespError("ERR max number of clients reached"),
    );
    assert.equal(
      await client.call("CONFIG", "SET", "proto-max-bulk-len", "1mb"),
      "OK",
    );
    await client.write(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`);
    assert.deepEqual(
      await client.read(),
      new RespError("ERR Protocol error: invalid bulk length"),
    );
  });
});

Deno.test("CONFIG SET port and bind move the listener", async () => {
  await withServer({}, async (clients, server) => {
    const [client] = clients;
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const busy = (listener.addr as Deno.NetAddr).port;
    try {
      assert.deepEqual(
        await client.call("CONFIG", "SET", "port", String(busy)),
        new RespError(
          "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
        ),
      );
      assert.deepEqual(await client.call("CONFIG", "GET", "port"), [
        "port",
        String(server.port),
      ]);
      listener.close();
      assert.equal(
        await client.call("CONFIG", "SET", "port", String(busy)),
        "OK",
      );
      const moved = await RespClient.connect(busy);
      clients.push(moved);
      assert.equal(await moved.call("PING"), "PONG");
      await assert.rejects(() => server.connect());
      // The existing connection keeps working.
      assert.equal(await client.call("PING"), "PONG");
    } finally {
      try {
        listener.close();
      } catch {
        // Closed already.
      }
    }
  });
});

Deno.test("CONFIG RESETSTAT clears INFO statistics", async () => {
  await withServer({}, async ([client]) => {
    await client.call("SET", "k", "v");
    await client.call("NOSUCHCOMMAND");
    let info = await client.call("INFO", "all") as string;
    assert.match(info, /cmdstat_set:calls=1,/);
    assert.match(info, /errorstat_ERR:count=1\r\n/);
    assert.equal(await client.call("CONFIG", "RESETSTAT"), "OK");
    info = await client.call("INFO", "all") as string;
    assert.doesNotMatch(info, /cmdstat_set/);
    assert.doesNotMatch(info, /errorstat_/);
    assert.match(info, /\r\ntotal_error_replies:0\r\n/);
  });
});

Deno.test("CONFIG HELP lists the subcommands we have", async () => {
  await withServer({}, async ([client]) => {
    const help = await client.call("CONFIG", "HELP") as string[];
    assert.equal(
      help[0],
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    );
    for (
      const word of [
        "GET <pattern>",
        "SET <directive> <value>",
        "RESETSTAT",
        "HELP",
      ]
    ) {
      assert.ok(help.includes(word), word);
    }
  });
});

Deno.test("CONFIG SET timeout closes idle clients but not subscribers", async () => {
  await withServer({ clients: 3 }, async ([admin, idle, subscriber]) => {
    await subscriber.call("SUBSCRIBE", "news");
    assert.equal(await idle.call("PING"), "PONG");
    assert.equal(await admin.call("CONFIG", "SET", "timeout", "1"), "OK");
    const started = Date.now();
    assert.equal(await idle.closedByServer(), true);
    assert.ok(Date.now() - started < 5000);
    // The subscriber, idle just as long, is still connected.
    assert.deepEqual(await subscriber.call("PING"), ["pong", ""]);
  });
});
