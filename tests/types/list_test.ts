import assert from "node:assert/strict";
import { Deque } from "../../lib/types/list.ts";
import { text, utf8 } from "../helpers/bytes.ts";
import { Picker, prng } from "../helpers/differential.ts";
import { inProcess } from "../helpers/in_process.ts";
import type { RespClient } from "../helpers/resp_client.ts";
import { hasRedisServer, withServer } from "../helpers/servers.ts";

Deno.test("list: Deque matches an array model under random operations", () => {
  const p = new Picker(prng(7));
  const deque = new Deque();
  const model: string[] = [];
  for (let step = 0; step < 20_000; step++) {
    const op = p.int(0, 5);
    const value = String(step);
    if (op === 0) {
      deque.pushFront(utf8(value));
      model.unshift(value);
    } else if (op === 1 || op === 2) {
      deque.pushBack(utf8(value));
      model.push(value);
    } else if (op === 3 && model.length > 0) {
      assert.equal(text(deque.popFront()), model.shift());
    } else if (op === 4 && model.length > 0) {
      assert.equal(text(deque.popBack()), model.pop());
    } else if (model.length > 0) {
      const i = p.int(0, model.length - 1);
      assert.equal(text(deque.at(i)), model[i]);
      deque.setAt(i, utf8(`set${step}`));
      model[i] = `set${step}`;
    }
    assert.equal(deque.length, model.length);
  }
  assert.deepEqual(deque.toArray().map(text), model);
  deque.replaceAll(["x", "y"].map(utf8));
  assert.deepEqual(deque.toArray().map(text), ["x", "y"]);
});

Deno.test("list: modifications report Redis's keyspace events", () => {
  const { run, events, server } = inProcess();
  const script = [
    ["RPUSH", "k", "a", "b", "c"],
    ["LPUSHX", "nokey", "a"],
    ["LPOP", "k"],
    ["RPOP", "k", "5"],
    ["LPUSH", "k", "a", "b"],
    ["LSET", "k", "0", "x"],
    ["LINSERT", "k", "BEFORE", "x", "y"],
    ["LINSERT", "k", "BEFORE", "nothere", "y"],
    ["LREM", "k", "0", "y"],
    ["LREM", "k", "0", "nothere"],
    ["LTRIM", "k", "0", "0"],
    ["LMOVE", "k", "d", "LEFT", "RIGHT"],
    ["RPUSH", "k", "1", "2"],
    ["LMPOP", "1", "k", "RIGHT", "COUNT", "5"],
    ["LTRIM", "d", "5", "6"],
  ];
  for (const args of script) run(...args);
  assert.deepEqual(events, [
    "l rpush k",
    "l lpop k",
    "l rpop k",
    "g del k",
    "l lpush k",
    "l lset k",
    "l linsert k",
    "l lrem k",
    "l ltrim k",
    "l rpush d",
    "l lpop k",
    "g del k",
    "l rpush k",
    "l rpop k",
    "g del k",
    "l ltrim d",
    "g del d",
  ]);
  assert.ok(server.dirty > 0);
});

Deno.test("list: RESP3 replies", () => {
  const { run, server } = inProcess();
  const client = [...server.clients.values()][0];
  client.reply.protocol = 3;
  assert.equal(run("LPOP", "nokey"), "_\r\n");
  assert.equal(run("LPOP", "nokey", "1"), "_\r\n");
  assert.equal(run("LINDEX", "nokey", "0"), "_\r\n");
  assert.equal(run("LPOS", "nokey", "a"), "_\r\n");
  assert.equal(run("LMPOP", "1", "nokey", "LEFT"), "_\r\n");
  run("RPUSH", "k", "a");
  assert.equal(
    run("LMPOP", "1", "k", "LEFT"),
    "*2\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n",
  );
});

Deno.test("list: generic key commands work on lists", async () => {
  await withServer({}, async ([c]) => {
    await c.call("RPUSH", "l", "a", "b", "c");
    assert.equal(await c.call("TYPE", "l"), "list");
    assert.equal(await c.call("OBJECT", "ENCODING", "l"), "quicklist");
    await c.call("SET", "s", "x");
    assert.deepEqual(await c.call("SCAN", "0", "TYPE", "list"), ["0", ["l"]]);
    assert.equal(await c.call("COPY", "l", "l2"), 1);
    await c.call("RPUSH", "l2", "d");
    assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["a", "b", "c"]);
    assert.equal(await c.call("RENAME", "l2", "l3"), "OK");
    assert.equal(await c.call("LLEN", "l3"), 4);
    assert.equal(await c.call("MOVE", "l3", "1"), 1);
    await c.call("SELECT", "1");
    assert.deepEqual(await c.call("LRANGE", "l3", "0", "-1"), [
      "a",
      "b",
      "c",
      "d",
    ]);
    await c.call("SELECT", "0");
    assert.equal(await c.call("PEXPIRE", "l", "20"), 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await c.call("LLEN", "l"), 0);
    assert.equal(await c.call("RPUSH", "l", "new"), 1);
    assert.equal(await c.call("TTL", "l"), -1);
    assert.equal(await c.call("DEL", "l"), 1);
  });
});

Deno.test("list: long lists keep O(1) ends and exact contents", async () => {
  await withServer({}, async ([c]) => {
    const n = 50_000;
    for (let i = 0; i < n; i += 1000) {
      const chunk = Array.from({ length: 1000 }, (_, j) => String(i + j));
      await c.call("RPUSH", "big", ...chunk);
    }
    assert.equal(await c.call("LLEN", "big"), n);
    assert.equal(await c.call("LINDEX", "big", "25000"), "25000");
    assert.equal(await c.call("LINDEX", "big", "-1"), String(n - 1));
    assert.deepEqual(await c.call("LRANGE", "big", "-3", "-1"), [
      "49997",
      "49998",
      "49999",
    ]);
    assert.equal(await c.call("LPOS", "big", "49999"), 49999);
    assert.equal(await c.call("LTRIM", "big", "100", "-101"), "OK");
    assert.equal(await c.call("LLEN", "big"), n - 200);
    assert.equal(await c.call("LPOP", "big"), "100");
    assert.equal(await c.call("RPOP", "big"), "49899");
    const popped = await c.call("LPOP", "big", "49798") as string[];
    assert.equal(popped.length, 49798);
    assert.equal(popped[49797], "49898");
    assert.equal(await c.call("EXISTS", "big"), 0);
  });
});

Deno.test("list: values are binary safe", async () => {
  await withServer({}, async ([c]) => {
    const all = new Uint8Array(256).map((_, i) => i);
    await c.call("RPUSH", new Uint8Array([0, 255]), all, new Uint8Array(0));
    assert.deepEqual(await c.call("LRANGE", "\x00\xff", "0", "-1"), [
      String.fromCharCode(...all),
      "",
    ]);
    assert.equal(await c.call("LPOS", "\x00\xff", ""), 1);
    assert.equal(await c.call("LREM", "\x00\xff", "0", all), 1);
  });
});

Deno.test({
  name:
    "list: lists, hashes and sets survive SAVE, reload, and load in redis-server",
  ignore: !hasRedisServer(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "redis-ts-collections-" });
    const fill = async (c: RespClient) => {
      await c.call("RPUSH", "list", "a", "\x00\xff", "");
      await c.call("SADD", "ints", "3", "-1", "2");
      await c.call("SADD", "words", "x", "y");
      await c.call("HSET", "hash", "f", "v", "g", "");
      const many: string[] = [];
      for (let i = 0; i < 600; i++) many.push(`f${i}`, String(i));
      await c.call("HSET", "bighash", ...many);
    };
    const check = async (c: RespClient) => {
      assert.deepEqual(await c.call("LRANGE", "list", "0", "-1"), [
        "a",
        "\x00\xff",
        "",
      ]);
      assert.deepEqual(await c.call("SMEMBERS", "ints"), ["-1", "2", "3"]);
      assert.equal(await c.call("OBJECT", "ENCODING", "ints"), "intset");
      assert.deepEqual(
        (await c.call("SMEMBERS", "words") as string[]).sort(),
        ["x", "y"],
      );
      assert.deepEqual(await c.call("HGETALL", "hash"), ["f", "v", "g", ""]);
      assert.equal(await c.call("OBJECT", "ENCODING", "hash"), "listpack");
      assert.equal(await c.call("HLEN", "bighash"), 600);
      assert.equal(await c.call("HGET", "bighash", "f599"), "599");
      assert.equal(await c.call("OBJECT", "ENCODING", "bighash"), "hashtable");
    };
    try {
      for (const [run, oracle] of [false, false, true].entries()) {
        await withServer({ oracle, flags: ["--dir", dir] }, async ([c]) => {
          if (run === 0) await fill(c);
          else await check(c);
          assert.equal(await c.call("SAVE"), "OK");
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
