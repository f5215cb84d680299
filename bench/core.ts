/**
 * The core suite: the redis-benchmark built-ins the server core is judged by.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/**
 * PING, SET, GET, INCR and MSET through redis-benchmark's own tests, all
 * also run against the ceiling server.
 */
export const CORE_SUITE: BenchSuite = {
  name: "core",
  cases: [
    { label: "PING", args: ["-t", "ping_mbulk"], ceiling: true },
    { label: "SET", args: ["-t", "set"], ceiling: true },
    { label: "GET", args: ["-t", "get"], ceiling: true },
    { label: "INCR", args: ["-t", "incr"], ceiling: true },
    { label: "MSET (10 keys)", args: ["-t", "mset"], ceiling: true },
  ],
};
