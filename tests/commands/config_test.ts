import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { DIRECTIVES } from "../../lib/config/directives.ts";
import {
  hasRedisServer,
  startOurServer,
  startRedisServer,
} from "../helpers/servers.ts";
import { type Reply, RespError } from "../helpers/resp_client.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

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

/** Runs the same test against our server and the oracle. */
async function withBoth(
  flags: string[],
  fn: (
    call: (...args: string[]) => Promise<[string, string]>,
  ) => Promise<void>,
): Promise<void> {
  const oracle = await startRedisServer(flags);
  const ours = await startOurServer([
    "--save",
    "",
    "--appendonly",
    "no",
    ...flags,
  ]);
  const a = await oracle.connect();
  const b = await ours.connect();
  try {
    await fn(async (...args) => [
      text(await a.callRaw(...args)),
      text(await b.callRaw(...args)),
    ]);
  } finally {
    a.close();
    b.close();
    await oracle.stop();
    await ours.stop();
  }
}

Deno.test({
  name: "CONFIG GET: every supported directive's default matches Redis",
  ignore: !hasRedisServer(),
  fn: () =>
    withBoth([], async (call) => {
      for (const name of ALL_NAMES) {
        if (PER_INSTANCE.has(name)) continue;
        const [expected, actual] = await call("CONFIG", "GET", name);
        assert.equal(actual, expected, name);
      }
    }),
});

Deno.test({
  name: "CONFIG GET: patterns, several arguments and spelling match Redis",
  ignore: !hasRedisServer(),
  async fn() {
    const oracle = await startRedisServer();
    const ours = await startOurServer(["--save", "", "--appendonly", "no"]);
    const a = await oracle.connect();
    const b = await ours.connect();
    try {
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
    } finally {
      a.close();
      b.close();
      await oracle.stop();
      await ours.stop();
    }
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
    withBoth([], async (call) => {
      for (const d of DIRECTIVES) {
        if (NOT_PROBED.has(d.name)) continue;
        const names = [d.name, ...(d.aliases ?? [])];
        for (const name of names) {
          for (const value of PROBES) {
            const [expected, actual] = await call("CONFIG", "SET", name, value);
            assert.equal(actual, expected, `CONFIG SET ${name} ${value}`);
            const [e2, a2] = await call("CONFIG", "GET", name);
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
    withBoth([], async (call) => {
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
        const [expected, actual] = await call("CONFIG", "SET", ...args);
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
          const [e2, a2] = await call("CONFIG", "GET", name);
          assert.equal(a2, e2, `${name} after CONFIG SET ${args.join(" ")}`);
        }
      }
      for (const args of [["CONFIG"], ["CONFIG", "nope"], ["CONFIG", "GET"]]) {
        const [expected, actual] = await call(...args);
        assert.equal(actual, expected, args.join(" "));
      }
    }),
});

Deno.test({
  name: "CONFIG GET in RESP3 is a map, as in Redis",
  ignore: !hasRedisServer(),
  fn: () =>
    withBoth([], async (call) => {
      const [, hello] = await call("HELLO", "3");
      if (hello.startsWith("-")) {
        console.log("HELLO is not implemented yet: RESP3 comparison skipped");
        return;
      }
      for (const pattern of ["timeout", "maxmemory-p*", "nope"]) {
        const [expected, actual] = await call("CONFIG", "GET", pattern);
        assert.equal(actual, expected, pattern);
      }
    }),
});

Deno.test("CONFIG SET takes effect: protected configs, maxclients, proto-max-bulk-len", async () => {
  const server = await startOurServer(["--enable-protected-configs", "yes"]);
  const client = await server.connect();
  const extra: Awaited<ReturnType<typeof server.connect>>[] = [];
  try {
    const dir = await Deno.makeTempDir({ dir: server.dir });
    assert.equal(await client.call("CONFIG", "SET", "dir", dir), "OK");
    assert.deepEqual(await client.call("CONFIG", "GET", "dir"), [
      "dir",
      await Deno.realPath(dir),
    ]);
    assert.equal(await client.call("CONFIG", "SET", "maxclients", "2"), "OK");
    extra.push(await server.connect());
    assert.equal(await extra[0].call("PING"), "PONG");
    const third = await server.connect();
    extra.push(third);
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
  } finally {
    client.close();
    for (const c of extra) c.close();
    await server.stop();
  }
});

Deno.test("CONFIG SET port and bind move the listener", async () => {
  const server = await startOurServer();
  const client = await server.connect();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const busy = (listener.addr as Deno.NetAddr).port;
  let moved: Awaited<ReturnType<typeof server.connect>> | null = null;
  try {
    assert.deepEqual(
      await client.call("CONFIG", "SET", "port", String(busy)),
      new RespError(
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port",
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
    const { RespClient } = await import("../helpers/resp_client.ts");
    moved = await RespClient.connect(busy);
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
    client.close();
    moved?.close();
    await server.stop();
  }
});

Deno.test("CONFIG RESETSTAT clears INFO statistics", async () => {
  const server = await startOurServer();
  const client = await server.connect();
  try {
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
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("CONFIG HELP lists the subcommands we have", async () => {
  const server = await startOurServer();
  const client = await server.connect();
  try {
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
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("CONFIG SET timeout closes idle clients but not subscribers", async () => {
  const server = await startOurServer();
  const admin = await server.connect();
  const idle = await server.connect();
  const subscriber = await server.connect();
  try {
    await subscriber.call("SUBSCRIBE", "news");
    assert.equal(await idle.call("PING"), "PONG");
    assert.equal(await admin.call("CONFIG", "SET", "timeout", "1"), "OK");
    const started = Date.now();
    assert.equal(await idle.closedByServer(), true);
    assert.ok(Date.now() - started < 5000);
    // The subscriber, idle just as long, is still connected.
    assert.deepEqual(await subscriber.call("PING"), ["pong", ""]);
  } finally {
    admin.close();
    idle.close();
    subscriber.close();
    await server.stop();
  }
});
