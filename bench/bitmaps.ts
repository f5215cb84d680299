/**
 * The bitmaps suite: bit commands on a 1 MB bitmap. Offsets are fixed:
 * redis-benchmark writes `__rand_int__` as 12 zero-padded digits, which a
 * bit offset (string2ll) refuses.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

const KEY = "bench:bitmap";
/** The last bit of a 1 MB value. */
const LAST_BIT = String(8 * 1024 * 1024 - 1);

/** A 1 MB bitmap of zeros with its last bit set. */
const SETUP: readonly (readonly string[])[] = [
  ["DEL", KEY],
  ["SETBIT", KEY, LAST_BIT, "1"],
];

/**
 * SETBIT, GETBIT, BITCOUNT (whole and a BIT range), BITPOS (which scans
 * the whole megabyte to the last bit) and BITFIELD INCRBY, which changes
 * the value every time.
 */
export const BITMAPS_SUITE: BenchSuite = {
  name: "bitmaps",
  cases: [
    {
      label: "SETBIT (1 MB)",
      args: ["SETBIT", KEY, "4194304", "1"],
      setup: SETUP,
    },
    {
      label: "GETBIT (1 MB)",
      args: ["GETBIT", KEY, "4194304"],
      setup: SETUP,
    },
    { label: "BITCOUNT (1 MB)", args: ["BITCOUNT", KEY], setup: SETUP },
    {
      label: "BITCOUNT BIT range",
      args: ["BITCOUNT", KEY, "3", "8388600", "BIT"],
      setup: SETUP,
    },
    { label: "BITPOS 1 (1 MB)", args: ["BITPOS", KEY, "1"], setup: SETUP },
    {
      label: "BITFIELD INCRBY",
      args: ["BITFIELD", KEY, "INCRBY", "u8", "#1000", "1"],
      setup: SETUP,
    },
  ],
};
