import assert from "node:assert/strict";
import {
  accessTracking,
  Database,
  decayedCounter,
  Entry,
  LRU_CLOCK_MAX,
  lruClock,
} from "../../lib/store/database.ts";
import { Keyspace } from "../../lib/store/keyspace.ts";
import { utf8 } from "../helpers/bytes.ts";
import { prng } from "../helpers/differential.ts";

function entry(value: string, now = 1000): Entry {
  return new Entry("string", utf8(value), now);
}

/** Runs a full SCAN, calling `between` after each step; returns seen keys. */
function fullScan(
  db: Database,
  count: number,
  between: () => void = () => {},
): Set<string> {
  const seen = new Set<string>();
  let cursor = 0;
  do {
    const step = db.scan(cursor, count);
    for (const key of step.keys) seen.add(key);
    cursor = step.next;
    between();
  } while (cursor !== 0);
  return seen;
}

Deno.test("database: get hides and deletes expired keys, reporting them", () => {
  const db = new Database(0);
  const expired: string[] = [];
  db.onExpired = (_db, key) => expired.push(key);
  const e = entry("v");
  e.expireAt = 2000;
  db.set("k", e);
  assert.equal(db.volatileCount, 1);
  assert.equal(db.get("k", 1999), e);
  assert.equal(db.size, 1);
  assert.equal(db.get("k", 2000), undefined);
  assert.equal(db.size, 0);
  assert.equal(db.volatileCount, 0);
  assert.deepEqual(expired, ["k"]);
});

Deno.test("database: set replaces values and their expiry, keeping the key's place", () => {
  const db = new Database(0);
  const first = entry("1");
  first.expireAt = 5000;
  db.set("a", first);
  db.set("b", entry("2"));
  db.set("a", entry("3"));
  assert.equal(db.volatileCount, 0);
  assert.deepEqual(db.scan(0, 10).keys.sort(), ["a", "b"]);
});

Deno.test("database: setExpire maintains the set of volatile keys", () => {
  const db = new Database(0);
  const e = entry("v");
  db.set("k", e);
  db.setExpire("k", e, 5000);
  assert.equal(db.volatileCount, 1);
  db.setExpire("k", e, 6000);
  assert.equal(db.volatileCount, 1);
  db.setExpire("k", e, 0);
  assert.equal(db.volatileCount, 0);
  assert.equal(e.expireAt, 0);
});

Deno.test("database: a full scan sees every key exactly once when nothing changes", () => {
  const db = new Database(0);
  for (let i = 0; i < 1000; i++) db.set(`k${i}`, entry(String(i)));
  for (const count of [1, 7, 100, 5000]) {
    const seen: string[] = [];
    let cursor = 0;
    do {
      const step = db.scan(cursor, count);
      seen.push(...step.keys);
      cursor = step.next;
    } while (cursor !== 0);
    assert.equal(seen.length, 1000);
    assert.equal(new Set(seen).size, 1000);
  }
});

Deno.test("database: scan returns every key present throughout, under churn and compaction", () => {
  const random = prng(42);
  for (let round = 0; round < 5; round++) {
    const db = new Database(0);
    let next = 0;
    const live = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const key = `k${next++}`;
      db.set(key, entry(key));
      live.add(key);
    }
    // Keys that exist from start to end of the scan must all be seen.
    const stable = new Set(live);
    const remove = (key: string) => {
      db.delete(key);
      live.delete(key);
      stable.delete(key);
    };
    let steps = 0;
    // Fewer additions per step than the scan count, so the scan ends.
    const churn = () => {
      if (++steps === 5) {
        // A burst of deletions all over the order forces a compaction.
        for (let i = 0; i < 2500; i++) {
          const key = `k${Math.floor(random() * next)}`;
          if (live.has(key)) remove(key);
        }
      }
      for (let i = 0; i < 10; i++) {
        if (random() < 0.5) {
          const key = `k${next++}`;
          db.set(key, entry(key));
          live.add(key);
        } else if (live.size > 0) {
          const key = `k${Math.floor(random() * next)}`;
          if (live.has(key)) remove(key);
        }
      }
    };
    const seen = fullScan(db, 10 + Math.floor(random() * 50), churn);
    for (const key of stable) assert.ok(seen.has(key), `missed ${key}`);
  }
});

Deno.test("database: a scan returns every remaining key while the table shrinks", () => {
  const db = new Database(0);
  for (let i = 0; i < 5000; i++) db.set(`k${i}`, entry(String(i)));
  const first = db.scan(0, 100);
  for (let i = 0; i < 4900; i++) db.delete(`k${i}`);
  let cursor = first.next;
  const seen = new Set(first.keys);
  do {
    db.maintain({ rehash: true, shrink: true });
    const step = db.scan(cursor, 10);
    for (const key of step.keys) seen.add(key);
    cursor = step.next;
  } while (cursor !== 0);
  for (let i = 4900; i < 5000; i++) assert.ok(seen.has(`k${i}`), `k${i}`);
  assert.equal(fullScan(db, 37).size, 100);
});

Deno.test("database: scan of an empty database ends at once", () => {
  const db = new Database(0);
  assert.deepEqual(db.scan(0, 10), { keys: [], next: 0 });
  db.set("a", entry("a"));
  db.delete("a");
  assert.deepEqual(db.scan(0, 10), { keys: [], next: 0 });
});

Deno.test("database: randomKey returns only present keys and covers all of them", () => {
  const db = new Database(0);
  assert.equal(db.randomKey(), undefined);
  for (let i = 0; i < 50; i++) db.set(`k${i}`, entry(String(i)));
  for (let i = 0; i < 40; i++) db.delete(`k${i}`);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const key = db.randomKey()!;
    assert.ok(db.peek(key) !== undefined);
    seen.add(key);
  }
  assert.equal(seen.size, 10);
});

Deno.test("database: expireCycle reclaims expired keys nobody reads", () => {
  const db = new Database(0);
  let reported = 0;
  db.onExpired = () => reported++;
  for (let i = 0; i < 500; i++) {
    const e = entry(String(i));
    e.expireAt = i < 300 ? 2000 : 9000;
    db.set(`k${i}`, e);
  }
  db.set("persistent", entry("p"));
  let rounds = 0;
  while (db.size > 201 && rounds++ < 1000) db.expireCycle(5000, 20);
  assert.equal(db.size, 201);
  assert.equal(reported, 300);
  assert.equal(db.volatileCount, 200);
  assert.deepEqual(db.expireCycle(5000, 20).expired, 0);
});

Deno.test("database: clear empties everything", () => {
  const db = new Database(0);
  const e = entry("v");
  e.expireAt = 5000;
  db.set("a", e);
  db.set("b", entry("w"));
  db.clear();
  assert.equal(db.size, 0);
  assert.equal(db.volatileCount, 0);
  assert.deepEqual(db.scan(0, 10), { keys: [], next: 0 });
  assert.equal(db.randomKey(), undefined);
});

Deno.test("entry: touch restarts the LRU clock; under an LFU policy the counter grows and decays", () => {
  const plain = entry("v", 0);
  assert.equal(plain.idleMs(7_500), 7_000);
  plain.touch(7_500);
  assert.equal(plain.clock, lruClock(7_500));
  assert.equal(plain.idleMs(7_999), 0);
  assert.equal(plain.idleMs(9_000), 2_000);
  // The clock wraps at 24 bits of seconds, as Redis's does.
  const wrapped = (LRU_CLOCK_MAX + 3) * 1000;
  assert.equal(plain.idleMs(wrapped), (LRU_CLOCK_MAX - 7 + 2) * 1000);
  accessTracking.lfu = true;
  try {
    const e = entry("v", 0);
    assert.equal(e.decayedFrequency(0), 5);
    e.touch(1000);
    // At the initial value the first access always counts.
    assert.equal(e.decayedFrequency(1000), 6);
    for (let i = 0; i < 1000; i++) e.touch(1000);
    const counter = e.decayedFrequency(1000);
    assert.ok(counter > 6 && counter < 255);
    // Three idle minutes take three off (lfu-decay-time 1).
    assert.equal(e.decayedFrequency(1000 + 3 * 60_000), counter - 3);
    assert.equal(e.decayedFrequency(1000 + 10_000 * 60_000), 0);
  } finally {
    accessTracking.lfu = false;
  }
});

Deno.test("database: get without touch leaves access data alone", () => {
  const db = new Database(0);
  const e = entry("v", 1000);
  db.set("k", e);
  db.get("k", 5000, false);
  assert.equal(e.clock, lruClock(1000));
  db.get("k", 6000);
  assert.equal(e.clock, lruClock(6000));
});

Deno.test("keyspace: swap exchanges databases and renumbers them", () => {
  const keyspace = new Keyspace(3);
  keyspace.db(0).set("a", entry("a"));
  keyspace.db(2).set("b", entry("b"));
  keyspace.swap(0, 2);
  assert.equal(keyspace.db(0).peek("b") !== undefined, true);
  assert.equal(keyspace.db(2).peek("a") !== undefined, true);
  assert.equal(keyspace.db(0).id, 0);
  assert.equal(keyspace.db(2).id, 2);
  assert.equal(keyspace.totalKeys, 2);
  keyspace.clear();
  assert.equal(keyspace.totalKeys, 0);
});

Deno.test("database: a plain string value is stored without an entry until one is asked for", () => {
  const db = new Database(0);
  const added: string[] = [];
  db.onAdded = (_db, key) => added.push(key);
  db.setString("k", "hello", 5_000);
  db.setString("k", "world", 9_000);
  assert.deepEqual(added, ["k"]);
  const plainBytes = db.bytes;
  // Reads and probes see the value as stored, with no entry made.
  assert.equal(db.lookup("k", 12_000), "world");
  assert.equal(db.peekItem("k"), "world");
  assert.equal(db.has("k", 12_000), true);
  const [[key, detached]] = [...db.entries()];
  assert.equal(key, "k");
  assert.equal(detached.value, "world");
  assert.equal(detached.idleMs(15_000), 3_000);
  assert.equal(db.peekItem("k"), "world");
  assert.deepEqual(db.scanItems(0, 10), {
    keys: ["k"],
    items: ["world"],
    next: 0,
  });
  const sampled: [string, number, number, number][] = [];
  db.sample(1, false, (...key) => sampled.push(key));
  assert.deepEqual(sampled, [["k", lruClock(12_000), 0, 1]]);
  assert.equal(db.peekItem("k", 1), "world");
  assert.equal(db.bytes, plainBytes);
  // get() makes the entry, keeping the access field, and accounts for it.
  const made = db.get("k", 12_000, false)!;
  assert.equal(made.type, "string");
  assert.equal(made.value, "world");
  assert.equal(made.key, "k");
  assert.equal(made.clock, lruClock(12_000));
  assert.equal(db.peekItem("k"), made);
  assert.equal(db.get("k", 13_000), made);
  assert.ok(db.bytes > plainBytes);
  // setString over an entry drops it and its expiry.
  db.setExpire("k", made, 100_000);
  assert.equal(db.volatileCount, 1);
  db.setString("k", "again", 14_000);
  assert.equal(db.volatileCount, 0);
  assert.equal(db.peekItem("k"), "again");
  assert.equal(db.bytes, plainBytes);
  // set() of an entry over a plain value, and deletes, balance the account.
  db.set("k", entry("entry"));
  db.setString("p", "plain", 14_000);
  assert.equal(db.delete("k"), true);
  assert.equal(db.delete("p"), true);
  assert.equal(db.bytes, 0);
  assert.equal(db.size, 0);
});

Deno.test("database: under an LFU policy a plain string value keeps its counter", () => {
  accessTracking.lfu = true;
  try {
    const db = new Database(0);
    db.setString("k", "v", 0);
    for (let i = 0; i < 100; i++) db.lookup("k", 0);
    const counter = db.get("k", 0, false)!.decayedFrequency(0);
    assert.ok(counter > 5, `counter ${counter}`);
    // Overwrites, plain or not, keep the counter, as Redis's dbOverwrite.
    db.setString("k", "w", 0);
    let clock = -1;
    db.sample(1, false, (_key, field) => clock = field);
    assert.equal(decayedCounter(clock, 0), counter);
    db.set("k", entry("x", 0));
    assert.equal(db.get("k", 0, false)!.decayedFrequency(0), counter);
  } finally {
    accessTracking.lfu = false;
  }
});
