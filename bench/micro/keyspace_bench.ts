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

/** The two stores compared, behind the two operations the keyspace uses. */
interface Store {
  readonly name: string;
  get(key: string): Item | undefined;
  put(item: Item): void;
}

function stores(): Store[] {
  const map = new Map<string, Item>();
  const table = new KeyTable<Item>();
  return [
    { name: "Map", get: (key) => map.get(key), put: (i) => map.set(i.key, i) },
    {
      name: "KeyTable",
      get: (key) => table.get(key),
      put: (i) => table.set(i.key, i),
    },
  ];
}

const LOOKUPS = 1000;
let sink = 0;

for (const size of [1_000, 100_000, 1_000_000]) {
  const keys = keyBytes(size);
  const probes = Array.from(
    { length: LOOKUPS },
    () => keys[Math.floor(Math.random() * size)],
  );
  const misses = Array.from(
    { length: LOOKUPS },
    (_, i) => utf8(`absent:${i}`),
  );
  for (const store of stores()) {
    for (let i = 0; i < size; i++) {
      store.put({ key: bytesToString(keys[i]), value: i });
    }
    const baseline = store.name === "Map";
    Deno.bench({
      name: `${store.name} get, ${size} keys`,
      group: `get ${size}`,
      baseline,
      fn() {
        for (const probe of probes) {
          sink += store.get(bytesToString(probe))!.value;
        }
      },
    });
    Deno.bench({
      name: `${store.name} miss, ${size} keys`,
      group: `miss ${size}`,
      baseline,
      fn() {
        for (const probe of misses) {
          if (store.get(bytesToString(probe)) === undefined) sink++;
        }
      },
    });
    Deno.bench({
      name: `${store.name} overwrite, ${size} keys`,
      group: `overwrite ${size}`,
      baseline,
      fn() {
        for (const probe of probes) {
          store.put({ key: bytesToString(probe), value: 1 });
        }
      },
    });
  }
}
if (sink === -1) console.log(sink);
