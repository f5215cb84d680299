/**
 * Persistence interoperability with Debian's redis-server 7.0: RDB files
 * and AOF directories written by either server load in the other with the
 * same keys, types, values and TTLs, and the same function libraries.
 */
import assert from "node:assert/strict";
import { text } from "../helpers/bytes.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

const noRedis = !hasRedisServer();

/** Commands creating every type and encoding, expiry, binary data and several databases. */
function populateCommands(): string[][] {
  const commands: string[][] = [
    [
      "FUNCTION",
      "LOAD",
      "#!lua name=interop\nredis.register_function('answer', function(keys, args) return 42 end)",
    ],
    ["SET", "str", "hello"],
    ["SET", "int", "12345"],
    ["SET", "bin\x00key", "\x00\xff\r\n"],
    ["SET", "long", "abc".repeat(2000)],
    ["SET", "volatile", "v", "EX", "100000"],
    ["RPUSH", "list", "a", "b", "1", "-5"],
    ["SADD", "intset", "1", "2", "300000"],
    ["SADD", "set", "x", "y", "z"],
    ["HSET", "hash", "f1", "v1", "f2", "v2"],
    ["ZADD", "zset", "1.5", "a", "2", "b", "-inf", "c"],
    ["XADD", "stream", "1-1", "field", "value"],
    ["XADD", "stream", "2-0", "a", "1", "b", "2"],
    ["XGROUP", "CREATE", "stream", "group", "0"],
    ["SELECT", "2"],
    ["SET", "indb2", "yes"],
    ["SELECT", "0"],
  ];
  for (let i = 0; i < 300; i++) {
    commands.push(["RPUSH", "biglist", `item${i}`]);
    commands.push(["SADD", "bigset", `member${i}`]);
    commands.push(["HSET", "bighash", `field${i}`, "v".repeat(i % 80)]);
    commands.push(["ZADD", "bigzset", String(i * 1.25), `m${i}`]);
  }
  return commands;
}

async function populate(client: RespClient): Promise<void> {
  for (const command of populateCommands()) {
    const reply = await client.call(...command);
    assert.ok(
      !(reply instanceof Object && "message" in reply),
      `${command[0]} failed: ${JSON.stringify(reply)}`,
    );
  }
}

/** Everything observable about the dataset, in a comparable form. */
async function contents(client: RespClient): Promise<unknown[]> {
  const out: unknown[] = [
    await client.call("FUNCTION", "LIST", "WITHCODE"),
    await client.call("FCALL", "answer", "0"),
  ];
  for (const db of ["0", "2"]) {
    await client.call("SELECT", db);
    const keys = (await client.call("KEYS", "*") as string[]).sort();
    for (const key of keys) {
      const type = await client.call("TYPE", key);
      const ttl = await client.call("TTL", key) as number;
      let value: unknown;
      if (type === "string") value = await client.call("GET", key);
      else if (type === "list") {
        value = await client.call("LRANGE", key, "0", "-1");
      } else if (type === "set") {
        value = (await client.call("SMEMBERS", key) as string[]).sort();
      } else if (type === "hash") {
        // Large hashes come back in each server's own table order.
        const flat = await client.call("HGETALL", key) as string[];
        const pairs: string[][] = [];
        for (let i = 0; i < flat.length; i += 2) {
          pairs.push([flat[i], flat[i + 1]]);
        }
        value = pairs.sort((x, y) => x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
      } else if (type === "zset") {
        value = await client.call("ZRANGE", key, "0", "-1", "WITHSCORES");
      } else if (type === "stream") {
        value = [
          await client.call("XRANGE", key, "-", "+"),
          await client.call("XINFO", "GROUPS", key),
        ];
      }
      out.push([db, key, type, ttl > 0 ? Math.round(ttl / 100) : ttl, value]);
    }
  }
  await client.call("SELECT", "0");
  return out;
}

async function copyDir(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) {
      await Deno.mkdir(`${to}/${entry.name}`, { recursive: true });
      await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    } else if (entry.isFile) {
      await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  }
}

for (const format of ["rdb", "aof"] as const) {
  // appendfsync always: Redis never postpones its AOF write then, so the
  // copied directory holds every acknowledged write.
  const flags = format === "aof"
    ? ["--appendonly", "yes", "--appendfsync", "always"]
    : [];
  const persist = (c: RespClient) => c.call(format === "aof" ? "PING" : "SAVE");

  Deno.test({
    name: `interop ${format}: written by Redis 7.0, loaded by us`,
    ignore: noRedis,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "interop-" });
      try {
        const expected = await withServer(
          { oracle: true, flags },
          async ([c], redis) => {
            await populate(c);
            await persist(c);
            const written = await contents(c);
            await copyDir(redis.dir, dir);
            return written;
          },
        );
        const actual = await withServer(
          { flags: [...flags, "--dir", dir] },
          ([c]) => contents(c),
        );
        assert.deepEqual(actual, expected);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });

  Deno.test({
    name: `interop ${format}: written by us, loaded by Redis 7.0`,
    ignore: noRedis,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "interop-" });
      try {
        const expected = await withServer(
          { flags: [...flags, "--save", ""] },
          async ([c], ours) => {
            await populate(c);
            await persist(c);
            const written = await contents(c);
            await copyDir(ours.dir, dir);
            return written;
          },
        );
        if (format === "rdb") {
          const check = await new Deno.Command("redis-check-rdb", {
            args: [`${dir}/dump.rdb`],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.ok(check.success, text(check.stdout));
        }
        const actual = await withServer(
          { oracle: true, flags: [...flags, "--dir", dir] },
          ([c]) => contents(c),
        );
        assert.deepEqual(actual, expected);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

for (
  const [policy, option, value, query] of [
    ["allkeys-lru", "IDLETIME", "1000", "IDLETIME"],
    ["allkeys-lfu", "FREQ", "100", "FREQ"],
  ] as const
) {
  Deno.test({
    name:
      `interop rdb: an ${policy} cache's file keeps each key's ${query} and loads short strings without entries`,
    ignore: noRedis,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "interop-" });
      const flags = ["--maxmemory-policy", policy];
      try {
        await withServer({ oracle: true, flags }, async ([c], redis) => {
          await c.call("SET", "source", "value");
          const payload = await c.call("DUMP", "source");
          assert.equal(
            await c.call("RESTORE", "a", "0", payload as string, option, value),
            "OK",
          );
          await c.call("SAVE");
          await copyDir(redis.dir, dir);
        });
        await withServer({ flags: [...flags, "--dir", dir] }, async ([c]) => {
          // A key SET here is plain; the loaded one costs the same.
          await c.call("SET", "b", "value");
          assert.equal(
            await c.call("MEMORY", "USAGE", "a"),
            await c.call("MEMORY", "USAGE", "b"),
          );
          const restored = await c.call("OBJECT", query, "a") as number;
          if (query === "FREQ") assert.equal(restored, 100);
          else assert.ok(restored >= 1000 && restored <= 1002, `${restored}`);
        });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
