import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { SetValue } from "../../lib/types/set.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("set: SetValue orders intsets numerically and converts for good", () => {
  const config = new Config(Deno.cwd());
  config.set("set-max-intset-entries", "4");
  const set = new SetValue(true);
  for (const m of ["10", "-3", "9223372036854775807", "-9223372036854775808"]) {
    set.add(m, config);
  }
  assert.equal(set.intset, true);
  assert.deepEqual(set.ordered(), [
    "-9223372036854775808",
    "-3",
    "10",
    "9223372036854775807",
  ]);
  set.add("5", config);
  assert.equal(set.intset, false, "too many entries");
  set.delete("5");
  assert.equal(set.intset, false, "never converts back");
  const text = new SetValue(true);
  text.add("007", config);
  assert.equal(text.intset, false, "not a canonical integer");
});

Deno.test("set: encodings follow Redis's thresholds and config", async () => {
  await withServer({}, async ([c]) => {
    const encoding = (key: string) => c.call("OBJECT", "ENCODING", key);
    const ints = Array.from({ length: 512 }, (_, i) => String(i * 3));
    await c.call("SADD", "i", ...ints);
    assert.equal(await encoding("i"), "intset");
    await c.call("SADD", "i", "-1");
    assert.equal(await encoding("i"), "hashtable");
    await c.call("SADD", "t", "a");
    assert.equal(await encoding("t"), "hashtable");
    await c.call("SREM", "t", "a");
    await c.call("SADD", "t", "1");
    assert.equal(await encoding("t"), "intset", "a new key starts over");
    await c.call("CONFIG", "SET", "set-max-intset-entries", "2");
    await c.call("SUNIONSTORE", "u", "t", "i");
    assert.equal(await encoding("u"), "hashtable");
    await c.call("SADD", "small", "3", "1");
    await c.call("SINTERSTORE", "both", "small", "small");
    assert.equal(await encoding("both"), "intset");
  });
});

Deno.test("set: SPOP and SRANDMEMBER invariants", async () => {
  await withServer({}, async ([c]) => {
    const members = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await c.call("SADD", "s", ...members);
    for (let i = 0; i < 20; i++) {
      const distinct = await c.call("SRANDMEMBER", "s", "10") as string[];
      assert.equal(new Set(distinct).size, 10);
      for (const m of distinct) assert.ok(members.includes(m));
      const most = await c.call("SRANDMEMBER", "s", "25") as string[];
      assert.equal(new Set(most).size, 25);
      const repeated = await c.call("SRANDMEMBER", "s", "-100") as string[];
      assert.equal(repeated.length, 100);
      for (const m of repeated) assert.ok(members.includes(m));
    }
    const popped = new Set<string>();
    const one = await c.call("SPOP", "s") as string;
    popped.add(one);
    for (const m of await c.call("SPOP", "s", "9") as string[]) popped.add(m);
    assert.equal(popped.size, 10);
    assert.equal(await c.call("SCARD", "s"), 20);
    for (const m of popped) assert.equal(await c.call("SISMEMBER", "s", m), 0);
    const rest = await c.call("SPOP", "s", "20") as string[];
    assert.equal(new Set([...rest, ...popped]).size, 30);
    assert.equal(await c.call("EXISTS", "s"), 0);
  });
});

Deno.test("set: SSCAN of a large set returns every member present throughout", async () => {
  await withServer({}, async ([c]) => {
    const n = 3000;
    const members = Array.from({ length: n }, (_, i) => `member:${i}`);
    await c.call("SADD", "big", ...members);
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, items] = await c.call(
        "SSCAN",
        "big",
        cursor,
        "COUNT",
        "50",
      ) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      calls++;
      await c.call("SADD", "big", `added:${calls}`);
    } while (cursor !== "0");
    assert.ok(calls >= 60, `${calls} calls`);
    for (const m of members) assert.ok(seen.has(m), m);
    await c.call("DEL", "ints");
    await c.call("SADD", "ints", "5", "1", "3");
    assert.deepEqual(await c.call("SSCAN", "ints", "0", "COUNT", "1"), [
      "0",
      ["1", "3", "5"],
    ]);
  });
});

Deno.test("set: intersection of a small set with a huge one is fast", async () => {
  await withServer({}, async ([c]) => {
    for (let i = 0; i < 200_000; i += 10_000) {
      const chunk = Array.from({ length: 10_000 }, (_, j) => `e${i + j}`);
      await c.call("SADD", "huge", ...chunk);
    }
    await c.call("SADD", "tiny", "e5", "e7", "nope");
    const start = performance.now();
    for (let i = 0; i < 200; i++) {
      assert.equal(await c.call("SINTERCARD", "2", "huge", "tiny"), 2);
    }
    assert.deepEqual(
      (await c.call("SINTER", "huge", "tiny") as string[]).sort(),
      ["e5", "e7"],
    );
    // 200 calls that scanned the big set would take seconds.
    assert.ok(performance.now() - start < 2000);
  });
});

Deno.test("set: generic key commands work on sets", async () => {
  await withServer({}, async ([c]) => {
    await c.call("SADD", "s", "a", "b");
    assert.equal(await c.call("TYPE", "s"), "set");
    assert.deepEqual(await c.call("SCAN", "0", "TYPE", "set"), ["0", ["s"]]);
    await c.call("COPY", "s", "s2");
    await c.call("SADD", "s2", "c");
    assert.equal(await c.call("SCARD", "s"), 2);
    await c.call("RENAME", "s2", "s3");
    assert.equal(await c.call("SISMEMBER", "s3", "c"), 1);
    assert.equal(await c.call("MOVE", "s3", "3"), 1);
    await c.call("SELECT", "3");
    assert.equal(await c.call("SCARD", "s3"), 3);
    await c.call("SELECT", "0");
    await c.call("PEXPIRE", "s", "20");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await c.call("SCARD", "s"), 0);
    await c.call("HELLO", "3");
    await c.call("SADD", "r3", "x");
    assert.deepEqual(await c.call("SMEMBERS", "r3"), new Set(["x"]));
    assert.deepEqual(await c.call("SMEMBERS", "nokey"), new Set());
  });
});
