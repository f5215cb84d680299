/**
 * The keyspace's hash table against a `Map`, at 1k, 100k and 1M keys:
 * lookups of existing keys with freshly built key strings (as every
 * request makes them), misses, and overwrites.
 *
 * Run: `deno bench bench/micro/keyspace_bench.ts`
 *
 * @module
 */

import { KeyTable } from "../../lib/store/key_table.ts";
import { bytesToString, utf8 } from "../../lib/util/bytes.ts";

interface Item {
  key: string;
  value: number;
}

/** Request-like key bytes; each lookup turns them into a fresh string. */
function keyBytes(count: number): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) keys.push(utf8(`key:${i}`));
  return keys;
}

const LOOKUPS = 1000;

for (const size of [1_000, 100_000, 1_000_000]) {
  const keys = keyBytes(size);
  const map = new Map<string, Item>();
  const table = new KeyTable<Item>();
  for (let i = 0; i < size; i++) {
    const key = bytesToString(keys[i]);
    map.set(key, { key, value: i });
    table.set({ key, value: i });
  }
  const probes = Array.from(
    { length: LOOKUPS },
    () => keys[Math.floor(Math.random() * size)],
  );
  const misses = Array.from(
    { length: LOOKUPS },
    (_, i) => utf8(`absent:${i}`),
  );
  let sink = 0;

  Deno.bench({
    name: `Map get, ${size} keys`,
    group: `get ${size}`,
    baseline: true,
    fn() {
      for (const probe of probes) sink += map.get(bytesToString(probe))!.value;
    },
  });
  Deno.bench({
    name: `KeyTable get, ${size} keys`,
    group: `get ${size}`,
    fn() {
      for (const probe of probes) {
        sink += table.get(bytesToString(probe))!.value;
      }
    },
  });
  Deno.bench({
    name: `Map miss, ${size} keys`,
    group: `miss ${size}`,
    baseline: true,
    fn() {
      for (const probe of misses) {
        if (map.get(bytesToString(probe)) === undefined) sink++;
      }
    },
  });
  Deno.bench({
    name: `KeyTable miss, ${size} keys`,
    group: `miss ${size}`,
    fn() {
      for (const probe of misses) {
        if (table.get(bytesToString(probe)) === undefined) sink++;
      }
    },
  });
  Deno.bench({
    name: `Map overwrite, ${size} keys`,
    group: `overwrite ${size}`,
    baseline: true,
    fn() {
      for (const probe of probes) {
        const key = bytesToString(probe);
        map.set(key, { key, value: 1 });
      }
    },
  });
  Deno.bench({
    name: `KeyTable overwrite, ${size} keys`,
    group: `overwrite ${size}`,
    fn() {
      for (const probe of probes) {
        table.set({ key: bytesToString(probe), value: 1 });
      }
    },
  });
  if (sink === -1) console.log(sink);
}
