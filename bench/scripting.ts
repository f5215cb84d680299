/**
 * The scripting suite: EVALSHA and EVAL of a script that increments a key
 * through redis.call (the per-call cost of running a script), and FCALL of
 * the same as a function.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

const INCR_SCRIPT = "return redis.call('INCR', KEYS[1])";
/** SHA1 of INCR_SCRIPT, as SCRIPT LOAD returns it. */
const INCR_SHA = "61636018f4e6b5817b89791bbed242f93fa089e3";
const INCR_LIBRARY = "#!lua name=benchlib\n" +
  "redis.register_function('bench_incr', function(keys) return redis.call('INCR', keys[1]) end)";

/** Scripts and functions. */
export const SCRIPTING_SUITE: BenchSuite = {
  name: "scripting",
  cases: [
    {
      label: "EVALSHA (INCR)",
      args: ["EVALSHA", INCR_SHA, "1", "bench:script"],
      setup: [["SCRIPT", "LOAD", INCR_SCRIPT]],
    },
    {
      label: "EVAL (INCR)",
      args: ["EVAL", INCR_SCRIPT, "1", "bench:script"],
    },
    {
      label: "FCALL (INCR)",
      args: ["FCALL", "bench_incr", "1", "bench:script"],
      setup: [["FUNCTION", "LOAD", "REPLACE", INCR_LIBRARY]],
    },
  ],
};
