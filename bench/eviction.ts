/**
 * The eviction suite: SET of random keys into a server held at 32 MB by
 * maxmemory with allkeys-lru, so that every few writes evict a key.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** SET over a million random keys under maxmemory 32mb, allkeys-lru. */
export const EVICTION_SUITE: BenchSuite = {
  name: "eviction",
  cases: [
    {
      label: "SET, evicting (allkeys-lru, 32mb)",
      args: ["-r", "1000000", "-t", "set"],
      setup: [
        ["FLUSHALL"],
        ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
        ["CONFIG", "SET", "maxmemory", "32mb"],
      ],
      teardown: [
        ["CONFIG", "SET", "maxmemory", "0"],
        ["CONFIG", "SET", "maxmemory-policy", "noeviction"],
        ["FLUSHALL"],
      ],
    },
  ],
};
