/**
 * The evictor on its own, over real databases with a memory figure the
 * test controls (one unit per key): each policy evicts only eligible keys,
 * and the approximations pick well (LRU keeps most recently used keys,
 * LFU the most used, volatile-ttl evicts the soonest to expire first).
 */

import assert from "node:assert/strict";
import { accessTracking, Database, Entry } from "../../lib/store/database.ts";
import {
  type EvictionPolicy,
  evictionTimeLimitMs,
  Evictor,
} from "../../lib/server/eviction.ts";

/** An evictor over `databases` whose used memory is their key count. */
function evictorFor(
  databases: Database[],
  policy: EvictionPolicy,
  maxKeys: number,
): Evictor {
  return new Evictor({
    databases,
    settings: () => ({ maxmemory: maxKeys, policy, samples: 5, tenacity: 100 }),
    usedMemory: () => databases.reduce((n, db) => n + db.size, 0),
    mayEvict: () => true,
    evict: (db, key) => void db.delete(key),
  });
}

function fill(db: Database, count: number, now: number, ttl = false): void {
  for (let i = 0; i < count; i++) {
    const entry = new Entry("string", new Uint8Array(1), now);
    if (ttl) entry.expireAt = now + 1_000_000 + i * 1000;
    db.set(`${ttl ? "ttl" : "key"}:${i}`, entry);
  }
}

Deno.test("eviction: LRU keeps most of the recently used keys", () => {
  const db = new Database(0);
  const now = 10_000_000;
  fill(db, 1000, now - 100_000);
  // The last 200 keys were used recently, the others long ago.
  for (let i = 800; i < 1000; i++) db.peek(`key:${i}`)!.touch(now);
  for (let i = 0; i < 800; i++) {
    db.peek(`key:${i}`)!.restoreAccess({ idleSeconds: 900 - i }, now);
  }
  const result = evictorFor([db], "allkeys-lru", 500).performEvictions(now);
  assert.equal(result, "ok");
  assert.equal(db.size, 500);
  let recent = 0;
  for (let i = 800; i < 1000; i++) if (db.peek(`key:${i}`)) recent++;
  // Sampling 5 keys with a pool of 16 almost never picks a recent key.
  assert.ok(recent >= 190, `only ${recent} of 200 recent keys kept`);
});

Deno.test("eviction: LFU keeps the most used keys", () => {
  const db = new Database(0);
  const now = 10_000_000;
  accessTracking.lfu = true;
  try {
    fill(db, 1000, now);
    for (let i = 0; i < 100; i++) {
      db.peek(`key:${i}`)!.restoreAccess({ frequency: 200 }, now);
    }
    evictorFor([db], "allkeys-lfu", 300).performEvictions(now);
  } finally {
    accessTracking.lfu = false;
  }
  let frequent = 0;
  for (let i = 0; i < 100; i++) if (db.peek(`key:${i}`)) frequent++;
  assert.ok(frequent >= 95, `only ${frequent} of 100 frequent keys kept`);
});

Deno.test("eviction: volatile policies keep keys without a TTL", () => {
  for (
    const policy of [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
    ] as const
  ) {
    const db = new Database(0);
    fill(db, 50, 1000);
    fill(db, 50, 1000, true);
    const evictor = evictorFor([db], policy, 1);
    assert.equal(evictor.performEvictions(1000), "fail", policy);
    assert.equal(db.size, 50, policy);
    assert.equal(db.volatileCount, 0, policy);
  }
});

Deno.test("eviction: volatile-ttl evicts the keys that expire soonest first", () => {
  const db = new Database(0);
  fill(db, 1000, 1000, true);
  evictorFor([db], "volatile-ttl", 500).performEvictions(1000);
  // ttl:i expires at +i s: the survivors are mostly the later half.
  let late = 0;
  for (let i = 500; i < 1000; i++) if (db.peek(`ttl:${i}`)) late++;
  assert.ok(late >= 400, `only ${late} of the 500 latest keys kept`);
});

Deno.test("eviction: random policies take keys from every database", () => {
  const databases = [new Database(0), new Database(1), new Database(2)];
  for (const db of databases) fill(db, 100, 1000);
  evictorFor(databases, "allkeys-random", 150).performEvictions(1000);
  for (const db of databases) assert.ok(db.size > 20 && db.size < 80);
});

Deno.test("eviction: noeviction and no limit", () => {
  const db = new Database(0);
  fill(db, 10, 1000);
  assert.equal(evictorFor([db], "noeviction", 5).performEvictions(), "fail");
  assert.equal(evictorFor([db], "allkeys-lru", 0).performEvictions(), "ok");
  assert.equal(evictorFor([db], "allkeys-lru", 20).performEvictions(), "ok");
  assert.equal(db.size, 10);
});

Deno.test("eviction: the time budget grows with tenacity as Redis's does", () => {
  assert.equal(evictionTimeLimitMs(100), Infinity);
  assert.ok(evictionTimeLimitMs(10) <= evictionTimeLimitMs(50));
  assert.ok(evictionTimeLimitMs(99) > 100);
  assert.equal(evictionTimeLimitMs(0), evictionTimeLimitMs(10));
});

Deno.test("eviction: a budget that runs out goes on from a timer", async () => {
  const db = new Database(0);
  fill(db, 20_000, 1000);
  let calls = 0;
  const evictor = new Evictor({
    databases: [db],
    settings: () => ({
      maxmemory: 1,
      policy: "allkeys-lru",
      samples: 5,
      tenacity: 0,
    }),
    usedMemory: () => db.size,
    mayEvict: () => true,
    evict: (db, key) => {
      calls++;
      // Slow evictions, so the 5 ms budget runs out.
      const until = performance.now() + 0.01;
      while (performance.now() < until) { /* spin */ }
      db.delete(key);
    },
  });
  assert.equal(evictor.performEvictions(1000), "running");
  assert.ok(evictor.running);
  assert.ok(calls < 20_000);
  while (evictor.running) await new Promise((r) => setTimeout(r, 5));
  assert.equal(db.size, 1);
});
