/**
 * The core suite: the redis-benchmark built-ins the server core is judged by.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** PING, SET, GET, INCR and MSET through redis-benchmark's own tests. */
export const CORE_SUITE: BenchSuite = {
  name: "core",
  cases: [
    { label: "PING", args: ["-t", "ping_mbulk"] },
    { label: "SET", args: ["-t", "set"] },
    { label: "GET", args: ["-t", "get"] },
    { label: "INCR", args: ["-t", "incr"] },
    { label: "MSET (10 keys)", args: ["-t", "mset"] },
  ],
};
