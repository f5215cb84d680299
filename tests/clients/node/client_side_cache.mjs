// node-redis with clientSideCache (RESP3 CLIENT TRACKING) against the
// server on 127.0.0.1:<port>: a cached GET is served locally until another
// client changes the key, then the server's invalidation makes the next
// GET fetch the new value. Prints "ok" or exits non-zero.
import assert from "node:assert/strict";
import { BasicClientSideCache, createClient } from "redis";

const port = Number(process.argv[2]);
const socket = { host: "127.0.0.1", port, reconnectStrategy: false };
const cache = new BasicClientSideCache({
  ttl: 0,
  maxEntries: 0,
  evictPolicy: "LRU",
});
const reader = createClient({ socket, RESP: 3, clientSideCache: cache });
const writer = createClient({ socket });
await reader.connect();
await writer.connect();
try {
  await writer.set("csc:key", "v1");
  assert.equal(await reader.get("csc:key"), "v1");
  assert.equal(await reader.get("csc:key"), "v1");
  assert.equal(cache.stats().hitCount, 1, "the second GET came from the cache");

  await writer.set("csc:key", "v2");
  // The invalidation arrives as a push frame; wait for it to be applied.
  const deadline = Date.now() + 5000;
  let value = await reader.get("csc:key");
  while (value !== "v2" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await reader.get("csc:key");
  }
  assert.equal(value, "v2", "the invalidation reached the cache");
  assert.ok(cache.stats().missCount >= 2);

  // A flush invalidates everything.
  assert.equal(await reader.get("csc:key"), "v2");
  await writer.flushAll();
  let flushed = await reader.get("csc:key");
  while (flushed !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    flushed = await reader.get("csc:key");
  }
  assert.equal(flushed, null);
  console.log("ok");
} finally {
  await reader.quit();
  await writer.quit();
}
