/**
 * The per-command latency histogram reports the values Redis's HDR
 * histogram (1 ns to 1 s, two significant digits) reports for the same
 * durations; the expected numbers were read from redis-server 7.0.15.
 */

import assert from "node:assert/strict";
import { LatencyHistogram } from "../../lib/server/latency_histogram.ts";

function histogramOf(...micros: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const us of micros) histogram.record(us * 1000);
  return histogram;
}

Deno.test("percentiles are the top of the value's counter", () => {
  // INFO latencystats of redis-server after calls of 8, 34 and 5 µs.
  assert.equal(histogramOf(8).valueAtPercentile(50), 8031);
  assert.equal(histogramOf(34).valueAtPercentile(50), 34047);
  assert.equal(histogramOf(5).valueAtPercentile(99.9), 5023);
  assert.equal(histogramOf(3964).valueAtPercentile(50), 3964927);
  // Below 256 ns each value has its own counter.
  assert.equal(histogramOf(0).valueAtPercentile(50), 1);
});

Deno.test("percentiles pick the value by rank", () => {
  const histogram = histogramOf(8, 8, 10);
  assert.equal(histogram.valueAtPercentile(50), 8031);
  assert.equal(histogram.valueAtPercentile(99), 10047);
  assert.equal(histogram.valueAtPercentile(0), 8000);
  assert.equal(histogram.valueAtPercentile(100), 10047);
  assert.equal(histogram.count, 3);
});

Deno.test("durations beyond a second count as one second", () => {
  const histogram = histogramOf(5_000_000);
  assert.equal(histogram.valueAtPercentile(50), 1_002_438_655);
});

Deno.test("cumulative buckets double from 1024 ns and skip empty ones", () => {
  // LATENCY HISTOGRAM set of redis-server after calls of 8, 8 and 10 µs.
  assert.deepEqual(histogramOf(8, 8, 10).cumulativeBuckets(), [[8, 2], [
    16,
    3,
  ]]);
  assert.deepEqual(histogramOf(34).cumulativeBuckets(), [[66, 1]]);
  // Everything up to 1024 ns shares the first bucket.
  assert.deepEqual(histogramOf(0, 1, 4227).cumulativeBuckets(), [
    [1, 2],
    [4227, 3],
  ]);
});

Deno.test("durations above 2^29 ns are in no bucket, as in Redis", () => {
  assert.deepEqual(histogramOf(2, 900_000).cumulativeBuckets(), [[2, 1]]);
});
