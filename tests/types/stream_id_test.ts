import assert from "node:assert/strict";
import {
  compareIds,
  formatId,
  MAX_ID,
  MIN_ID,
  nextId,
  parseId,
  parseUint64,
  previousId,
  UINT64_MAX,
} from "../../lib/types/stream_id.ts";
import { utf8 } from "../helpers/bytes.ts";

Deno.test("parseUint64: canonical numbers and strtoull fallbacks", () => {
  assert.equal(parseUint64("0"), 0n);
  assert.equal(parseUint64("18446744073709551615"), UINT64_MAX);
  assert.equal(parseUint64("18446744073709551616"), null);
  assert.equal(parseUint64("-1"), null);
  // strtoull accepts what string2ll rejects: leading zeros, blanks, signs.
  assert.equal(parseUint64("007"), 7n);
  assert.equal(parseUint64(" 7"), 7n);
  assert.equal(parseUint64("+7"), 7n);
  assert.equal(parseUint64("-01"), UINT64_MAX);
  assert.equal(parseUint64(""), null);
  assert.equal(parseUint64("7 "), null);
  assert.equal(parseUint64("x"), null);
});

Deno.test("parseId: forms, specials, strictness and missing sequence", () => {
  assert.deepEqual(parseId(utf8("5-3")), {
    id: { ms: 5n, seq: 3n },
    seqGiven: true,
  });
  assert.deepEqual(parseId(utf8("5"), { missingSeq: UINT64_MAX })?.id, {
    ms: 5n,
    seq: UINT64_MAX,
  });
  assert.deepEqual(parseId(utf8("-"))?.id, MIN_ID);
  assert.deepEqual(parseId(utf8("+"))?.id, MAX_ID);
  assert.equal(parseId(utf8("-"), { strict: true }), null);
  assert.equal(parseId(utf8("5-*")), null);
  assert.deepEqual(parseId(utf8("5-*"), { allowSeqStar: true }), {
    id: { ms: 5n, seq: 0n },
    seqGiven: false,
  });
  assert.equal(parseId(utf8("5-3-1")), null);
  assert.equal(parseId(utf8("a-1")), null);
  assert.equal(parseId(utf8("1".repeat(128))), null);
  // A NUL ends the ID, as in C.
  assert.deepEqual(parseId(new Uint8Array([0x37, 0, 0x78]))?.id, {
    ms: 7n,
    seq: 0n,
  });
  // Values above 2^53 stay exact.
  assert.equal(
    formatId(parseId(utf8("9007199254740993-18446744073709551615"))!.id),
    "9007199254740993-18446744073709551615",
  );
});

Deno.test("IDs: ordering, successor and predecessor at the edges", () => {
  assert.ok(compareIds({ ms: 1n, seq: 9n }, { ms: 2n, seq: 0n }) < 0);
  assert.ok(compareIds({ ms: 2n, seq: 1n }, { ms: 2n, seq: 0n }) > 0);
  assert.equal(compareIds(MAX_ID, MAX_ID), 0);
  assert.deepEqual(nextId({ ms: 1n, seq: UINT64_MAX }), { ms: 2n, seq: 0n });
  assert.equal(nextId(MAX_ID), null);
  assert.deepEqual(previousId({ ms: 2n, seq: 0n }), {
    ms: 1n,
    seq: UINT64_MAX,
  });
  assert.equal(previousId(MIN_ID), null);
});
