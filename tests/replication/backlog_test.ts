import assert from "node:assert/strict";
import { ReplicationBacklog } from "../../lib/replication/backlog.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("backlog: an empty backlog starts after the offset it was created at", () => {
  const backlog = new ReplicationBacklog(8, 100);
  assert.equal(backlog.firstByteOffset, 101);
  assert.equal(backlog.historyLength, 0);
  assert.deepEqual(backlog.from(101), new Uint8Array(0));
  assert.equal(backlog.from(100), null);
  assert.equal(backlog.from(102), null);
});

Deno.test("backlog: keeps the last size bytes, wrapping around", () => {
  const backlog = new ReplicationBacklog(4, 0);
  backlog.append(bytes(1, 2, 3));
  assert.deepEqual(backlog.from(1), bytes(1, 2, 3));
  backlog.append(bytes(4, 5));
  assert.equal(backlog.historyLength, 4);
  assert.equal(backlog.firstByteOffset, 2);
  assert.deepEqual(backlog.from(2), bytes(2, 3, 4, 5));
  assert.deepEqual(backlog.from(4), bytes(4, 5));
  assert.equal(backlog.from(1), null);
  backlog.append(bytes(6, 7, 8, 9, 10, 11));
  assert.deepEqual(backlog.from(8), bytes(8, 9, 10, 11));
  assert.equal(backlog.firstByteOffset, 8);
  assert.deepEqual(backlog.from(12), new Uint8Array(0));
});

Deno.test("backlog: resizing keeps the most recent history that fits", () => {
  const backlog = new ReplicationBacklog(6, 0);
  backlog.append(bytes(1, 2, 3, 4, 5, 6, 7));
  backlog.resize(3);
  assert.equal(backlog.size, 3);
  assert.deepEqual(backlog.from(5), bytes(5, 6, 7));
  backlog.append(bytes(8));
  assert.deepEqual(backlog.from(6), bytes(6, 7, 8));
  backlog.resize(10);
  backlog.append(bytes(9, 10));
  assert.deepEqual(backlog.from(6), bytes(6, 7, 8, 9, 10));
});
