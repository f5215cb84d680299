import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { RdbError, readRdb } from "../../lib/persistence/rdb_reader.ts";
import type { LoadedKey } from "../../lib/persistence/rdb_reader.ts";
import { RdbWriter } from "../../lib/persistence/rdb_writer.ts";
import type { Server } from "../../lib/server/server.ts";
import { createServerCore } from "../../lib/server/start.ts";
import { Entry } from "../../lib/store/database.ts";
import { text, utf8 } from "../helpers/bytes.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";
const noRedis = !hasRedisServer();

function newServer(dir: string): Server {
  const config = new Config(dir);
  config.set("loglevel", "warning");
  return createServerCore(config).server;
}

function loadAll(data: Uint8Array): LoadedKey[] {
  const keys: LoadedKey[] = [];
  readRdb(data, (k) => keys.push(k));
  return keys;
}

Deno.test({
  name: "rdb: files written by Redis 7.0 load with every value and TTL",
  ignore: noRedis,
  async fn() {
    await withServer({ oracle: true }, async ([client], redis) => {
      await client.call("SET", "str", "hello");
      await client.call("SET", "int", "-123456");
      await client.call("SET", "long", "x".repeat(5000));
      await client.call("SET", "bin", "\x00\xff\r\n");
      await client.call("SET", "ttl", "v", "PX", "100000000");
      for (let i = 0; i < 200; i++) {
        await client.call("RPUSH", "biglist", `item${i}`);
        await client.call("SADD", "bigset", `m${i}`);
        await client.call("HSET", "bighash", `f${i}`, `v${i}`);
        await client.call("ZADD", "bigz", `${i}.25`, `m${i}`);
      }
      await client.call("RPUSH", "smalllist", "a", "1", "-5", "70000");
      await client.call("SADD", "intset", "1", "2", "300000");
      await client.call("HSET", "smallhash", "f", "v");
      await client.call("ZADD", "smallz", "1.5", "a", "inf", "b", "-inf", "c");
      await client.call("SELECT", "5");
      await client.call("SET", "indb5", "yes");
      assert.equal(await client.call("SAVE"), "OK");
      const keys = loadAll(Deno.readFileSync(`${redis.dir}/dump.rdb`));
      const byName = new Map(keys.map((k) => [text(k.key), k]));
      assert.equal(keys.length, 14);
      const str = (name: string) => {
        const v = byName.get(name)!.value;
        assert.equal(v.type, "string");
        return v.type === "string" ? v.value : new Uint8Array();
      };
      assert.equal(text(str("str")), "hello");
      assert.equal(text(str("int")), "-123456");
      assert.equal(text(str("long")), "x".repeat(5000));
      assert.deepEqual(str("bin"), new Uint8Array([0, 0xff, 13, 10]));
      assert.ok(byName.get("ttl")!.expireAt > Date.now() + 90_000_000);
      assert.equal(byName.get("indb5")!.db, 5);
      const list = byName.get("biglist")!.value;
      assert.ok(list.type === "list");
      assert.deepEqual(
        list.items.map((b) => text(b)),
        Array.from({ length: 200 }, (_, i) => `item${i}`),
      );
      const small = byName.get("smalllist")!.value;
      assert.ok(small.type === "list");
      assert.deepEqual(small.items.map((b) => text(b)), [
        "a",
        "1",
        "-5",
        "70000",
      ]);
      const intset = byName.get("intset")!.value;
      assert.ok(intset.type === "set");
      assert.deepEqual(intset.members.map((b) => text(b)).sort(), [
        "1",
        "2",
        "300000",
      ]);
      const hash = byName.get("bighash")!.value;
      assert.ok(hash.type === "hash");
      assert.equal(hash.pairs.length, 200);
      const zset = byName.get("smallz")!.value;
      assert.ok(zset.type === "zset");
      assert.deepEqual(
        zset.entries.map(([m, s]) => [text(m), s]).sort(),
        [["a", 1.5], ["b", Infinity], ["c", -Infinity]],
      );
      const bigz = byName.get("bigz")!.value;
      assert.ok(bigz.type === "zset");
      assert.equal(bigz.entries.length, 200);
    });
  },
});

Deno.test({
  name: "rdb: our dump passes redis-check-rdb and loads into Redis 7.0",
  ignore: noRedis,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "rdb-test-" });
    try {
      const server = newServer(dir);
      const db0 = server.keyspace.db(0);
      const put = (key: string, value: Uint8Array, expireAt = 0) => {
        const entry = new Entry("string", value);
        entry.expireAt = expireAt;
        db0.set(key, entry);
      };
      put("plain", utf8("hello"));
      put("number", utf8("12345"));
      put("negative", utf8("-7"));
      put("compressible", utf8("abc".repeat(1000)));
      put("binary\x00key", new Uint8Array([0, 255, 13, 10]));
      // Integer-looking keys take Redis's integer encodings (or not).
      const numericKeys = [
        "123",
        "-5",
        "0",
        "-0",
        "007",
        "2147483647",
        "-2147483648",
        "2147483648",
        "99999999999",
      ];
      for (const key of numericKeys) put(key, utf8(`v${key}`));
      const expireAt = Date.now() + 1_000_000;
      put("volatile", utf8("v"), expireAt);
      server.keyspace.db(3).set("other", new Entry("string", utf8("db3")));
      server.rdb.save();
      const path = `${dir}/dump.rdb`;
      const check = await new Deno.Command("redis-check-rdb", {
        args: [path],
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      assert.ok(
        check.success,
        text(check.stdout) + text(check.stderr),
      );

      await withServer({
        oracle: true,
        flags: [
          "--dir",
          dir,
          "--dbfilename",
          "dump.rdb",
        ],
      }, async ([client]) => {
        assert.equal(await client.call("GET", "plain"), "hello");
        assert.equal(await client.call("GET", "number"), "12345");
        assert.equal(await client.call("GET", "negative"), "-7");
        assert.equal(
          await client.call("GET", "compressible"),
          "abc".repeat(1000),
        );
        assert.equal(await client.call("GET", "binary\x00key"), "\x00\xff\r\n");
        assert.equal(await client.call("PEXPIRETIME", "volatile"), expireAt);
        for (const key of numericKeys) {
          assert.equal(await client.call("GET", key), `v${key}`);
        }
        assert.equal(await client.call("SELECT", "3"), "OK");
        assert.equal(await client.call("GET", "other"), "db3");
      });
      // And back: our loader reads our own file.
      const reloaded = newServer(dir);
      assert.equal(reloaded.rdb.load(), true);
      assert.equal(reloaded.keyspace.db(0).size, 6 + numericKeys.length);
      const entry = reloaded.keyspace.db(0).get("compressible", Date.now())!;
      assert.equal(text(entry.value as Uint8Array), "abc".repeat(1000));
      assert.equal(
        reloaded.keyspace.db(0).get("volatile", Date.now())!.expireAt,
        expireAt,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("rdb: corrupt and truncated files give clear errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rdb-test-" });
  try {
    const server = newServer(dir);
    server.keyspace.db(0).set("k", new Entry("string", utf8("value")));
    server.rdb.save();
    const good = Deno.readFileSync(`${dir}/dump.rdb`);
    assert.equal(loadAll(good).length, 1);
    for (let cut = 0; cut < good.length; cut++) {
      assert.throws(
        () => loadAll(good.subarray(0, cut)),
        RdbError,
        `truncated at ${cut}`,
      );
    }
    const flipped = good.slice();
    flipped[good.length - 12] ^= 0x40;
    assert.throws(() => loadAll(flipped), /checksum/);
    assert.throws(() => loadAll(utf8("NOTREDIS0010")), /not an RDB file/);
    assert.throws(() => loadAll(utf8("REDIS0099\xff")), /version/);
    Deno.writeFileSync(`${dir}/dump.rdb`, good.subarray(0, good.length - 3));
    assert.throws(() => newServer(dir).rdb.load(), /Error loading .*dump\.rdb/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rdb: a missing file is an empty dataset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rdb-test-" });
  try {
    const server = newServer(dir);
    assert.equal(server.rdb.load(), false);
    assert.equal(server.keyspace.totalKeys, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rdb writer: a plain string key is written as its bytes would be", () => {
  const values = [
    "",
    "0",
    "-5",
    "12345678901",
    "123456789012",
    "007",
    "hello",
    "a".repeat(30),
    "\x00\xff\x80\r\n".repeat(8),
    "x".repeat(44),
  ];
  for (const compress of [false, true]) {
    for (const value of values) {
      const written = (write: (writer: RdbWriter) => void) => {
        const chunks: Uint8Array[] = [];
        const writer = new RdbWriter((chunk) => chunks.push(chunk.slice()), {
          compress,
          checksum: true,
        });
        write(writer);
        writer.finish();
        return chunks;
      };
      const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0));
      assert.deepEqual(
        written((w) => w.stringKeyValue("key:1", value)),
        written((w) =>
          w.keyValue("key:1", { type: "string", value: bytes }, 0)
        ),
        JSON.stringify({ compress, value }),
      );
    }
  }
});
