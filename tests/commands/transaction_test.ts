import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import { encodeCommand, RespError } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("EXEC runs with no other client's command in between", async () => {
  await withServer({ clients: 2 }, async ([a, b]) => {
    const n = 200;
    const batch: Uint8Array[] = [encodeCommand(["MULTI"])];
    for (let i = 0; i < n; i++) batch.push(encodeCommand(["INCR", "x"]));
    batch.push(encodeCommand(["EXEC"]));
    const others: Uint8Array[] = [];
    for (let i = 0; i < n; i++) others.push(encodeCommand(["INCR", "x"]));
    const join = (parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    await Promise.all([a.write(join(batch)), b.write(join(others))]);
    for (let i = 0; i <= n; i++) await a.read(); // OK and QUEUED replies
    const results = await a.read() as number[];
    for (let i = 0; i < n; i++) await b.read();
    assert.equal(results.length, n);
    for (let i = 1; i < n; i++) assert.equal(results[i], results[0] + i);
    assert.equal(await a.call("GET", "x"), String(2 * n));
  });
});

Deno.test("blocking commands inside MULTI do not block", async () => {
  await withServer({}, async ([client]) => {
    await client.call("MULTI");
    assert.equal(await client.call("BLPOP", "empty", "0"), "QUEUED");
    assert.equal(await client.call("SET", "k", "v"), "QUEUED");
    assert.deepEqual(await client.call("EXEC"), [null, "OK"]);
  });
});

Deno.test("clients blocked on a key are served after EXEC", async () => {
  await withServer({ clients: 2 }, async ([waiter, client]) => {
    await waiter.send("BLPOP", "l", "0");
    await sleep(50);
    await client.call("MULTI");
    await client.call("RPUSH", "l", "a");
    await client.call("RPUSH", "l", "b");
    await client.call("LPOP", "l");
    assert.deepEqual(await client.call("EXEC"), [1, 2, "a"]);
    // The waiter only sees the state after the whole transaction.
    assert.deepEqual(await waiter.read(), ["l", "b"]);
    assert.equal(await client.call("LLEN", "l"), 0);
  });
});

Deno.test("RESP3: a failed WATCH gives the null reply", async () => {
  await withServer({ clients: 2 }, async ([client, other]) => {
    await client.call("HELLO", "3");
    await client.call("WATCH", "k");
    await other.call("SET", "k", "changed");
    await client.call("MULTI");
    await client.call("GET", "k");
    assert.equal(
      text(await client.callRaw("EXEC")),
      "_\r\n",
    );
  });
});

Deno.test("RESET ends MULTI and forgets watched keys", async () => {
  await withServer({ clients: 2 }, async ([client, other]) => {
    await client.call("WATCH", "k");
    await client.call("MULTI");
    await client.call("SET", "k", "mine");
    assert.equal(await client.call("RESET"), "RESET");
    assert.deepEqual(
      await client.call("EXEC"),
      new RespError("ERR EXEC without MULTI"),
    );
    assert.equal(await client.call("GET", "k"), null);
    await client.call("WATCH", "k");
    await client.call("RESET");
    await other.call("SET", "k", "theirs");
    await client.call("MULTI");
    await client.call("GET", "k");
    assert.deepEqual(await client.call("EXEC"), ["theirs"]);
  });
});

Deno.test("a client that disconnects while watching is forgotten", async () => {
  await withServer({}, async ([client], server) => {
    for (let i = 0; i < 5; i++) {
      const watcher = await server.connect();
      await watcher.call("WATCH", "k");
      await watcher.call("MULTI");
      await watcher.call("SET", "k", "never");
      watcher.close();
    }
    await sleep(50);
    assert.equal(await client.call("SET", "k", "v"), "OK");
    assert.equal(await client.call("GET", "k"), "v");
  });
});

Deno.test("the AOF gets a transaction's writes wrapped in MULTI/EXEC", async () => {
  await withServer(
    { flags: ["--appendonly", "yes"] },
    async ([client], server) => {
      await client.call("MULTI");
      await client.call("SET", "a", "1");
      await client.call("GET", "a");
      await client.call("INCR", "a");
      assert.deepEqual(await client.call("EXEC"), ["OK", "1", 2]);
      await client.call("MULTI");
      await client.call("GET", "a");
      await client.call("EXEC");
      let text = "";
      for await (const entry of Deno.readDir(`${server.dir}/appendonlydir`)) {
        if (entry.name.endsWith(".incr.aof")) {
          text = await Deno.readTextFile(
            `${server.dir}/appendonlydir/${entry.name}`,
          );
        }
      }
      const words = text.split("\r\n").filter((line) =>
        line !== "" && line[0] !== "*" && line[0] !== "$"
      );
      assert.deepEqual(words, [
        "SELECT",
        "0",
        "MULTI",
        "SET",
        "a",
        "1",
        "INCR",
        "a",
        "EXEC",
      ]);
    },
  );
});

Deno.test("EXEC resolves repeated, mixed-case and container commands", async () => {
  await withServer({}, async ([client]) => {
    const queued: string[][] = [
      ["SET", "k", "1"],
      ["set", "k", "2"],
      ["GET", "k"],
      ["get", "k"],
      ["CONFIG", "GET", "maxclients"],
      ["gEt", "k"],
      ["COMMAND"],
      ["COMMAND", "COUNT"],
    ];
    assert.equal(await client.call("MULTI"), "OK");
    for (const args of queued) {
      assert.equal(await client.call(...args), "QUEUED");
    }
    const results = await client.call("EXEC") as unknown[];
    assert.deepEqual(results.slice(0, 6), [
      "OK",
      "OK",
      "2",
      "2",
      ["maxclients", "10000"],
      "2",
    ]);
    // COMMAND alone lists every command; COMMAND COUNT counts them.
    assert.equal((results[6] as unknown[]).length, results[7]);
  });
});
