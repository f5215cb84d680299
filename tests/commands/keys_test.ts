import assert from "node:assert/strict";
import { parseScanCursor } from "../../lib/commands/keys.ts";
import { binary } from "../helpers/bytes.ts";
import { inProcess } from "../helpers/in_process.ts";
import { RespError } from "../helpers/resp_client.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("keys: key-change events carry Redis's notification names", () => {
  const { run, events, server } = inProcess({ eventDb: true });
  const script = [
    ["SET", "a", "1"],
    ["DEL", "a", "a", "missing"],
    ["SET", "b", "1"],
    ["UNLINK", "b"],
    ["SET", "c", "1"],
    ["RENAME", "c", "d"],
    ["RENAMENX", "d", "e"],
    ["RENAMENX", "e", "e"],
    ["MOVE", "e", "3"],
    ["SELECT", "3"],
    ["COPY", "e", "f", "DB", "5"],
    ["EXPIRE", "e", "100"],
    ["EXPIRE", "e", "100", "NX"],
    ["PERSIST", "e"],
    ["PERSIST", "e"],
    ["PEXPIRE", "e", "-1"],
  ];
  const dirty = server.dirty;
  for (const args of script) run(...args);
  assert.deepEqual(events, [
    "$ set 0:a",
    "g del 0:a",
    "$ set 0:b",
    "g del 0:b",
    "$ set 0:c",
    "g rename_from 0:c",
    "g rename_to 0:d",
    "g rename_from 0:d",
    "g rename_to 0:e",
    "g move_from 0:e",
    "g move_to 3:e",
    "g copy_to 5:f",
    "g expire 3:e",
    "g persist 3:e",
    "g del 3:e",
  ]);
  // One dirty change per modification, as Redis counts them.
  assert.equal(server.dirty - dirty, 12);
});

Deno.test("keys: lazy and active expiry report 'expired'", async () => {
  const { run, events, server } = inProcess({ eventDb: true });
  run("SET", "lazy", "1", "PX", "1");
  run("SET", "active", "1", "PX", "1");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(run("DBSIZE"), ":2\r\n");
  assert.equal(run("EXISTS", "lazy"), ":0\r\n");
  assert.equal(run("DBSIZE"), ":1\r\n");
  server.activeExpireCycle(25);
  assert.equal(run("DBSIZE"), ":0\r\n");
  assert.deepEqual(events.filter((e) => e.startsWith("x")), [
    "x expired 0:lazy",
    "x expired 0:active",
  ]);
  assert.equal(server.stats.expiredKeys, 2);
});

Deno.test("keys: OBJECT IDLETIME follows accesses; read-only probes do not count", () => {
  const { run, server } = inProcess({ eventDb: true });
  run("SET", "k", "v");
  const entry = server.keyspace.db(0).peek("k")!;
  entry.restoreAccess({ idleSeconds: 5 }, Date.now());
  for (const probe of ["TYPE", "EXISTS", "TTL", "PTTL", "EXPIRETIME"]) {
    run(probe, "k");
  }
  run("OBJECT", "ENCODING", "k");
  assert.equal(run("OBJECT", "IDLETIME", "k"), ":5\r\n");
  run("TOUCH", "k");
  assert.equal(run("OBJECT", "IDLETIME", "k"), ":0\r\n");
  entry.restoreAccess({ idleSeconds: 7 }, Date.now());
  run("GET", "k");
  assert.equal(run("OBJECT", "IDLETIME", "k"), ":0\r\n");
  assert.equal(run("OBJECT", "IDLETIME", "missing"), "$-1\r\n");
});

Deno.test("keys: OBJECT FREQ needs an LFU policy, IDLETIME needs a non-LFU one", () => {
  const { run } = inProcess({ eventDb: true });
  run("SET", "k", "hello");
  assert.match(
    run("OBJECT", "FREQ", "k"),
    /^-ERR An LFU maxmemory policy is not selected, access frequency not tracked\./,
  );
  assert.equal(run("OBJECT", "FREQ", "missing"), "$-1\r\n");
  assert.equal(
    run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"),
    "+OK\r\n",
  );
  run("SET", "f", "hello");
  assert.equal(run("OBJECT", "FREQ", "f"), ":5\r\n");
  // The first access from the initial counter always counts.
  run("GET", "f");
  assert.equal(run("OBJECT", "FREQ", "f"), ":6\r\n");
  // Overwriting keeps the counter.
  run("SET", "f", "other");
  assert.ok([":6\r\n", ":7\r\n"].includes(run("OBJECT", "FREQ", "f")));
  assert.match(
    run("OBJECT", "IDLETIME", "f"),
    /^-ERR An LFU maxmemory policy is selected, idle time not tracked\./,
  );
});

Deno.test("keys: OBJECT REFCOUNT shows shared integers unless an LRU/LFU limit is set", () => {
  const { run } = inProcess({ eventDb: true });
  run("SET", "small", "123");
  run("SET", "big", "12345");
  run("SET", "text", "abc");
  assert.equal(run("OBJECT", "REFCOUNT", "small"), ":2147483647\r\n");
  assert.equal(run("OBJECT", "REFCOUNT", "big"), ":1\r\n");
  assert.equal(run("OBJECT", "REFCOUNT", "text"), ":1\r\n");
  run("CONFIG", "SET", "maxmemory", "100mb");
  run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
  run("SET", "lru", "5");
  assert.equal(run("OBJECT", "REFCOUNT", "lru"), ":1\r\n");
  run("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
  run("SET", "random", "5");
  assert.equal(run("OBJECT", "REFCOUNT", "random"), ":2147483647\r\n");
  assert.equal(run("OBJECT", "REFCOUNT", "missing"), "$-1\r\n");
});

Deno.test("keys: RESP3 null replies", () => {
  const { run, client } = inProcess({ eventDb: true });
  client.reply.protocol = 3;
  assert.equal(run("RANDOMKEY"), "_\r\n");
  assert.equal(run("OBJECT", "ENCODING", "missing"), "_\r\n");
  run("SET", "k", "v");
  assert.equal(run("RANDOMKEY"), "$1\r\nk\r\n");
  assert.equal(run("TYPE", "k"), "+string\r\n");
});

Deno.test("keys: PEXPIRETIME of the largest expiry stays a 64-bit integer", () => {
  const { run } = inProcess({ eventDb: true });
  run("SET", "k", "v");
  assert.equal(run("PEXPIREAT", "k", "9223372036854775807"), ":1\r\n");
  assert.equal(run("PEXPIRETIME", "k"), ":9223372036854775807\r\n");
  assert.equal(run("EXPIRETIME", "k"), ":9223372036854776\r\n");
});

Deno.test("keys: SCAN cursors parse like strtoul", () => {
  assert.equal(parseScanCursor(binary("")), 0n);
  assert.equal(parseScanCursor(binary("42")), 42n);
  assert.equal(parseScanCursor(binary("+42")), 42n);
  assert.equal(parseScanCursor(binary("-1")), 18446744073709551615n);
  assert.equal(parseScanCursor(binary("7\x00junk")), 7n);
  for (const bad of [" 1", "1 ", "x", "-", "18446744073709551616", "1.5"]) {
    assert.throws(() => parseScanCursor(binary(bad)), /ERR invalid cursor/);
  }
});

Deno.test("keys: SCAN returns every key that exists throughout, while another client churns", async () => {
  await withServer({ clients: 2 }, async ([scanner, writer]) => {
    const stable = new Set<string>();
    for (let i = 0; i < 2000; i += 100) {
      const args = ["MSET"];
      for (let j = i; j < i + 100; j++) {
        args.push(`stable:${j}`, "v");
        stable.add(`stable:${j}`);
        args.push(`churn:${j}`, "v");
      }
      await writer.call(...args);
    }
    const seen = new Set<string>();
    let cursor = "0";
    let step = 0;
    do {
      const [next, keys] = await scanner.call(
        "SCAN",
        cursor,
        "COUNT",
        "50",
      ) as [string, string[]];
      for (const key of keys) seen.add(key);
      cursor = next;
      // Add keys, delete others, and recreate some, between scan calls.
      step++;
      await writer.call("SET", `new:${step}`, "v");
      await writer.call("DEL", `churn:${step * 7 % 2000}`, `new:${step - 1}`);
      await writer.call("SET", `churn:${step * 13 % 2000}`, "w");
    } while (cursor !== "0");
    for (const key of stable) assert.ok(seen.has(key), `missed ${key}`);
  });
});

Deno.test("keys: SCAN MATCH, TYPE and COUNT filter and page", async () => {
  await withServer({}, async ([c]) => {
    for (let i = 0; i < 30; i++) await c.call("SET", `user:${i}`, "x");
    await c.call("RPUSH", "list:1", "a");
    await c.call("SET", "other", "y");
    await c.call("SET", "gone", "z", "PX", "1");
    await new Promise((resolve) => setTimeout(resolve, 5));
    const collect = async (...options: string[]) => {
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await c.call("SCAN", cursor, ...options) as [
          string,
          string[],
        ];
        found.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      return found.sort();
    };
    assert.equal((await collect("MATCH", "user:*", "COUNT", "7")).length, 30);
    assert.deepEqual(await collect("TYPE", "LIST"), ["list:1"]);
    assert.deepEqual(await collect("MATCH", "*er", "TYPE", "string"), [
      "other",
    ]);
    assert.equal((await collect()).length, 32);
    assert.deepEqual(
      await c.call("SCAN", "0", "COUNT", "0"),
      new RespError("ERR syntax error"),
    );
  });
});

Deno.test("keys: the active expiry cycle reclaims keys nobody reads", async () => {
  await withServer({}, async ([c]) => {
    for (let i = 0; i < 1000; i += 100) {
      const batch: string[] = [];
      for (let j = i; j < i + 100; j++) {
        batch.push(
          `*5\r\n$3\r\nSET\r\n$${
            `k${j}`.length
          }\r\nk${j}\r\n$1\r\nv\r\n$2\r\nPX\r\n$3\r\n100\r\n`,
        );
      }
      await c.write(batch.join(""));
      for (let j = 0; j < 100; j++) assert.equal(await c.read(), "OK");
    }
    await c.call("SET", "keeper", "v");
    // Expired keys still count until reclaimed, as in Redis.
    assert.ok((await c.call("DBSIZE") as number) > 1);
    const deadline = Date.now() + 10_000;
    let size = await c.call("DBSIZE") as number;
    while (size > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      size = await c.call("DBSIZE") as number;
    }
    assert.equal(size, 1);
    assert.equal(await c.call("EXISTS", "keeper"), 1);
  });
});

Deno.test("keys: MOVE, COPY and SWAPDB work across databases", async () => {
  await withServer({}, async ([c]) => {
    await c.call("SET", "k", "v", "EX", "1000");
    assert.equal(await c.call("MOVE", "k", "1"), 1);
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.equal(await c.call("SELECT", "1"), "OK");
    assert.equal(await c.call("GET", "k"), "v");
    assert.ok((await c.call("TTL", "k") as number) > 990);
    assert.equal(await c.call("COPY", "k", "k", "DB", "2"), 1);
    assert.equal(await c.call("COPY", "k", "k", "DB", "2"), 0);
    await c.call("SET", "k", "w");
    assert.equal(await c.call("COPY", "k", "k", "DB", "2", "REPLACE"), 1);
    assert.equal(await c.call("SWAPDB", "1", "2"), "OK");
    assert.equal(await c.call("GET", "k"), "w");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("SELECT", "2"), "OK");
    assert.equal(await c.call("GET", "k"), "w");
    assert.equal(await c.call("DBSIZE"), 1);
    assert.equal(await c.call("FLUSHALL", "ASYNC"), "OK");
    assert.equal(await c.call("DBSIZE"), 0);
  });
});

Deno.test("keys: binary-safe key names in KEYS, RENAME and RANDOMKEY", async () => {
  await withServer({}, async ([c]) => {
    const key = "k\x00\xff\r\n";
    await c.call("SET", key, "v");
    assert.deepEqual(await c.call("KEYS", "k\x00*"), [key]);
    assert.deepEqual(await c.call("KEYS", "k?[\xfe-\xff]*"), [key]);
    assert.equal(await c.call("RANDOMKEY"), key);
    assert.equal(await c.call("RENAME", key, "\x01"), "OK");
    assert.deepEqual(await c.call("KEYS", "*"), ["\x01"]);
  });
});

Deno.test("keys: relative and past expiry times reach the AOF as PEXPIREAT and DEL", async () => {
  const flags = ["--appendonly", "yes", "--appendfsync", "always"];
  await withServer({ flags }, async ([c], server) => {
    await c.call("SET", "k", "v");
    await c.call("SET", "gone", "v");
    assert.equal(await c.call("EXPIRE", "k", "1000", "NX"), 1);
    const at = await c.call("PEXPIRETIME", "k") as number;
    assert.equal(await c.call("PEXPIRE", "gone", "-1"), 1);
    assert.equal(await c.call("PEXPIREAT", "k", String(at + 1)), 1);
    const expected = [
      `*4\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$${
        String(at).length
      }\r\n${at}\r\n$2\r\nNX\r\n`,
      "*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n",
      `*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$${String(at + 1).length}\r\n${
        at + 1
      }\r\n`,
    ].join("");
    const file = `${server.dir}/appendonlydir/appendonly.aof.1.incr.aof`;
    let text = "";
    for (let i = 0; i < 50 && !text.endsWith(expected); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = await Deno.readTextFile(file).catch(() => "");
    }
    assert.ok(text.endsWith(expected), JSON.stringify(text));
  });
});

Deno.test("keys: a plain string key stays without an entry through reads, probes and overwrites", () => {
  const { run, server } = inProcess();
  const db = server.keyspace.db(0);
  run("SET", "k", "hello");
  run("MSET", "n", "41", "m", "x");
  run("INCR", "n");
  for (
    const command of [
      ["GET", "k"],
      ["MGET", "k", "n"],
      ["EXISTS", "k"],
      ["TYPE", "k"],
      ["TTL", "k"],
      ["PTTL", "k"],
      ["STRLEN", "k"],
      ["GETRANGE", "k", "0", "1"],
      ["MEMORY", "USAGE", "k"],
      ["SCAN", "0", "TYPE", "string"],
      ["TOUCH", "k"],
      ["PERSIST", "k"],
      ["SET", "k", "again", "GET"],
    ]
  ) run(...command);
  run("RPUSH", "list", "1", "2");
  run("SET", "w_1", "9");
  assert.equal(
    run("SORT", "list", "BY", "w_*", "GET", "w_*"),
    "*2\r\n$-1\r\n$1\r\n9\r\n",
  );
  for (const key of ["k", "n", "m", "w_1"]) {
    assert.equal(typeof db.peekItem(key), "string", key);
  }
  assert.equal(run("GET", "n"), "$2\r\n42\r\n");
  // An expiry needs an entry; a plain SET drops it and the entry again.
  run("EXPIRE", "k", "100");
  assert.equal(typeof db.peekItem("k"), "object");
  assert.equal(run("TTL", "k"), ":100\r\n");
  run("SET", "k", "plain");
  assert.equal(typeof db.peekItem("k"), "string");
  assert.equal(run("TTL", "k"), ":-1\r\n");
  assert.equal(run("OBJECT", "ENCODING", "n"), "$3\r\nint\r\n");
});
