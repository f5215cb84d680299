import assert from "node:assert/strict";
import { latin1, text } from "../helpers/bytes.ts";
import { withPair } from "../helpers/differential.ts";
import { RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const noOracle = !hasRedisServer();

/** HELLO replies carry the connection id, which differs between servers. */
function maskId(reply: string): string {
  return reply.replace(/(\$2\r\nid\r\n):\d+\r\n/, "$1:ID\r\n");
}

/**
 * Runs `script` against our server and Redis, both started with `flags`,
 * comparing every reply's raw bytes (connection ids masked).
 */
function differential(
  flags: string[],
  script: (call: (...args: string[]) => Promise<void>) => Promise<void>,
): Promise<void> {
  return withPair(
    { flags },
    ({ ourClient: ours, oracleClient: redis }) =>
      script(async (...args) => {
        const a = maskId(latin1(await ours.callRaw(...args)));
        const b = maskId(latin1(await redis.callRaw(...args)));
        assert.equal(a, b, `reply to ${JSON.stringify(args)}`);
      }),
  );
}

Deno.test({
  name: "PING, ECHO, SELECT, AUTH, HELLO, RESET replies match Redis",
  ignore: noOracle,
  fn: () =>
    differential([], async (call) => {
      for (const protocol of ["2", "3", "2"]) {
        await call("HELLO", protocol);
        await call("PING");
        await call("ping", "hello");
        await call("PING", "a", "b");
        await call("PING", "");
        await call("ECHO", "x\r\n\x00\xff");
        await call("ECHO");
        await call("ECHO", "a", "b");
        await call("SELECT", "1");
        await call("SELECT", "15");
        await call("SELECT", "16");
        await call("SELECT", "-1");
        await call("SELECT", "abc");
        await call("SELECT", "1.5");
        await call("SELECT", " 1");
        await call("SELECT", "99999999999");
        await call("SELECT", "99999999999999999999");
        await call("SELECT", "1", "2");
        await call("SELECT", "0");
        await call("AUTH", "x");
        await call("AUTH", "default", "anything");
        await call("AUTH", "nobody", "x");
        await call("AUTH", "a", "b", "c");
        await call("AUTH");
        await call("HELLO");
        await call("HELLO", "1");
        await call("HELLO", "4");
        await call("HELLO", "-1");
        await call("HELLO", "abc");
        await call("HELLO", "99999999999999999999");
        await call("HELLO", "3", "foo");
        await call("HELLO", "3", "AUTH");
        await call("HELLO", "3", "AUTH", "default");
        await call("HELLO", "3", "SETNAME");
        await call("HELLO", "3", "SETNAME", "a b");
        await call("HELLO", "3", "AUTH", "nobody", "x");
        await call("HELLO", "3", "auth", "default", "x", "setname", "n1");
        await call("CLIENT", "GETNAME");
        await call("HELLO", protocol);
      }
      await call("SELECT", "5");
      await call("CLIENT", "SETNAME", "someone");
      await call("HELLO", "3");
      await call("RESET");
      await call("CLIENT", "GETNAME");
      await call("PING");
      await call("RESET", "x");
    }),
});

Deno.test({
  name: "AUTH and HELLO AUTH with requirepass match Redis",
  ignore: noOracle,
  fn: () =>
    differential(["--requirepass", "s3cret"], async (call) => {
      await call("PING");
      await call("GET", "k");
      await call("HELLO", "3");
      await call("HELLO");
      await call("CLIENT", "ID");
      await call("AUTH", "wrong");
      await call("AUTH", "default", "wrong");
      await call("AUTH", "other", "s3cret");
      await call("PING");
      await call("HELLO", "3", "AUTH", "default", "wrong");
      await call("PING");
      await call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "a b");
      await call("PING");
      await call("AUTH", "wrong");
      await call("PING");
      await call("RESET");
      await call("PING");
      await call("AUTH", "s3cret");
      await call("PING");
      await call("RESET");
      await call("AUTH", "default", "s3cret");
      await call("ECHO", "ok");
      await call("AUTH", "s3cret", "extra", "arg");
    }),
});

Deno.test("QUIT answers OK and closes the connection", async () => {
  await withServer({}, async ([client]) => {
    await client.send("QUIT");
    await client.send("PING");
    assert.equal(await client.read(), "OK");
    assert.equal(await client.closedByServer(), true);
    assert.equal(client.buffered.length, 0);
  });
});

Deno.test("SELECT and RESET: database, name, protocol and reply mode", async () => {
  await withServer({}, async ([client]) => {
    assert.equal(await client.call("SELECT", "2"), "OK");
    assert.equal(await client.call("SET", "k", "in2"), "OK");
    assert.equal(await client.call("SELECT", "0"), "OK");
    assert.equal(await client.call("GET", "k"), null);
    await client.call("SELECT", "2");
    await client.call("CLIENT", "SETNAME", "conn");
    const hello = await client.call("HELLO", "3") as Map<string, unknown>;
    assert.equal(hello.get("proto"), 3);
    await client.send("CLIENT", "REPLY", "OFF");
    assert.equal(await client.call("RESET"), "RESET");
    assert.equal(await client.call("GET", "k"), null);
    assert.equal(await client.call("CLIENT", "GETNAME"), null);
    // Back to RESP2: the null is "$-1", not "_".
    assert.equal(latin1(await client.callRaw("CLIENT", "GETNAME")), "$-1\r\n");
    assert.equal(await client.call("SELECT", "2"), "OK");
    assert.equal(await client.call("GET", "k"), "in2");
  });
});

Deno.test("HELLO switches protocols and describes the server", async () => {
  await withServer({}, async ([client]) => {
    const id = await client.call("CLIENT", "ID");
    const reply = await client.call("HELLO", "3") as Map<string, unknown>;
    assert.deepEqual(
      [...reply.entries()],
      [
        ["server", "redis"],
        ["version", "7.0.15"],
        ["proto", 3],
        ["id", id],
        ["mode", "standalone"],
        ["role", "master"],
        ["modules", []],
      ],
    );
    assert.equal(latin1(await client.callRaw("GET", "missing")), "_\r\n");
    const two = await client.call("HELLO", "2", "SETNAME", "me") as unknown[];
    assert.deepEqual(two.slice(0, 6), [
      "server",
      "redis",
      "version",
      "7.0.15",
      "proto",
      2,
    ]);
    assert.equal(await client.call("CLIENT", "GETNAME"), "me");
    assert.equal(latin1(await client.callRaw("GET", "missing")), "$-1\r\n");
    // HELLO without a version keeps the protocol.
    const same = await client.call("HELLO") as unknown[];
    assert.equal(same[5], 2);
    assert.deepEqual(
      await client.call("HELLO", "5"),
      new RespError("NOPROTO unsupported protocol version"),
    );
  });
});

Deno.test("requirepass: NOAUTH until AUTH, per connection", async () => {
  await withServer(
    { flags: ["--requirepass", "pw"], clients: 2 },
    async ([a, b]) => {
      assert.deepEqual(
        await a.call("GET", "k"),
        new RespError("NOAUTH Authentication required."),
      );
      assert.equal(await a.call("AUTH", "pw"), "OK");
      assert.equal(await a.call("SET", "k", "v"), "OK");
      assert.deepEqual(
        await b.call("GET", "k"),
        new RespError("NOAUTH Authentication required."),
      );
      const hello = await b.call("HELLO", "3", "AUTH", "default", "pw") as Map<
        string,
        unknown
      >;
      assert.equal(hello.get("proto"), 3);
      assert.equal(await b.call("GET", "k"), "v");
      assert.equal(await a.call("RESET"), "RESET");
      assert.deepEqual(
        await a.call("GET", "k"),
        new RespError("NOAUTH Authentication required."),
      );
    },
  );
});

/** Runs redis-cli with `args`; null when it is not installed. */
async function redisCli(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("redis-cli", {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return text(out.stdout);
  } catch {
    return null;
  }
}

Deno.test("redis-cli: ping, echo, and a RESP3 session with hello 3", async () => {
  await withServer({ clients: 0 }, async (_clients, server) => {
    const port = String(server.port);
    const ping = await redisCli(["-p", port, "ping"]);
    if (ping === null) return; // redis-cli is not installed.
    assert.equal(ping, "PONG\n");
    assert.equal(
      await redisCli(["-p", port, "echo", "hi there"]),
      "hi there\n",
    );
    const hello = await redisCli(["-3", "-p", port, "hello", "3"]);
    assert.match(hello!, /^server\s+redis$/m);
    assert.match(hello!, /^version\s+7\.0\.15$/m);
    assert.match(hello!, /^proto\s+3$/m);
    // Without a terminal, redis-cli prints a null as an empty line.
    assert.equal(
      await redisCli(["-3", "-p", port, "client", "getname"]),
      "\n",
    );
  });
});
