/**
 * HyperLogLog internals: the hash, the sparse and dense encodings and the
 * estimator, checked against values observed on redis-server 7.0.
 */
import assert from "node:assert/strict";
import {
  addElement,
  countHll,
  createHll,
  decodeSparse,
  denseGet,
  estimateCardinality,
  hashElement,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  isHll,
  murmurHash64A,
  selfTest,
  sparseToDense,
} from "../../lib/types/hyperloglog.ts";
import { Entry } from "../../lib/store/database.ts";
import { binary, latin1 } from "../helpers/bytes.ts";

/**
 * Register and value of single elements, read with PFDEBUG GETREG from
 * redis-server after PFADD of the element alone: lengths 0 to 17 cover
 * every tail of MurmurHash64A's 8-byte blocks.
 */
const REDIS_REGISTERS: [string, number, number][] = [
  ["", 5938, 2],
  ["a", 12711, 2],
  ["ab", 719, 1],
  ["abc", 9474, 1],
  ["abcd", 11070, 8],
  ["abcde", 3726, 4],
  ["abcdef", 13647, 2],
  ["abcdefg", 5634, 2],
  ["abcdefgh", 1383, 1],
  ["abcdefghi", 6903, 1],
  ["abcdefghijklmno", 12377, 4],
  ["abcdefghijklmnop", 9328, 1],
  ["abcdefghijklmnopq", 4271, 1],
  ["\x00", 8840, 2],
  ["\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7", 5570, 1],
  ["hello world", 9399, 4],
  ["12345", 14704, 1],
];

Deno.test("hyperloglog: elements map to Redis's registers and values", () => {
  for (const [element, index, count] of REDIS_REGISTERS) {
    assert.deepEqual(hashElement(binary(element)), { index, count }, element);
    // The same from the 64-bit hash: low 14 bits, then the first set bit.
    const hash = murmurHash64A(binary(element));
    assert.equal(Number(hash & 0x3fffn), index);
    let rest = (hash >> 14n) | (1n << 50n);
    let bits = 1;
    while ((rest & 1n) === 0n) {
      rest >>= 1n;
      bits++;
    }
    assert.equal(bits, count);
  }
});

Deno.test("hyperloglog: MurmurHash64A of nothing with seed 0 is 0, and the seed matters", () => {
  assert.equal(murmurHash64A(new Uint8Array(0), 0), 0n);
  assert.notEqual(murmurHash64A(new Uint8Array(0)), 0n);
  const data = binary("abcdefghijk");
  assert.notEqual(murmurHash64A(data, 1), murmurHash64A(data, 2));
  assert.ok(murmurHash64A(data) < 1n << 64n);
});

Deno.test("hyperloglog: a new HyperLogLog is Redis's 18-byte sparse value", () => {
  const empty = createHll();
  assert.equal(
    latin1(empty),
    "HYLL\x01" + "\x00".repeat(11) + "\x7f\xff",
  );
  assert.ok(isHll(empty));
  assert.equal(decodeSparse(empty), "Z:16384");
  assert.equal(countHll(empty), 0);
});

Deno.test("hyperloglog: PFADD of a b c hello world builds Redis's sparse bytes", () => {
  const entry = new Entry("string", createHll());
  for (const element of ["a", "b", "c", "hello", "world"]) {
    assert.equal(addElement(entry, binary(element), 3000), 1);
  }
  const value = entry.value as Uint8Array;
  // PFADD also invalidates the cache; the registers are Redis's.
  value[15] |= 0x80;
  assert.equal(
    latin1(value),
    "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80J\xb5\x88V<\x80C\n\x80M\xa5\x84K\xfb\x80BZ",
  );
  assert.equal(
    decodeSparse(value),
    "Z:2742 v:3,1 Z:5693 v:1,1 Z:779 v:1,1 Z:3494 v:2,1 Z:3068 v:1,1 Z:603",
  );
  assert.equal(addElement(entry, binary("a"), 3000), 0);
});

/** Registers as a plain array, from the elements' hashes. */
function expectedRegisters(elements: Uint8Array[]): Uint8Array {
  const registers = new Uint8Array(HLL_REGISTERS);
  for (const element of elements) {
    const { index, count } = hashElement(element);
    if (count > registers[index]) registers[index] = count;
  }
  return registers;
}

/** The registers a sparse value's opcodes stand for. */
function sparseRegisters(value: Uint8Array): Uint8Array {
  const registers = new Uint8Array(HLL_REGISTERS);
  let index = 0;
  for (const op of decodeSparse(value).split(" ")) {
    const [kind, rest] = op.split(":");
    if (kind === "v") {
      const [v, n] = rest.split(",").map(Number);
      registers.fill(v, index, index + n);
      index += n;
    } else index += Number(rest);
  }
  assert.equal(index, HLL_REGISTERS);
  return registers;
}

Deno.test("hyperloglog: sparse and dense encodings round-trip the same registers", () => {
  for (const n of [1, 50, 700, 2500]) {
    const elements = Array.from({ length: n }, (_, i) => binary(`item:${i}`));
    const sparse = new Entry("string", createHll());
    const dense = new Entry("string", sparseToDense(createHll()));
    // No size limit: the sparse one stays sparse.
    for (const element of elements) {
      addElement(sparse, element, Infinity);
      addElement(dense, element, Infinity);
    }
    const sparseValue = sparse.value as Uint8Array;
    const denseValue = dense.value as Uint8Array;
    assert.equal(sparseValue[4], HLL_SPARSE);
    assert.equal(denseValue[4], HLL_DENSE);
    assert.equal(denseValue.length, HLL_DENSE_SIZE);
    const expected = expectedRegisters(elements);
    assert.deepEqual(sparseRegisters(sparseValue), expected);
    const converted = sparseToDense(sparseValue)!;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      assert.equal(denseGet(converted, i), expected[i]);
      assert.equal(denseGet(denseValue, i), expected[i]);
    }
    // Same registers, same bytes (the header's cache flag aside).
    assert.deepEqual(converted.subarray(16), denseValue.subarray(16));
    assert.equal(countHll(sparseValue), countHll(denseValue));
  }
});

Deno.test("hyperloglog: a sparse value outgrowing hll-sparse-max-bytes turns dense", () => {
  const entry = new Entry("string", createHll());
  let i = 0;
  while ((entry.value as Uint8Array)[4] === HLL_SPARSE) {
    addElement(entry, binary(`e${i++}`), 300);
    if ((entry.value as Uint8Array)[4] === HLL_SPARSE) {
      assert.ok((entry.value as Uint8Array).length <= 300);
    }
  }
  assert.equal((entry.value as Uint8Array).length, HLL_DENSE_SIZE);
  const elements = Array.from({ length: i }, (_, j) => binary(`e${j}`));
  const expected = expectedRegisters(elements);
  for (let r = 0; r < HLL_REGISTERS; r++) {
    assert.equal(denseGet(entry.value as Uint8Array, r), expected[r]);
  }
});

Deno.test("hyperloglog: the estimator gives redis-server's PFCOUNT", () => {
  // PFCOUNT on redis-server after PFADD of e0, e1, ... e(N-1).
  const redis: [number, number][] = [
    [1, 1],
    [10, 10],
    [100, 100],
    [1000, 1008],
    [10000, 9973],
    [100000, 100853],
    [1000000, 991657],
  ];
  const entry = new Entry("string", createHll());
  let n = 0;
  for (const [target, count] of redis) {
    while (n < target) addElement(entry, binary(`e${n++}`), 3000);
    assert.equal(countHll(entry.value as Uint8Array), count, `${target}`);
  }
});

Deno.test("hyperloglog: estimator edge cases", () => {
  const histogram = new Int32Array(64);
  histogram[0] = HLL_REGISTERS;
  assert.equal(estimateCardinality(histogram), 0);
  // Registers Redis's estimator ignores (over 51) make it divide by zero:
  // 2^63, as Redis's llroundl overflow gives on x86-64.
  histogram[0] = 0;
  histogram[63] = HLL_REGISTERS;
  assert.equal(estimateCardinality(histogram), 1n << 63n);
  // One register set is one element.
  histogram[63] = 0;
  histogram[0] = HLL_REGISTERS - 1;
  histogram[1] = 1;
  assert.equal(estimateCardinality(histogram), 1);
});

Deno.test("hyperloglog: corrupt values are recognised", () => {
  const header = (encoding: number) =>
    "HYLL" + String.fromCharCode(encoding) + "\x00".repeat(10) + "\x80";
  assert.ok(!isHll(binary("HYLL")));
  assert.ok(!isHll(binary("HYLX" + header(1).slice(4) + "\x7f\xff")));
  assert.ok(!isHll(binary(header(2) + "\x7f\xff")));
  assert.ok(!isHll(binary(header(0) + "\x00".repeat(100))));
  assert.ok(isHll(binary(header(0) + "\x00".repeat(12288))));
  // Opcodes covering too few or too many registers.
  for (
    const body of [
      "",
      "\x5f\x3f",
      "\x7f\xff\x00",
      "\x7f\xfe\x83",
      "\x7f\xff\x7f",
    ]
  ) {
    const value = binary(header(1) + body);
    assert.ok(isHll(value));
    assert.equal(sparseToDense(value), null, JSON.stringify(body));
    assert.equal(countHll(value), null, JSON.stringify(body));
  }
  // Half an XZERO at the end reads its second byte as 0, as Redis does.
  const half = binary(header(1) + "\x7e\xfe\x41");
  assert.equal(decodeSparse(half), "Z:16127 Z:257");
  assert.equal(countHll(half), 0);
});

Deno.test("hyperloglog: PFSELFTEST's checks pass", () => {
  assert.equal(selfTest(), null);
});
