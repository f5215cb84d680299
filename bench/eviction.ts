/**
 * The eviction suite: SET of random keys into a server held at 32 MB by
 * maxmemory with allkeys-lru. An unmeasured run of 600k SETs fills the
 * keyspace first (32 MB holds about 170k of these keys in ours and 300k
 * in Redis), so that the measured writes of new keys each evict one.
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
      warmupRequests: 600_000,
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
