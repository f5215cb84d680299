import assert from "node:assert/strict";
import type { Client } from "../../lib/server/client.ts";
import { Snapshot } from "../../lib/persistence/snapshot.ts";
import { inProcess, type InProcessServer } from "../helpers/in_process.ts";

/** Keys written before the test's own, so the snapshot spans many slices. */
const FILLER_KEYS = 200_000;

/** A server in this process on `dir`, loading from it as start-up does. */
function persistent(
  dir: string,
  config: Record<string, string> = {},
): InProcessServer {
  return inProcess({
    dir,
    config: { loglevel: "warning", save: "", ...config },
    persistence: true,
  });
}

/** Resolves once `done()` holds, checking on every event-loop turn. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Lets the snapshot in progress write a slice or two, and checks that it
 * has not reached the last keys yet.
 */
async function snapshotUnderWay(server: InProcessServer): Promise<void> {
  const [snapshot] = server.server.snapshots;
  await until(() => snapshot.written > 0);
  assert.equal(snapshot.finished, false);
}

/**
 * A dataset where `dst` comes last in the keyspace (the snapshot reaches it
 * last) and a client blocked in BLMOVE src → dst.
 */
function blockedMove(server: InProcessServer): { blocked: Client } {
  const blocked = server.connect();
  const db = server.server.keyspace.db(0);
  for (let i = 0; i < FILLER_KEYS; i++) {
    server.run("SET", `filler:${i}`, "x");
  }
  server.run("RPUSH", "dst", "old");
  assert.ok(db.has("dst", Date.now()));
  assert.equal(
    server.runAs(blocked, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"),
    "",
  );
  assert.ok(blocked.blocked);
  return { blocked };
}

Deno.test("snapshot: a blocked BLMOVE served during BGSAVE leaves the file point-in-time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = persistent(dir);
    const { blocked } = blockedMove(server);
    assert.equal(server.run("BGSAVE"), "+Background saving started\r\n");
    await snapshotUnderWay(server);
    assert.equal(server.run("RPUSH", "src", "moved"), ":1\r\n");
    assert.notEqual(server.take(blocked), "");
    assert.equal(
      server.run("LRANGE", "dst", "0", "-1"),
      "*2\r\n$3\r\nold\r\n$5\r\nmoved\r\n",
    );
    await until(() => !server.server.rdb.inProgress);

    // The file holds the dataset as it was when BGSAVE started.
    const loaded = persistent(dir);
    assert.equal(loaded.run("DBSIZE"), `:${FILLER_KEYS + 1}\r\n`);
    assert.equal(
      loaded.run("LRANGE", "dst", "0", "-1"),
      "*1\r\n$3\r\nold\r\n",
    );
    assert.equal(loaded.run("EXISTS", "src"), ":0\r\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("snapshot: a blocked BLMOVE served during BGREWRITEAOF is replayed once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = persistent(dir, {
      appendonly: "yes",
      appendfsync: "always",
    });
    const { blocked } = blockedMove(server);
    assert.equal(
      server.run("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    await snapshotUnderWay(server);
    server.run("RPUSH", "src", "moved");
    assert.notEqual(server.take(blocked), "");
    await until(() => !server.server.aof.rewriting);
    server.server.aof.flush();
    server.server.aof.disable();

    const loaded = persistent(dir, { appendonly: "yes" });
    assert.equal(
      loaded.run("LRANGE", "dst", "0", "-1"),
      "*2\r\n$3\r\nold\r\n$5\r\nmoved\r\n",
    );
    assert.equal(loaded.run("EXISTS", "src"), ":0\r\n");
    loaded.server.aof.disable();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The RDB image a finished `snapshot` produced, loaded into a new server. */
function loadImage(chunks: Uint8Array[]): InProcessServer {
  const image = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    image.set(chunk, offset);
    offset += chunk.length;
  }
  const loaded = inProcess();
  loaded.server.rdb.loadBytes(image, "snapshot");
  return loaded;
}

Deno.test("snapshot: beforeWrite saves a key's value before it changes; later keys are left out", () => {
  const server = inProcess();
  for (const key of ["a", "b", "c", "gone"]) server.run("SET", key, "old");
  const chunks: Uint8Array[] = [];
  const snapshot = new Snapshot(server.server, (chunk) => chunks.push(chunk));
  // Registered as a background save is, so that key creation reaches it.
  server.server.snapshots.add(snapshot);
  const db = server.server.keyspace.db(0);
  snapshot.beforeWrite(db, "b");
  server.run("SET", "b", "new");
  snapshot.beforeWrite(db, "gone");
  server.run("DEL", "gone");
  server.run("SET", "created", "after");
  // A second beforeWrite of a key already saved changes nothing.
  snapshot.beforeWrite(db, "b");
  server.run("APPEND", "b", "er");
  snapshot.finish();
  assert.ok(snapshot.finished);
  server.server.snapshots.delete(snapshot);

  const loaded = loadImage(chunks);
  assert.equal(loaded.run("DBSIZE"), ":4\r\n");
  for (const key of ["a", "b", "c", "gone"]) {
    assert.equal(loaded.run("GET", key), "$3\r\nold\r\n", key);
  }
  assert.equal(loaded.run("EXISTS", "created"), ":0\r\n");
});

Deno.test("snapshot: a write to a database the snapshot has not started finishes it first", () => {
  const server = inProcess();
  server.run("SET", "k0", "old");
  server.run("SELECT", "5");
  server.run("SET", "k5", "old");
  const chunks: Uint8Array[] = [];
  const snapshot = new Snapshot(server.server, (chunk) => chunks.push(chunk));
  snapshot.beforeWrite(server.server.keyspace.db(5), "k5");
  // Database 5 comes after 0 in the file: the snapshot completes at once.
  assert.ok(snapshot.finished);
  server.run("SET", "k5", "new");
  const loaded = loadImage(chunks);
  loaded.run("SELECT", "5");
  assert.equal(loaded.run("GET", "k5"), "$3\r\nold\r\n");
});

Deno.test("snapshot: keys created during BGSAVE, ahead of the scan or behind it, are not in the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = persistent(dir);
    for (let i = 0; i < FILLER_KEYS; i++) {
      server.run("SET", `filler:${i}`, "x");
    }
    assert.equal(server.run("BGSAVE"), "+Background saving started\r\n");
    await snapshotUnderWay(server);
    // Spread over the whole table: some behind the cursor, most ahead.
    for (let i = 0; i < 1000; i++) server.run("SET", `new:${i}`, "y");
    // Deleted and created again while the save runs: still left out.
    server.run("DEL", "new:0");
    server.run("SET", "new:0", "z");
    // An existing key deleted and created again keeps its old value.
    server.run("DEL", "filler:1");
    server.run("SET", "filler:1", "changed");
    await until(() => !server.server.rdb.inProgress);

    const loaded = persistent(dir);
    assert.equal(loaded.run("DBSIZE"), `:${FILLER_KEYS}\r\n`);
    assert.equal(loaded.run("GET", "filler:1"), "$1\r\nx\r\n");
    assert.equal(loaded.run("EXISTS", "new:0", "new:500"), ":0\r\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
