import assert from "node:assert/strict";
import { IndexedMap } from "../../lib/types/indexed_map.ts";

function filled(count: number): IndexedMap<number> {
  const map = new IndexedMap<number>();
  for (let i = 0; i < count; i++) map.set(`k${i}`, i);
  return map;
}

Deno.test("indexed map: used as a queue (oldest deleted, new added), iteration keeps insertion order", () => {
  const map = filled(100);
  for (let i = 0; i < 1000; i++) {
    assert.equal(map.delete(`k${i}`), true);
    map.set(`k${i + 100}`, i + 100);
    const first = map.keys().next().value;
    assert.equal(first, `k${i + 1}`);
  }
  assert.equal(map.size, 100);
  const expected = Array.from({ length: 100 }, (_, i) => `k${1000 + i}`);
  assert.deepEqual([...map.keys()], expected);
  assert.deepEqual(
    [...map.entries()],
    expected.map((key, i) => [key, 1000 + i]),
  );
});

Deno.test("indexed map: deleting from the front, the middle and the end, then emptying", () => {
  const map = filled(40);
  map.delete("k1"); // behind a live first entry
  assert.deepEqual([...map.keys()].slice(0, 2), ["k0", "k2"]);
  for (const i of [0, 2, 20, 39, 3]) map.delete(`k${i}`);
  const left = [...map.keys()];
  assert.equal(left.length, 34);
  assert.equal(left[0], "k4");
  assert.equal(left.includes("k20"), false);
  assert.equal(left[left.length - 1], "k38");
  // Re-adding a deleted key puts it last.
  map.set("k0", 0);
  assert.equal([...map.keys()].at(-1), "k0");
  for (const key of [...map.keys()]) map.delete(key);
  assert.equal(map.size, 0);
  assert.deepEqual([...map.keys()], []);
  map.set("again", 1);
  assert.deepEqual([...map.entries()], [["again", 1]]);
});

Deno.test("indexed map: a scan started before front deletions still returns every remaining key", () => {
  const map = filled(200);
  const first = map.scan(0, 50);
  for (let i = 0; i < 120; i++) map.delete(`k${i}`); // compacts on the way
  const seen = new Set(first.keys);
  let cursor = first.next;
  while (cursor !== 0) {
    const step = map.scan(cursor, 50);
    for (const key of step.keys) seen.add(key);
    cursor = step.next;
  }
  for (let i = 120; i < 200; i++) assert.ok(seen.has(`k${i}`), `k${i}`);
});
