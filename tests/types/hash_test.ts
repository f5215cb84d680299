import assert from "node:assert/strict";
import { Config } from "../../lib/config/config.ts";
import { HashValue } from "../../lib/types/hash.ts";
import { IndexedMap } from "../../lib/types/indexed_map.ts";
import { Picker, prng } from "../helpers/differential.ts";
import { utf8 } from "../helpers/bytes.ts";
import { withServer } from "../helpers/servers.ts";

Deno.test("hash: IndexedMap keeps insertion order and matches a Map model", () => {
  const p = new Picker(prng(11));
  const map = new IndexedMap<number>();
  const model = new Map<string, number>();
  for (let step = 0; step < 20_000; step++) {
    const key = `k${p.int(0, 300)}`;
    if (p.chance(0.55)) {
      assert.equal(map.set(key, step), !model.has(key));
      model.set(key, step);
    } else {
      assert.equal(map.delete(key), model.delete(key));
    }
    assert.equal(map.size, model.size);
  }
  assert.deepEqual([...map.entries()], [...model.entries()]);
  for (const [key, value] of model) assert.equal(map.get(key), value);
});

Deno.test("hash: IndexedMap scans return every key present throughout", () => {
  const p = new Picker(prng(12));
  const map = new IndexedMap<true>();
  for (let i = 0; i < 2000; i++) map.set(`stable${i}`, true);
  const seen = new Set<string>();
  let cursor = 0;
  let calls = 0;
  do {
    const step = map.scan(cursor, 37);
    for (const key of step.keys) seen.add(key);
    cursor = step.next;
    calls++;
    // Churn between calls: new keys come, other keys go.
    for (let i = 0; i < 20; i++) map.set(`churn${calls}-${i}`, true);
    for (let i = 0; i < 15; i++) map.delete(`churn${p.int(1, calls)}-${i}`);
  } while (cursor !== 0);
  for (let i = 0; i < 2000; i++) assert.ok(seen.has(`stable${i}`), `${i}`);
  assert.ok(calls < 200, `${calls} calls`);
});

Deno.test("hash: IndexedMap random keys cover the map after heavy deletion", () => {
  const map = new IndexedMap<true>();
  for (let i = 0; i < 1000; i++) map.set(String(i), true);
  for (let i = 0; i < 990; i++) map.delete(String(i));
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) seen.add(map.randomKey());
  assert.deepEqual([...seen].sort(), [
    "990",
    "991",
    "992",
    "993",
    "994",
    "995",
    "996",
    "997",
    "998",
    "999",
  ]);
});

Deno.test("hash: HashValue converts to a hashtable at the configured limits", () => {
  const config = new Config(Deno.cwd());
  config.set("hash-max-listpack-entries", "3");
  config.set("hash-max-listpack-value", "4");
  const small = new HashValue();
  for (const f of ["a", "b", "c"]) small.set(f, utf8("1"), config);
  assert.equal(small.listpack, true);
  small.set("d", utf8("1"), config);
  assert.equal(small.listpack, false);
  small.fields.delete("d");
  assert.equal(small.listpack, false, "never converts back");
  const long = new HashValue();
  long.set("a", utf8("12345"), config);
  assert.equal(long.listpack, false);
});

Deno.test("hash: encodings follow Redis's thresholds and config", async () => {
  await withServer({}, async ([c]) => {
    const encoding = (key: string) => c.call("OBJECT", "ENCODING", key);
    const fields: string[] = [];
    for (let i = 0; i < 512; i++) fields.push(`f${i}`, "v");
    await c.call("HSET", "h", ...fields);
    assert.equal(await encoding("h"), "listpack");
    await c.call("HSET", "h", "one-more", "v");
    assert.equal(await encoding("h"), "hashtable");
    await c.call("HSET", "v", "f", "x".repeat(64));
    assert.equal(await encoding("v"), "listpack");
    await c.call("HSET", "v", "g", "x".repeat(65));
    assert.equal(await encoding("v"), "hashtable");
    await c.call("CONFIG", "SET", "hash-max-listpack-entries", "1");
    await c.call("HSET", "c", "a", "1", "b", "2");
    assert.equal(await encoding("c"), "hashtable");
    await c.call("COPY", "v", "v2");
    assert.equal(await encoding("v2"), "hashtable");
  });
});

Deno.test("hash: HSCAN of a large hash returns every field with its value", async () => {
  await withServer({}, async ([c]) => {
    const n = 3000;
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(`field:${i}`, `value:${i}`);
    await c.call("HSET", "big", ...args);
    const seen = new Map<string, string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, items] = await c.call(
        "HSCAN",
        "big",
        cursor,
        "COUNT",
        "100",
      ) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      calls++;
      await c.call("HDEL", "big", `field:${calls * 7}`);
    } while (cursor !== "0");
    assert.ok(calls >= 30 && calls < 100, `${calls} calls`);
    for (let i = 0; i < n; i++) {
      if (i % 7 === 0 && i > 0 && i <= calls * 7) continue;
      assert.equal(seen.get(`field:${i}`), `value:${i}`);
    }
    const [, matched] = await c.call(
      "HSCAN",
      "big",
      "0",
      "MATCH",
      "field:1?",
      "COUNT",
      "100000",
    ) as [string, string[]];
    assert.deepEqual(
      matched.filter((_, i) => i % 2 === 0).sort(),
      Array.from({ length: 10 }, (_, i) => `field:1${i}`).filter((f) =>
        f !== "field:14"
      ),
    );
  });
});

Deno.test("hash: HRANDFIELD invariants", async () => {
  await withServer({}, async ([c]) => {
    const fields = Array.from({ length: 20 }, (_, i) => `f${i}`);
    await c.call("HSET", "h", ...fields.flatMap((f) => [f, `v${f}`]));
    for (let i = 0; i < 20; i++) {
      const one = await c.call("HRANDFIELD", "h") as string;
      assert.ok(fields.includes(one));
      const distinct = await c.call("HRANDFIELD", "h", "7") as string[];
      assert.equal(distinct.length, 7);
      assert.equal(new Set(distinct).size, 7);
      for (const f of distinct) assert.ok(fields.includes(f));
      const big = await c.call("HRANDFIELD", "h", "15") as string[];
      assert.equal(new Set(big).size, 15);
      const repeated = await c.call("HRANDFIELD", "h", "-50") as string[];
      assert.equal(repeated.length, 50);
      for (const f of repeated) assert.ok(fields.includes(f));
      const pairs = await c.call("HRANDFIELD", "h", "-5", "WITHVALUES");
      assert.equal((pairs as string[]).length, 10);
      for (let j = 0; j < 10; j += 2) {
        assert.equal((pairs as string[])[j + 1], `v${(pairs as string[])[j]}`);
      }
    }
    assert.deepEqual(
      await c.call("HRANDFIELD", "h", "100") as string[],
      fields,
      "all fields, in order",
    );
    await c.call("HELLO", "3");
    const nested = await c.call("HRANDFIELD", "h", "3", "WITHVALUES");
    assert.equal((nested as string[][]).length, 3);
    for (const [f, v] of nested as string[][]) assert.equal(v, `v${f}`);
  });
});

Deno.test("hash: generic key commands work on hashes", async () => {
  await withServer({}, async ([c]) => {
    await c.call("HSET", "h", "a", "1", "b", "2");
    assert.equal(await c.call("TYPE", "h"), "hash");
    assert.deepEqual(await c.call("SCAN", "0", "TYPE", "hash"), ["0", ["h"]]);
    await c.call("COPY", "h", "h2");
    await c.call("HSET", "h2", "c", "3");
    assert.equal(await c.call("HLEN", "h"), 2);
    await c.call("RENAME", "h2", "h3");
    assert.equal(await c.call("HGET", "h3", "c"), "3");
    assert.equal(await c.call("MOVE", "h3", "2"), 1);
    await c.call("SELECT", "2");
    assert.equal(await c.call("HLEN", "h3"), 3);
    await c.call("SELECT", "0");
    await c.call("PEXPIRE", "h", "20");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await c.call("HGET", "h", "a"), null);
    assert.equal(await c.call("EXISTS", "h"), 0);
  });
});
