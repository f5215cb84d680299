/**
 * INFO against redis-server: the fields of each section that is complete
 * here, by name and order (their values differ by nature).
 */

import assert from "node:assert/strict";
import { differentialTest } from "../helpers/differential.ts";

/** The field names of an INFO reply, in order. */
function fieldNames(info: string): string[] {
  return info.split("\r\n")
    .filter((line) =>
      line !== "" && !line.startsWith("#") && line.includes(":")
    )
    .map((line) => line.slice(0, line.indexOf(":")));
}

differentialTest(
  "differential: INFO clients has every field of Redis 7.0, in its order",
  async (pair) => {
    const [ours, theirs] = await pair.both(["INFO", "clients"]);
    assert.deepEqual(fieldNames(ours), fieldNames(theirs));
  },
);

differentialTest(
  "differential: INFO memory has every field of Redis 7.0, in its order",
  async (pair) => {
    const [ours, theirs] = await pair.both(["INFO", "memory"]);
    assert.deepEqual(fieldNames(ours), fieldNames(theirs));
    const value = (name: string) =>
      new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(ours)![1];
    // Ratios and sizes that tools read must be numbers that add up.
    assert.match(value("mem_fragmentation_ratio"), /^\d+\.\d\d$/);
    const used = Number(value("used_memory"));
    assert.equal(
      Number(value("used_memory_overhead")) +
        Number(value("used_memory_dataset")),
      used,
    );
    assert.ok(Number(value("used_memory_startup")) <= used);
    assert.ok(Number(value("used_memory_rss")) > 0);
  },
);
