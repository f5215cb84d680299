/**
 * The HyperLogLog suite: PFADD into one key, PFCOUNT of one key (the cached
 * cardinality) and of several dense keys (a merge and an estimate each
 * time), and PFMERGE of those keys.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** Elements put in each key counted or merged. */
const FILL = 100_000;
/** Elements added per command while filling. */
const CHUNK = 10_000;
/** The keys PFCOUNT and PFMERGE read. */
const KEYS = ["bench:hll:1", "bench:hll:2", "bench:hll:3"];

/** Commands that replace each of KEYS with FILL elements of its own. */
function fill(): (readonly string[])[] {
  const setup: string[][] = [["DEL", ...KEYS]];
  for (const [k, key] of KEYS.entries()) {
    for (let i = 0; i < FILL; i += CHUNK) {
      const args = ["PFADD", key];
      for (let j = i; j < i + CHUNK; j++) args.push(`k${k}:e${j}`);
      setup.push(args);
    }
  }
  return setup;
}

/** HyperLogLog commands. */
export const HYPERLOGLOG_SUITE: BenchSuite = {
  name: "hyperloglog",
  cases: [
    {
      label: "PFADD",
      // Valid with or without -r (which makes most elements new).
      args: ["PFADD", "bench:pfadd", "e:__rand_int__"],
      setup: [["DEL", "bench:pfadd"]],
    },
    {
      label: "PFADD (10 elements)",
      args: [
        "PFADD",
        "bench:pfadd10",
        ...Array.from({ length: 10 }, (_, i) => `e${i}:__rand_int__`),
      ],
      setup: [["DEL", "bench:pfadd10"]],
    },
    {
      label: "PFCOUNT (1 key, cached)",
      args: ["PFCOUNT", KEYS[0]],
      setup: fill(),
    },
    {
      label: "PFCOUNT (3 dense keys)",
      args: ["PFCOUNT", ...KEYS],
      setup: fill(),
    },
    {
      label: "PFMERGE (3 dense keys)",
      args: ["PFMERGE", "bench:hll:merged", ...KEYS],
      setup: fill(),
    },
  ],
};
