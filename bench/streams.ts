/**
 * The streams suite: XADD throughput with generated IDs, and XRANGE reading
 * ten entries from a stream filled beforehand.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** Entries put in the stream XRANGE reads. */
const PREFILL = 1000;

/** XADD and XRANGE ... COUNT 10 through redis-benchmark. */
export const STREAMS_SUITE: BenchSuite = {
  name: "streams",
  cases: [
    {
      label: "XADD (auto ID, 2 fields)",
      args: ["XADD", "bench:xadd", "*", "name", "reading", "value", "42"],
      setup: [["DEL", "bench:xadd"]],
    },
    {
      label: "XRANGE (COUNT 10)",
      args: ["XRANGE", "bench:xrange", "-", "+", "COUNT", "10"],
      setup: [
        ["DEL", "bench:xrange"],
        ...Array.from(
          { length: PREFILL },
          (
            _,
            i,
          ) => ["XADD", "bench:xrange", `${i + 1}-0`, "name", "r", "n", `${i}`],
        ),
      ],
    },
  ],
};
