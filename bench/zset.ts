/**
 * The sorted set suite: ZADD, ZPOPMIN, ZRANGE by rank and by score, ZRANK
 * and GEOSEARCH through redis-benchmark, on keys filled beforehand so the
 * reads and pops work on a large set (bench/zset_scaling.ts checks how the
 * costs grow from a thousand to a million members).
 *
 * @module
 */

import type { BenchSuite } from "./suite.ts";

/** Members put in the key before the read and pop tests. */
const FILL = 200_000;
/** Members added per command while filling. */
const CHUNK = 10_000;

/** Commands that replace `key` with `count` members scored 0..count-1. */
function fill(key: string, count: number): (readonly string[])[] {
  const setup: string[][] = [["DEL", key]];
  for (let i = 0; i < count; i += CHUNK) {
    const args = ["ZADD", key];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) {
      args.push(String(j), `m${j}`);
    }
    setup.push(args);
  }
  return setup;
}

/** Commands that fill a geo set with points spread over southern Italy. */
function fillGeo(key: string, count: number): (readonly string[])[] {
  const setup: string[][] = [["DEL", key]];
  for (let i = 0; i < count; i += CHUNK) {
    const args = ["GEOADD", key];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) {
      const lon = 12 + (j % 1000) * 0.004;
      const lat = 37 + Math.floor(j / 1000) * 0.004;
      args.push(lon.toFixed(6), lat.toFixed(6), `p${j}`);
    }
    setup.push(args);
  }
  return setup;
}

/** Sorted set and geo commands. */
export const ZSET_SUITE: BenchSuite = {
  name: "zset",
  cases: [
    {
      label: "ZADD",
      // Valid with or without -r (which makes every member new).
      args: ["ZADD", "bench:zadd", "1", "m:__rand_int__"],
      setup: [["DEL", "bench:zadd"]],
    },
    {
      label: "ZPOPMIN",
      args: ["ZPOPMIN", "bench:z"],
      setup: fill("bench:z", FILL),
    },
    {
      label: "ZRANGE_RANK_10",
      args: ["ZRANGE", "bench:z", "100000", "100009"],
      setup: fill("bench:z", FILL),
    },
    {
      label: "ZRANGE_SCORE_10",
      args: [
        "ZRANGE",
        "bench:z",
        "(150000",
        "+inf",
        "BYSCORE",
        "LIMIT",
        "0",
        "10",
      ],
      setup: fill("bench:z", FILL),
    },
    {
      label: "ZRANK",
      args: ["ZRANK", "bench:z", "m123456"],
      setup: fill("bench:z", FILL),
    },
    {
      label: "GEOSEARCH_1KM",
      args: [
        "GEOSEARCH",
        "bench:geo",
        "FROMLONLAT",
        "13",
        "37.4",
        "BYRADIUS",
        "1",
        "km",
        "COUNT",
        "10",
      ],
      setup: fillGeo("bench:geo", FILL),
    },
  ],
};
