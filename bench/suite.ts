/**
 * The shape of a benchmark suite. A suite is a named list of cases; each case
 * is one redis-benchmark run, either of built-in tests (`-t`) or of a custom
 * command line. To add a suite, create a file under bench/ that exports a
 * {@linkcode BenchSuite} and add it to the list in bench/suites.ts.
 *
 * @module
 */

/** One redis-benchmark run. */
export interface BenchCase {
  /** Label printed in the result table, e.g. "SET" or "LPUSH". */
  readonly label: string;
  /**
   * Arguments naming what to run: either `["-t", "set"]` for a built-in test
   * or a command line such as `["LPUSH", "bench:list", "__rand_int__"]`
   * (redis-benchmark replaces `__rand_int__` with a random number when `-r`
   * is given).
   */
  readonly args: readonly string[];
  /**
   * Command lines run once against each server before the case, to prepare
   * data (e.g. fill a list that LPOP then drains).
   */
  readonly setup?: readonly (readonly string[])[];
  /**
   * Requests of the same benchmark run unmeasured (at `-P 16`) after
   * `setup` and before each measured run, to start from a steady state:
   * a keyspace already full, so that every write evicts.
   */
  readonly warmupRequests?: number;
  /** Command lines run after the case, to undo what `setup` changed. */
  readonly teardown?: readonly (readonly string[])[];
  /**
   * Whether bench/ceiling.ts can run this case (PING, SET, GET, INCR, MSET
   * only): if so, `deno task bench` runs it there too, as the ceiling.
   */
  readonly ceiling?: boolean;
}

/** A named group of benchmark cases. */
export interface BenchSuite {
  /** Name used by `deno task bench --suite <name>`. */
  readonly name: string;
  /** The cases, run in order. */
  readonly cases: readonly BenchCase[];
}
