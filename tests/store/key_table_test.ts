import assert from "node:assert/strict";
import { hashKey, KeyTable, reverseBits } from "../../lib/store/key_table.ts";

interface Item {
  value: number;
}

function filled(count: number): KeyTable<Item> {
  const table = new KeyTable<Item>();
  for (let i = 0; i < count; i++) table.set(`k${i}`, { value: i });
  return table;
}

function scanAll(
  table: KeyTable<Item>,
  count: number,
  between: () => void = () => {},
): string[] {
  const keys: string[] = [];
  let cursor = 0;
  do {
    const step = table.scan(cursor, count);
    for (const node of step.nodes) keys.push(table.keyAt(node));
    cursor = step.next;
    between();
  } while (cursor !== 0);
  return keys;
}

Deno.test("key table: get, set, replace and delete through growth", () => {
  const table = filled(10_000);
  assert.equal(table.size, 10_000);
  for (let i = 0; i < 10_000; i++) assert.equal(table.get(`k${i}`)?.value, i);
  assert.equal(table.get("missing"), undefined);
  const old = table.set("k7", { value: -7 });
  assert.equal(old?.value, 7);
  assert.equal(table.get("k7")?.value, -7);
  assert.equal(table.size, 10_000);
  for (let i = 0; i < 10_000; i += 2) {
    assert.equal(table.delete(`k${i}`)?.value, i);
  }
  assert.equal(table.delete("k0"), undefined);
  assert.equal(table.size, 5_000);
  for (let i = 0; i < 10_000; i++) {
    assert.equal(table.get(`k${i}`) !== undefined, i % 2 === 1);
  }
});

Deno.test("key table: binary keys, including every byte value", () => {
  const table = new KeyTable<Item>();
  const keys = ["", "\x00", "\x00\x00", "\xff\x00\x80"];
  for (let b = 0; b < 256; b++) keys.push(String.fromCharCode(b, 0, b));
  keys.forEach((key, value) => table.set(key, { value }));
  keys.forEach((key, value) => assert.equal(table.get(key)?.value, value));
  assert.equal(table.size, keys.length);
});

Deno.test("key table: a full scan returns every key exactly once when nothing changes", () => {
  const table = filled(3_000);
  const keys = scanAll(table, 7);
  assert.equal(keys.length, 3_000);
  assert.equal(new Set(keys).size, 3_000);
});

Deno.test("key table: a scan returns every key present throughout while the table grows", () => {
  const table = filled(100);
  let added = 0;
  const keys = new Set(
    scanAll(table, 5, () => {
      for (let i = 0; i < 50; i++) {
        table.set(`new${added++}`, { value: 0 });
      }
    }),
  );
  assert.ok(table.bucketCount > 128, "the table grew during the scan");
  for (let i = 0; i < 100; i++) assert.ok(keys.has(`k${i}`), `k${i}`);
});

Deno.test("key table: a scan returns every remaining key while the table shrinks", () => {
  const table = filled(4_096);
  let deleted = 0;
  const keys = new Set(
    scanAll(table, 5, () => {
      for (let i = 0; i < 100 && deleted < 4_000; i++) {
        table.delete(`k${deleted++}`);
      }
      table.maintain({ steps: 50, shrink: true });
    }),
  );
  assert.ok(table.bucketCount < 4_096, "the table shrank during the scan");
  for (let i = 4_000; i < 4_096; i++) assert.ok(keys.has(`k${i}`), `k${i}`);
});

Deno.test("key table: scanned() tells the keys a scan has returned", () => {
  const table = filled(1_000);
  let cursor = 0;
  const returned = new Set<string>();
  for (let step = 0; step < 20; step++) {
    const result = table.scan(cursor, 10);
    for (const node of result.nodes) returned.add(table.keyAt(node));
    cursor = result.next;
    // Growth in between must not change which keys count as scanned.
    for (let i = 0; i < 200; i++) table.set(`g${step}:${i}`, { value: 0 });
    for (let i = 0; i < 1_000; i++) {
      const key = `k${i}`;
      assert.equal(table.scanned(key, cursor), returned.has(key), key);
    }
  }
});

Deno.test("key table: random() draws every item and stays uniform after compaction", () => {
  const table = filled(10_000);
  for (let i = 0; i < 9_990; i++) table.delete(`k${i}`);
  table.maintain({ steps: 1_000_000, shrink: true });
  const counts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const key = table.keyAt(table.random());
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 10);
  for (const count of counts.values()) assert.ok(count > 800 && count < 1_200);
  for (let i = 9_990; i < 10_000; i++) {
    assert.equal(table.get(`k${i}`)?.value, i);
  }
  assert.equal(new KeyTable<Item>().random(), 0);
});

Deno.test("key table: nodes(), tags and clear()", () => {
  const table = filled(50);
  table.delete("k3");
  assert.equal([...table.nodes()].length, 49);
  const node = table.find("k7");
  assert.equal(table.keyAt(node), "k7");
  assert.equal(table.tagAt(node), 0);
  table.setTagAt(node, 0x7fffffff);
  table.set("k7", { value: 70 });
  // A replaced item keeps its node and tag; a new key's tag is 0.
  assert.equal(table.tagAt(table.find("k7")), 0x7fffffff);
  assert.equal(table.itemAt(table.find("k7")).value, 70);
  table.set("k3", { value: 3 });
  assert.equal(table.tagAt(table.find("k3")), 0);
  assert.equal(table.find("missing"), 0);
  table.clear();
  assert.equal(table.size, 0);
  assert.equal(table.get("k1"), undefined);
  assert.equal(scanAll(table, 10).length, 0);
});

Deno.test("key table: reverseBits and hashKey", () => {
  assert.equal(reverseBits(1), 0x80000000);
  assert.equal(reverseBits(0x80000000), 1);
  assert.equal(reverseBits(0xf0), 0x0f000000);
  assert.equal(hashKey("abc"), hashKey("abc"));
  assert.notEqual(hashKey("abc"), hashKey("abd"));
});

Deno.test("key table: the remembered last lookup never outlives its key", () => {
  const table = filled(100);
  const key = "k5";
  assert.equal(table.get(key)?.value, 5);
  assert.equal(table.delete(key)?.value, 5);
  assert.equal(table.get(key), undefined);
  table.set("other", { value: 1 }); // reuses the freed node
  assert.equal(table.get(key), undefined);
  table.set(key, { value: 50 });
  assert.equal(table.get(key)?.value, 50);
  for (let i = 0; i < 100; i++) if (i !== 5) table.delete(`k${i}`);
  for (let i = 0; i < 1000; i++) table.set(`x${i}`, { value: i });
  for (let i = 0; i < 1000; i++) table.delete(`x${i}`);
  assert.equal(table.get(key)?.value, 50);
  table.setTagAt(table.find(key), 42);
  table.maintain({ steps: 1_000_000, shrink: true }); // renumbers the nodes
  assert.equal(table.get("other")?.value, 1);
  assert.equal(table.tagAt(table.find(key)), 42);
  assert.equal(table.get(key)?.value, 50);
  assert.equal(table.size, 2);
});

Deno.test("key table: nextNode() walks every node in use once around, skipping freed ones", () => {
  const table = filled(100);
  for (let i = 0; i < 100; i += 3) table.delete(`k${i}`);
  const start = table.random();
  const seen = new Set<string>();
  let node = start;
  for (let i = 0; i < table.size; i++, node = table.nextNode(node)) {
    seen.add(table.keyAt(node));
  }
  assert.equal(node, start, "back at the start after size steps");
  assert.equal(seen.size, table.size);
  for (let i = 0; i < 100; i++) assert.equal(seen.has(`k${i}`), i % 3 !== 0);
  assert.equal(new KeyTable<Item>().nextNode(1), 0);
});

Deno.test("key table: a remembered miss is stored once, where a lookup finds it", () => {
  const table = filled(100);
  assert.equal(table.find("new"), 0);
  // Other keys come and go (and the table grows) between the miss and
  // the store: the key must still land in its own bucket, exactly once.
  for (let i = 0; i < 200; i++) table.set(`y${i}`, { value: i });
  table.delete("k7");
  table.set("new", { value: 1 });
  assert.equal(table.size, 100 + 200);
  table.set(String(["n", "e", "w"].join("")), { value: 2 });
  assert.equal(table.size, 300, "the same key, as another string, replaces");
  // Stored once, a missed key is missing no more, even when the next
  // store or lookup of it comes with no other miss or deletion between.
  assert.equal(table.find("fresh"), 0);
  table.set("fresh", { value: 1 });
  table.get("y5"); // another key becomes the remembered lookup
  assert.equal(table.get("fresh")?.value, 1);
  table.get("y6");
  table.set("fresh", { value: 2 });
  assert.equal(table.size, 301, "stored once");
  assert.equal(table.delete("fresh")?.value, 2);
  assert.equal(table.get("new")?.value, 2);
  table.maintain({ steps: 1_000_000, shrink: false });
  assert.equal(table.get("new")?.value, 2);
  assert.equal(scanAll(table, 10).filter((k) => k === "new").length, 1);
  assert.equal(table.delete("new")?.value, 2);
  assert.equal(table.get("new"), undefined);
});

Deno.test("key table: a hint is used only while its node still holds the key", () => {
  const table = filled(100);
  const node = table.find("k3");
  table.find("k4"); // k3 is no longer the remembered lookup
  assert.equal(table.get("k3", node)?.value, 3);
  assert.equal(table.delete("k3")?.value, 3);
  table.set("k999", { value: 999 }); // reuses k3's node
  assert.equal(table.get("k3", node), undefined);
  assert.equal(table.get("k999", node)?.value, 999);
  assert.equal(table.get("k50", node)?.value, 50, "a wrong hint still finds");
  // delete() after a hinted find unlinks the right key.
  assert.equal(table.delete("k999")?.value, 999);
  assert.equal(table.get("k999"), undefined);
  assert.equal(table.size, 99);
  for (let i = 0; i < 100; i++) {
    if (i !== 3) assert.equal(table.get(`k${i}`)?.value, i);
  }
});

Deno.test("key table: random operations agree with a Map (lookups, misses, hints, deletes, rehashing, compaction)", () => {
  let seed = 42;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const table = new KeyTable<Item>();
  const model = new Map<string, number>();
  /** Keys as fresh strings, as each request makes them. */
  const key = (i: number) => ["k", String(i)].join("");
  const hints: number[] = [];
  for (let step = 0; step < 200_000; step++) {
    // Half the steps on a few keys, so that one key's operations follow
    // each other closely; half on many, so that the table grows.
    const k = key(next(step % 2 === 0 ? 40 : 2000));
    switch (next(8)) {
      case 0:
      case 1: {
        const value = next(1_000_000);
        table.set(k, { value });
        model.set(k, value);
        break;
      }
      case 2: // a missed or found lookup, then a store of the same key
        table.find(k);
        table.set(k, { value: step });
        model.set(k, step);
        break;
      case 3:
        assert.equal(table.delete(k)?.value, model.get(k));
        model.delete(k);
        break;
      case 4: // a delete, then the lookups that follow one
        table.delete(k);
        model.delete(k);
        assert.equal(table.get(k), undefined);
        assert.equal(table.find(k), 0);
        break;
      case 5: {
        const node = table.find(k);
        if (node !== 0) hints.push(node);
        assert.equal(table.get(k)?.value, model.get(k));
        break;
      }
      case 6: { // a stale or fresh hint from earlier
        const hint = hints.length === 0 ? 0 : hints[next(hints.length)];
        assert.equal(table.get(k, hint)?.value, model.get(k));
        break;
      }
      default:
        if (next(50) === 0) table.maintain({ steps: 100, shrink: true });
        else if (next(200) === 0) {
          for (const [mk] of [...model].slice(0, 300)) {
            table.delete(mk);
            model.delete(mk);
          }
          table.maintain({ steps: 1_000_000, shrink: true });
        }
    }
    if (step % 10_000 === 0) {
      assert.equal(table.size, model.size);
      const scanned = scanAll(table, 50);
      assert.equal(scanned.length, model.size);
      assert.deepEqual(new Set(scanned), new Set(model.keys()));
    }
  }
  assert.equal(table.size, model.size);
  for (const [k, value] of model) assert.equal(table.get(k)?.value, value);
});
