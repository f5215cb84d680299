import assert from "node:assert/strict";
import { formatId, MAX_ID, MIN_ID } from "../../lib/types/stream_id.ts";
import { IdMap } from "../../lib/types/stream_idmap.ts";
import { Stream } from "../../lib/types/stream_store.ts";
import { text, utf8 } from "../helpers/bytes.ts";

const id = (ms: number, seq = 0) => ({ ms: BigInt(ms), seq: BigInt(seq) });

function fill(count: number, maxEntries = 100): Stream {
  const stream = new Stream();
  for (let i = 1; i <= count; i++) {
    stream.append(id(i), [utf8("f"), utf8(`v${i}`)], maxEntries, 4096);
  }
  return stream;
}

const ids = (
  iter: Iterable<{ node: { id(i: number): { ms: bigint } }; index: number }>,
) => [...iter].map((r) => Number(r.node.id(r.index).ms));

Deno.test("stream: nodes split at stream-node-max-entries", () => {
  const stream = fill(250);
  assert.equal(stream.length, 250);
  assert.deepEqual(stream.nodes.map((n) => n.count), [100, 100, 50]);
  assert.equal(stream.entriesAdded, 250n);
  assert.equal(formatId(stream.firstId), "1-0");
  assert.equal(formatId(stream.lastId), "250-0");
});

Deno.test("stream: nodes split at stream-node-max-bytes", () => {
  const stream = new Stream();
  const big = new Uint8Array(1000);
  for (let i = 1; i <= 10; i++) {
    stream.append(id(i), [utf8("f"), big], 100, 4096);
  }
  assert.ok(stream.nodes.length > 1);
  for (const node of stream.nodes) assert.ok(node.count <= 4);
});

Deno.test("stream: ranges seek by ID across nodes, both directions", () => {
  const stream = fill(250, 10);
  assert.deepEqual(ids(stream.range(id(95), id(104))), [
    95,
    96,
    97,
    98,
    99,
    100,
    101,
    102,
    103,
    104,
  ]);
  assert.deepEqual(ids(stream.reverseRange(id(98), id(101))), [
    101,
    100,
    99,
    98,
  ]);
  assert.deepEqual(ids(stream.range(id(251), MAX_ID)), []);
  assert.deepEqual(ids(stream.reverseRange(MIN_ID, id(0, 5))), []);
  const ref = stream.find(id(123))!;
  assert.deepEqual(ref.node.fields(ref.index).map(text), ["f", "v123"]);
});

Deno.test("stream: deletion leaves tombstones and frees empty nodes", () => {
  const stream = fill(30, 10);
  for (let i = 11; i <= 20; i++) assert.ok(stream.delete(id(i)));
  assert.equal(stream.delete(id(11)), false);
  assert.equal(stream.nodes.length, 2);
  assert.ok(stream.delete(id(5)));
  assert.equal(stream.nodes[0].count, 10);
  assert.equal(stream.nodes[0].live, 9);
  assert.equal(stream.length, 19);
  assert.equal(stream.find(id(5)), null);
  assert.deepEqual(ids(stream.range(id(4), id(22))), [
    4,
    6,
    7,
    8,
    9,
    10,
    21,
    22,
  ]);
});

Deno.test("stream: exact and approximate trimming", () => {
  const exact = fill(250);
  assert.equal(exact.trim(120n, null, false, 0), 130);
  assert.equal(exact.length, 120);
  assert.equal(formatId(exact.firstId), "131-0");
  const approx = fill(250);
  // Only whole nodes go: 150 entries would have to stay in two nodes.
  assert.equal(approx.trim(120n, null, true, 10000), 100);
  assert.equal(approx.length, 150);
  const limited = fill(250);
  assert.equal(limited.trim(0n, null, true, 150), 100);
  const minid = fill(250);
  assert.equal(minid.trim(null, id(150), false, 0), 149);
  assert.equal(formatId(minid.firstId), "150-0");
  const minidApprox = fill(250);
  assert.equal(minidApprox.trim(null, id(150), true, 10000), 100);
});

Deno.test("IdMap: ordered inserts, deletes and walks from an ID", () => {
  const map = new IdMap<number>();
  const order: number[] = [];
  for (let i = 0; i < 1000; i++) order.push((i * 7919) % 1000);
  for (const n of order) map.set(id(n), n);
  assert.equal(map.size, 1000);
  assert.deepEqual([...map.from()].map(([, v]) => v), [...Array(1000).keys()]);
  for (let n = 0; n < 1000; n += 2) assert.ok(map.delete(id(n)));
  assert.equal(map.delete(id(0)), false);
  assert.equal(map.get(id(3)), 3);
  assert.equal(map.get(id(4)), undefined);
  assert.deepEqual([...map.from(id(990))].map(([, v]) => v), [
    991,
    993,
    995,
    997,
    999,
  ]);
  // Deleting the current entry while walking continues with the next one.
  const seen: number[] = [];
  for (const [key, v] of map.from(id(980))) {
    seen.push(v);
    map.delete(key);
  }
  assert.deepEqual(seen, [981, 983, 985, 987, 989, 991, 993, 995, 997, 999]);
  assert.deepEqual(map.bounds()?.map(formatId), ["1-0", "979-0"]);
});

Deno.test("stream: IDs of any size survive the packed encoding", () => {
  const stream = new Stream();
  const max = 2n ** 64n - 1n;
  const samples = [
    { ms: 0n, seq: 1n },
    { ms: 127n, seq: 128n },
    { ms: 2n ** 49n, seq: 2n ** 53n + 1n },
    { ms: 2n ** 53n + 3n, seq: 0n },
    { ms: max - 1n, seq: max },
    { ms: max, seq: max },
  ];
  for (const sample of samples) {
    stream.append(sample, [utf8("f"), utf8("v")], 100, 4096);
  }
  assert.deepEqual(
    [...stream.range(MIN_ID, MAX_ID)].map((r) => formatId(r.node.id(r.index))),
    samples.map(formatId),
  );
  assert.equal(stream.nodes.length, 1);
});
