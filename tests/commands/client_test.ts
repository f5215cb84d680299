import assert from "node:assert/strict";
import { latin1 } from "../helpers/bytes.ts";
import { type RespClient, RespError } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const noOracle = !hasRedisServer();

/**
 * Runs `scenario` with `clients` clients of our server and then of Redis
 * and asserts that it produced the same list of raw replies.
 */
async function differential(
  clients: number,
  scenario: (clients: RespClient[]) => Promise<string[]>,
): Promise<void> {
  const results: string[][] = [];
  for (const oracle of [false, true]) {
    results.push(await withServer({ oracle, clients }, scenario));
  }
  assert.deepEqual(results[0], results[1]);
}

Deno.test({
  name: "CLIENT: errors and deterministic replies match Redis",
  ignore: noOracle,
  fn: () =>
    differential(1, async ([c]) => {
      const out: string[] = [];
      const call = async (...args: string[]) =>
        out.push(latin1(await c.callRaw(...args)));
      for (const protocol of ["2", "3"]) {
        await c.call("HELLO", protocol);
        await call("CLIENT");
        await call("CLIENT", "HELP");
        await call("client", "help");
        await call("CLIENT", "HELP", "x");
        await call("CLIENT", "FOO");
        await call("CLIENT", "ID", "x");
        await call("CLIENT", "GETNAME");
        await call("CLIENT", "GETNAME", "x");
        await call("CLIENT", "SETNAME");
        await call("CLIENT", "SETNAME", "a b");
        await call("CLIENT", "SETNAME", "a\nb");
        await call("CLIENT", "SETNAME", "caf\xe9");
        await call("CLIENT", "SETNAME", "!~");
        await call("CLIENT", "GETNAME");
        await call("CLIENT", "SETNAME", "");
        await call("CLIENT", "GETNAME");
        await call("CLIENT", "INFO", "x");
        await call("CLIENT", "KILL");
        await call("CLIENT", "KILL", "1.2.3.4:5");
        await call("CLIENT", "KILL", "addr");
        await call("CLIENT", "KILL", "ADDR", "1.2.3.4:5");
        await call("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "yes");
        await call("CLIENT", "KILL", "LADDR", "1.2.3.4:5");
        await call("CLIENT", "KILL", "ID", "abc");
        await call("CLIENT", "KILL", "ID", "0");
        await call("CLIENT", "KILL", "ID", "-5");
        await call("CLIENT", "KILL", "ID", "99999");
        await call("CLIENT", "KILL", "TYPE", "foo");
        await call("CLIENT", "KILL", "TYPE", "master");
        await call("CLIENT", "KILL", "TYPE", "slave");
        await call("CLIENT", "KILL", "TYPE", "replica");
        await call("CLIENT", "KILL", "SKIPME", "maybe");
        await call("CLIENT", "KILL", "foo", "bar");
        await call("CLIENT", "KILL", "ID", "1", "ADDR");
        await call("CLIENT", "KILL", "USER", "nobody");
        await call("CLIENT", "KILL", "USER", "default", "SKIPME", "yes");
        await call("CLIENT", "LIST", "TYPE", "foo");
        await call("CLIENT", "LIST", "TYPE", "master");
        await call("CLIENT", "LIST", "TYPE", "replica");
        await call("CLIENT", "LIST", "TYPE");
        await call("CLIENT", "LIST", "ID");
        await call("CLIENT", "LIST", "ID", "abc");
        await call("CLIENT", "LIST", "ID", "99999", "abc");
        await call("CLIENT", "LIST", "ID", "99999");
        await call("CLIENT", "LIST", "foo");
        await call("CLIENT", "LIST", "TYPE", "normal", "ID", "1");
        await call("CLIENT", "REPLY");
        await call("CLIENT", "REPLY", "foo");
        await call("CLIENT", "REPLY", "ON");
        await call("CLIENT", "REPLY", "on", "x");
        await call("CLIENT", "NO-EVICT");
        await call("CLIENT", "NO-EVICT", "foo");
        await call("CLIENT", "NO-EVICT", "on");
        await call("CLIENT", "NO-EVICT", "OFF");
        await call("CLIENT", "UNBLOCK");
        await call("CLIENT", "UNBLOCK", "abc");
        await call("CLIENT", "UNBLOCK", "abc", "foo");
        await call("CLIENT", "UNBLOCK", "1", "foo");
        await call("CLIENT", "UNBLOCK", "1", "timeout", "x");
        await call("CLIENT", "UNBLOCK", "99999");
        await call("CLIENT", "UNBLOCK", "99999", "ERROR");
      }
      return out;
    }),
});

Deno.test({
  name: "CLIENT LIST and INFO have Redis 7.0's fields, in order",
  ignore: noOracle,
  fn: async () => {
    const fieldNames: string[][] = [];
    for (const oracle of [false, true]) {
      await withServer({ oracle }, async ([client]) => {
        const line = await client.call("CLIENT", "INFO") as string;
        assert.ok(line.endsWith("\n"));
        fieldNames.push(
          line.trimEnd().split(" ").map((f) => f.slice(0, f.indexOf("="))),
        );
        const list = await client.call("CLIENT", "LIST") as string;
        assert.equal(list.split("\n").length, 2);
      });
    }
    assert.deepEqual(fieldNames[0], fieldNames[1]);
  },
});

/** CLIENT LIST / INFO text parsed into one field map per client. */
function parseClients(listing: string): Map<string, string>[] {
  return listing.split("\n").filter((l) => l !== "").map((line) =>
    new Map(
      line.split(" ").map((f) => {
        const eq = f.indexOf("=");
        return [f.slice(0, eq), f.slice(eq + 1)] as [string, string];
      }),
    )
  );
}

Deno.test("CLIENT ID, SETNAME, INFO, LIST with TYPE and ID filters", async () => {
  await withServer({ clients: 2 }, async ([a, b], server) => {
    const idA = await a.call("CLIENT", "ID") as number;
    const idB = await b.call("CLIENT", "ID") as number;
    assert.ok(idB > idA);
    assert.equal(await a.call("CLIENT", "SETNAME", "alpha"), "OK");
    assert.equal(await a.call("CLIENT", "GETNAME"), "alpha");
    await b.call("SELECT", "3");
    await b.call("HELLO", "3");

    const all = parseClients(await a.call("CLIENT", "LIST") as string);
    assert.deepEqual(all.map((c) => Number(c.get("id"))), [idA, idB]);
    const [infoA, infoB] = all;
    assert.equal(infoA.get("name"), "alpha");
    assert.equal(infoA.get("cmd"), "client|list");
    assert.equal(infoA.get("flags"), "N");
    assert.equal(infoA.get("db"), "0");
    assert.equal(infoA.get("resp"), "2");
    assert.equal(infoA.get("multi"), "-1");
    assert.equal(infoA.get("user"), "default");
    assert.equal(infoA.get("laddr"), `127.0.0.1:${server.port}`);
    assert.match(infoA.get("addr")!, /^127\.0\.0\.1:\d+$/);
    assert.equal(infoB.get("name"), "");
    assert.equal(infoB.get("db"), "3");
    assert.equal(infoB.get("resp"), "3");
    assert.equal(infoB.get("cmd"), "hello");

    // RESP3: a verbatim string, which the test client returns with its "txt:".
    const verbatim = await b.call("CLIENT", "INFO") as string;
    assert.ok(verbatim.startsWith("txt:"));
    const own = parseClients(verbatim.slice(4));
    assert.equal(own.length, 1);
    assert.equal(own[0].get("id"), String(idB));
    assert.equal(own[0].get("cmd"), "client|info");
    // RESP3 gets a verbatim string.
    assert.match(latin1(await b.callRaw("CLIENT", "INFO")), /^=\d+\r\ntxt:id=/);

    const byIdText = await a.call(
      "CLIENT",
      "LIST",
      "ID",
      String(idB),
      "99999",
      String(idB),
    );
    const byId = parseClients(byIdText as string);
    assert.deepEqual(byId.map((c) => c.get("id")), [
      String(idB),
      String(idB),
    ]);
    const normal = parseClients(
      await a.call("CLIENT", "LIST", "TYPE", "NORMAL") as string,
    );
    assert.equal(normal.length, 2);
    assert.equal(await a.call("CLIENT", "LIST", "TYPE", "pubsub"), "");
  });
});

Deno.test("CLIENT KILL: old and new forms, SKIPME, killing oneself", async () => {
  await withServer({ clients: 3 }, async ([a, b, c], server) => {
    const listing = parseClients(await a.call("CLIENT", "LIST") as string);
    const addrB = listing[1].get("addr")!;
    assert.equal(await a.call("CLIENT", "KILL", addrB), "OK");
    assert.equal(await b.closedByServer(), true);
    assert.deepEqual(
      await a.call("CLIENT", "KILL", addrB),
      new RespError("ERR No such client"),
    );

    const idC = await c.call("CLIENT", "ID") as number;
    assert.equal(await a.call("CLIENT", "KILL", "ID", String(idC)), 1);
    assert.equal(await c.closedByServer(), true);

    // The caller is skipped by default, and killed after its reply with SKIPME no.
    const laddr = `127.0.0.1:${server.port}`;
    assert.equal(await a.call("CLIENT", "KILL", "LADDR", laddr), 0);
    assert.equal(
      await a.call("CLIENT", "KILL", "USER", "default", "SKIPME", "no"),
      1,
    );
    assert.equal(await a.closedByServer(), true);
  });
});

Deno.test("CLIENT KILL old form can kill the caller itself", async () => {
  await withServer({}, async ([a]) => {
    const own = parseClients(await a.call("CLIENT", "INFO") as string)[0];
    assert.equal(await a.call("CLIENT", "KILL", own.get("addr")!), "OK");
    assert.equal(await a.closedByServer(), true);
  });
});

Deno.test({
  name: "CLIENT REPLY OFF/ON/SKIP behave as in Redis",
  ignore: noOracle,
  fn: () =>
    differential(1, async ([c]) => {
      await c.send("CLIENT", "REPLY", "SKIP");
      await c.send("PING", "skipped");
      await c.send("PING", "one");
      await c.send("CLIENT", "REPLY", "OFF");
      await c.send("PING", "off");
      await c.send("CLIENT", "REPLY", "SKIP");
      await c.send("CLIENT", "REPLY", "ON");
      await c.send("CLIENT", "REPLY", "SKIP");
      await c.send("CLIENT", "REPLY", "ON");
      await c.send("PING", "two");
      const out: string[] = [];
      for (let i = 0; i < 4; i++) out.push(latin1(await c.readRaw()));
      return out;
    }),
});

Deno.test({
  name:
    "CLIENT UNBLOCK ends a blocking command with its timeout reply or an error",
  ignore: noOracle,
  fn: () =>
    differential(2, async ([blocked, other]) => {
      const out: string[] = [];
      const id = String(await blocked.call("CLIENT", "ID"));
      for (const reason of [[], ["TIMEOUT"], ["error"]]) {
        await blocked.send("BLPOP", "list", "0");
        // Wait until the server shows the client as blocked.
        for (let i = 0; i < 100; i++) {
          const info = await other.call("CLIENT", "LIST", "ID", id) as string;
          if (info.includes("flags=b")) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        out.push(
          latin1(await other.callRaw("CLIENT", "UNBLOCK", id, ...reason)),
        );
        out.push(latin1(await blocked.readRaw()));
      }
      out.push(latin1(await other.callRaw("CLIENT", "UNBLOCK", id)));
      out.push(latin1(await blocked.callRaw("PING")));
      return out;
    }),
});

Deno.test("CLIENT NO-EVICT shows as flag e", async () => {
  await withServer({}, async ([client]) => {
    assert.equal(await client.call("CLIENT", "NO-EVICT", "on"), "OK");
    const on = parseClients(await client.call("CLIENT", "INFO") as string)[0];
    assert.equal(on.get("flags"), "e");
    assert.equal(await client.call("CLIENT", "NO-EVICT", "off"), "OK");
    const off = parseClients(await client.call("CLIENT", "INFO") as string)[0];
    assert.equal(off.get("flags"), "N");
  });
});

Deno.test("client library handshake: HELLO 3, SETINFO, SETNAME, COMMAND DOCS", async () => {
  await withServer({}, async ([client]) => {
    // What client libraries pipeline on connect (SETINFO is Redis 7.2's).
    await client.send("HELLO", "3");
    await client.send("CLIENT", "SETINFO", "LIB-NAME", "mylib");
    await client.send("CLIENT", "SETINFO", "LIB-VER", "1.0");
    await client.send("CLIENT", "SETNAME", "app");
    await client.send("COMMAND", "DOCS");
    const hello = await client.read() as Map<string, unknown>;
    assert.equal(hello.get("proto"), 3);
    assert.equal(await client.read(), "OK");
    assert.equal(await client.read(), "OK");
    assert.equal(await client.read(), "OK");
    const docs = await client.read() as Map<string, unknown>;
    assert.ok(docs.has("client"));
    assert.equal(await client.call("CLIENT", "GETNAME"), "app");
  });
});

Deno.test("CLIENT SETINFO and NO-TOUCH (Redis 7.2 additions)", async () => {
  await withServer({}, async ([client]) => {
    assert.equal(
      await client.call("CLIENT", "SETINFO", "lib-name", "redis-py"),
      "OK",
    );
    assert.equal(
      await client.call("CLIENT", "SETINFO", "LIB-VER", "5.0.1"),
      "OK",
    );
    assert.deepEqual(
      await client.call("CLIENT", "SETINFO", "lib-name", "a b"),
      new RespError(
        "ERR lib-name cannot contain spaces, newlines or special characters.",
      ),
    );
    assert.deepEqual(
      await client.call("CLIENT", "SETINFO", "color", "x"),
      new RespError("ERR Unrecognized option 'color'"),
    );
    await client.call("SET", "k", "v");
    assert.equal(await client.call("CLIENT", "NO-TOUCH", "on"), "OK");
    await new Promise((r) => setTimeout(r, 1100));
    await client.call("GET", "k");
    assert.ok(
      (await client.call("OBJECT", "IDLETIME", "k") as number) >= 1,
      "GET did not touch",
    );
    await client.call("TOUCH", "k");
    assert.equal(
      await client.call("OBJECT", "IDLETIME", "k"),
      0,
      "TOUCH still touches",
    );
    assert.deepEqual(
      await client.call("CLIENT", "NO-TOUCH", "maybe"),
      new RespError("ERR syntax error"),
    );
    assert.equal(await client.call("CLIENT", "NO-TOUCH", "off"), "OK");
  });
});

Deno.test({
  name: "CLIENT LIST/KILL TYPE pubsub and subscription fields match Redis",
  ignore: noOracle,
  fn: () =>
    differential(2, async ([subscriber, other]) => {
      const out: string[] = [];
      await subscriber.call("SUBSCRIBE", "a");
      await subscriber.send("SUBSCRIBE", "b");
      await subscriber.read();
      await subscriber.send("PSUBSCRIBE", "p*");
      await subscriber.read();
      const fields = ["flags", "sub", "psub", "ssub", "multi", "cmd", "db"];
      for (const type of ["pubsub", "normal"]) {
        const listing = await other.call("CLIENT", "LIST", "TYPE", type);
        for (const client of parseClients(listing as string)) {
          out.push(fields.map((f) => `${f}=${client.get(f)}`).join(" "));
        }
      }
      out.push(latin1(await other.callRaw("CLIENT", "KILL", "TYPE", "pubsub")));
      out.push(String(await subscriber.closedByServer()));
      out.push(latin1(await other.callRaw("CLIENT", "KILL", "TYPE", "pubsub")));
      return out;
    }),
});

Deno.test({
  name:
    "CLIENT LIST flags and multi count for MULTI, WATCH and blocked clients match Redis",
  ignore: noOracle,
  fn: () =>
    differential(3, async ([tx, blocked, other]) => {
      await tx.call("WATCH", "w");
      await tx.call("MULTI");
      await tx.call("SET", "x", "1");
      await tx.call("INCR", "y");
      await other.call("SET", "w", "changed");
      await blocked.send("BLPOP", "list", "0");
      const fields = ["flags", "multi", "cmd"];
      const out: string[] = [];
      for (let attempt = 0; attempt < 100; attempt++) {
        const listing = await other.call("CLIENT", "LIST") as string;
        if (listing.includes("flags=b")) {
          for (const client of parseClients(listing)) {
            out.push(fields.map((f) => `${f}=${client.get(f)}`).join(" "));
          }
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await other.call("LPUSH", "list", "v");
      out.push(latin1(await blocked.readRaw()));
      out.push(latin1(await tx.callRaw("EXEC")));
      await blocked.call("NOSUCHCMD");
      await other.call("CONFIG", "NOSUCH");
      for (
        const client of parseClients(await tx.call("CLIENT", "LIST") as string)
      ) {
        out.push(fields.map((f) => `${f}=${client.get(f)}`).join(" "));
      }
      return out;
    }),
});
