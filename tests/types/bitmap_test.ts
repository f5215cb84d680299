import assert from "node:assert/strict";
import {
  countBits,
  findBit,
  getBitfield,
  setBitfield,
} from "../../lib/types/bitmap.ts";
import { Picker, prng } from "../helpers/differential.ts";
import { inProcess, recordPropagation } from "../helpers/in_process.ts";
import { binary } from "../helpers/bytes.ts";

/** Bit `i` of `bytes`, most significant bit of byte 0 first. */
function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3] >> (7 - (i & 7))) & 1;
}

/**
 * Random bytes inside a larger buffer at a random byte offset, so the word
 * loops meet every alignment.
 */
function randomBytes(p: Picker, length: number): Uint8Array {
  const shift = p.int(0, 7);
  const buffer = new Uint8Array(length + shift + 3);
  const bytes = buffer.subarray(shift, shift + length);
  // Long runs of 0x00 and 0xff, which the word skipping jumps over.
  const style = p.int(0, 2);
  for (let i = 0; i < length; i++) {
    if (style === 0) bytes[i] = p.int(0, 255);
    else if (style === 1) bytes[i] = p.chance(0.02) ? p.int(0, 255) : 0;
    else bytes[i] = p.chance(0.02) ? p.int(0, 255) : 0xff;
  }
  return bytes;
}

Deno.test("bitmap: countBits matches a bit-by-bit count at every alignment", () => {
  const p = new Picker(prng(1));
  for (let round = 0; round < 400; round++) {
    const bytes = randomBytes(p, p.int(0, 200));
    const start = p.int(0, bytes.length);
    const end = p.int(start, bytes.length);
    let expected = 0;
    for (let i = start * 8; i < end * 8; i++) expected += bitAt(bytes, i);
    assert.equal(countBits(bytes, start, end), expected, `round ${round}`);
  }
});

Deno.test("bitmap: findBit matches a bit-by-bit search, with Redis's not-found values", () => {
  const p = new Picker(prng(2));
  for (let round = 0; round < 600; round++) {
    const bytes = randomBytes(p, p.int(0, 120));
    const start = p.int(0, bytes.length);
    const count = p.int(0, bytes.length - start);
    for (const bit of [0, 1]) {
      let expected = bit ? -1 : count * 8;
      for (let i = 0; i < count * 8; i++) {
        if (bitAt(bytes, start * 8 + i) === bit) {
          expected = i;
          break;
        }
      }
      assert.equal(
        findBit(bytes, start, count, bit),
        expected,
        `round ${round} bit ${bit}`,
      );
    }
  }
});

Deno.test("bitmap: getBitfield and setBitfield agree with a bigint model on every width", () => {
  const p = new Picker(prng(3));
  for (let bits = 1; bits <= 64; bits++) {
    for (let round = 0; round < 30; round++) {
      const bytes = randomBytes(p, 12);
      const before = bytes.slice();
      const offset = p.int(0, 96 - bits);
      let expected = 0n;
      for (let i = 0; i < bits; i++) {
        expected = (expected << 1n) | BigInt(bitAt(bytes, offset + i));
      }
      assert.equal(getBitfield(bytes, offset, bits), expected);
      // Negative values are stored in two's complement.
      let value = BigInt(p.int(0, 2 ** 31)) * BigInt(p.int(0, 2 ** 31));
      if (p.chance(0.5)) value = -value;
      setBitfield(bytes, offset, bits, value);
      assert.equal(
        getBitfield(bytes, offset, bits),
        BigInt.asUintN(bits, value),
      );
      for (let i = 0; i < 96; i++) {
        if (i >= offset && i < offset + bits) continue;
        assert.equal(bitAt(bytes, i), bitAt(before, i), `bit ${i} kept`);
      }
    }
  }
  // Past the end of the value (or without one) bits read as zeros.
  const short = new Uint8Array([0xff]);
  assert.equal(getBitfield(short, 4, 8), 0xf0n);
  assert.equal(getBitfield(null, 100, 64), 0n);
});

Deno.test("bitmap: dirty counts, events and propagation follow Redis", () => {
  const s = inProcess();
  const fed = recordPropagation(s);
  const dirty = (...args: string[]) => {
    const before = s.server.dirty;
    const reply = s.run(...args);
    return [reply, s.server.dirty - before];
  };
  // A new key is a change even when the bit stays 0.
  assert.deepEqual(dirty("SETBIT", "b", "3", "0"), [":0\r\n", 1]);
  assert.deepEqual(dirty("SETBIT", "b", "3", "0"), [":0\r\n", 0]);
  assert.deepEqual(dirty("SETBIT", "b", "3", "1"), [":0\r\n", 1]);
  assert.deepEqual(dirty("SETBIT", "b", "3", "1"), [":1\r\n", 0]);
  // Growing is a change too.
  assert.deepEqual(dirty("SETBIT", "b", "20", "0"), [":0\r\n", 1]);
  // BITFIELD counts one per write that changes a field.
  assert.deepEqual(
    dirty("BITFIELD", "b", "SET", "u8", "0", "1", "SET", "u4", "8", "3"),
    ["*2\r\n:16\r\n:0\r\n", 2],
  );
  assert.deepEqual(
    dirty("BITFIELD", "b", "SET", "u8", "0", "1", "GET", "u8", "0"),
    ["*2\r\n:1\r\n:1\r\n", 0],
  );
  // Growing makes every write a change, even of a zero into zeros.
  assert.deepEqual(
    dirty("BITFIELD", "b", "SET", "u8", "40", "0", "SET", "u8", "48", "0"),
    ["*2\r\n:0\r\n:0\r\n", 2],
  );
  // A write that fails creates the key but changes nothing.
  assert.deepEqual(
    dirty("BITFIELD", "n", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"),
    ["*1\r\n$-1\r\n", 0],
  );
  assert.equal(s.run("GET", "n"), "$1\r\n\x00\r\n");
  assert.deepEqual(dirty("BITOP", "NOT", "d", "b"), [":7\r\n", 1]);
  assert.deepEqual(dirty("BITOP", "AND", "d", "nokey"), [":0\r\n", 1]);
  assert.deepEqual(dirty("BITOP", "AND", "d", "nokey"), [":0\r\n", 0]);
  assert.deepEqual(s.events, [
    "$ setbit b",
    "$ setbit b",
    "$ setbit b",
    "$ setbit b",
    "$ setbit b",
    "$ set d",
    "g del d",
  ]);
  assert.deepEqual(fed, [
    "0:SETBIT b 3 0",
    "0:SETBIT b 3 1",
    "0:SETBIT b 20 0",
    "0:BITFIELD b SET u8 0 1 SET u4 8 3",
    "0:BITFIELD b SET u8 40 0 SET u8 48 0",
    "0:BITOP NOT d b",
    "0:BITOP AND d nokey",
  ]);
});

Deno.test("bitmap: values are raw strings, grown with zero bytes", () => {
  const s = inProcess();
  // 0x30 is "0", an integer, yet a bitmap is never int-encoded.
  s.run("SETBIT", "k", "2", "1");
  s.run("SETBIT", "k", "3", "1");
  assert.equal(s.run("GET", "k"), "$1\r\n0\r\n");
  assert.equal(s.run("OBJECT", "ENCODING", "k"), "$3\r\nraw\r\n");
  s.run("SET", "i", "12");
  assert.equal(s.run("OBJECT", "ENCODING", "i"), "$3\r\nint\r\n");
  // Even a SETBIT that changes nothing unshares the value, as in Redis.
  assert.equal(s.run("SETBIT", "i", "2", "1"), ":1\r\n");
  assert.equal(s.run("OBJECT", "ENCODING", "i"), "$3\r\nraw\r\n");
  assert.equal(s.run("SETBIT", "i", "39", "1"), ":0\r\n");
  assert.equal(s.run("GET", "i"), "$5\r\n12\x00\x00\x01\r\n");
  assert.equal(s.run("BITOP", "OR", "o", "i"), ":5\r\n");
  assert.equal(s.run("OBJECT", "ENCODING", "o"), "$3\r\nraw\r\n");
  s.run("RPUSH", "list", "x");
  assert.match(s.run("SETBIT", "list", "0", "1"), /^-WRONGTYPE/);
  assert.match(s.run("BITFIELD", "list", "GET", "u8", "0"), /^-WRONGTYPE/);
});

Deno.test("bitmap: in-place writes do not leak into other values or queued replies", () => {
  const s = inProcess();
  const big = "\x00".repeat(100_000);
  s.run("SET", "a", big);
  s.run("COPY", "a", "b");
  s.run("SETBIT", "b", "0", "1");
  assert.equal(s.run("GETBIT", "a", "0"), ":0\r\n");
  // A GET reply queued before a SETBIT keeps the bytes it was given.
  s.dispatcher.receive(s.client, ["GET", "a"].map(binary));
  s.dispatcher.receive(s.client, ["SETBIT", "a", "7", "1"].map(binary));
  const replies = s.take(s.client);
  assert.equal(replies, `$100000\r\n${big}\r\n:0\r\n`);
  // BITOP with its destination among its sources reads the old value.
  s.run("SET", "x", "\x0f\xf0");
  s.run("SET", "y", "\xff");
  assert.equal(s.run("BITOP", "XOR", "x", "x", "y", "x"), ":2\r\n");
  assert.equal(s.run("GET", "x"), "$2\r\n\xff\x00\r\n");
  assert.equal(s.run("GET", "y"), "$1\r\n\xff\r\n");
});

Deno.test("bitmap: offsets past proto-max-bulk-len are refused, but not while loading", () => {
  const s = inProcess({ config: { "proto-max-bulk-len": "1mb" } });
  const limit = String(8 * 1024 * 1024);
  const error = "-ERR bit offset is not an integer or out of range\r\n";
  assert.equal(s.run("SETBIT", "k", limit, "1"), error);
  assert.equal(s.run("GETBIT", "k", limit), error);
  assert.equal(s.run("BITFIELD", "k", "GET", "u8", "#1048576"), error);
  assert.equal(
    s.run("SETBIT", "k", String(8 * 1024 * 1024 - 1), "1"),
    ":0\r\n",
  );
  // The AOF loader must replay what the server once accepted.
  s.server.loading = true;
  try {
    assert.equal(s.run("SETBIT", "k", limit, "1"), ":0\r\n");
  } finally {
    s.server.loading = false;
  }
  assert.equal(s.run("STRLEN", "k"), `:${1024 * 1024 + 1}\r\n`);
});
