/**
 * The collections suite: redis-benchmark's list, set and hash tests. The
 * pop tests start from a filled key so that they measure real pops rather
 * than replies to an empty key.
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** Elements put in a key before a pop test: more than the default -n. */
const FILL = 150_000;
/** Elements added per command while filling. */
const CHUNK = 10_000;

/** Commands that replace `key` with `count` elements added by `command`. */
function fill(
  command: string,
  key: string,
  count: number,
): (readonly string[])[] {
  const setup: string[][] = [["DEL", key]];
  for (let i = 0; i < count; i += CHUNK) {
    const args = [command, key];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) args.push(`e${j}`);
    setup.push(args);
  }
  return setup;
}

/**
 * LPUSH, RPUSH, LPOP, RPOP, LRANGE of 100 and 600 elements, SADD, SPOP and
 * HSET, as redis-benchmark's own tests run them.
 */
export const COLLECTIONS_SUITE: BenchSuite = {
  name: "collections",
  cases: [
    { label: "LPUSH", args: ["-t", "lpush"] },
    { label: "RPUSH", args: ["-t", "rpush"] },
    {
      label: "LPOP",
      args: ["-t", "lpop"],
      setup: fill("RPUSH", "mylist", FILL),
    },
    {
      label: "RPOP",
      args: ["-t", "rpop"],
      setup: fill("RPUSH", "mylist", FILL),
    },
    {
      // redis-benchmark's lrange tests print the LPUSH that fills the list
      // first; the same LRANGE as a command line reports only itself.
      label: "LRANGE_100",
      args: ["LRANGE", "mylist", "0", "99"],
      setup: fill("RPUSH", "mylist", 600),
    },
    {
      label: "LRANGE_600",
      args: ["LRANGE", "mylist", "0", "599"],
      setup: fill("RPUSH", "mylist", 600),
    },
    { label: "SADD", args: ["-t", "sadd"] },
    { label: "SPOP", args: ["-t", "spop"], setup: fill("SADD", "myset", FILL) },
    { label: "HSET", args: ["-t", "hset"] },
  ],
};
