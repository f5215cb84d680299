/**
 * Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM).
 *
 * Redis records each call's duration in an HDR histogram tracking 1 ns to
 * 1 s with two significant digits. This is the same bucket layout, so the
 * percentiles and cumulative buckets reported are the values Redis would
 * report for the same durations: values below 256 ns have their own
 * counter, and above that each power of two is split into 128 counters.
 *
 * @module
 */

/** The smallest and largest values tracked, in nanoseconds. */
const LOWEST_NS = 1;
const HIGHEST_NS = 1_000_000_000;
/** 2^8 counters cover two significant digits (200) at unit resolution. */
const SUB_BUCKET_BITS = 8;
const SUB_BUCKET_HALF_BITS = SUB_BUCKET_BITS - 1;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_BITS;
const SUB_BUCKET_MASK = (1 << SUB_BUCKET_BITS) - 1;
/** Power-of-two buckets needed to reach HIGHEST_NS from 256 ns. */
const BUCKETS = 23;
const COUNTS_LENGTH = (BUCKETS + 1) * SUB_BUCKET_HALF;
/** LATENCY HISTOGRAM's buckets: 1024 ns, then each power of two above. */
const FIRST_REPORTED_NS = 1024;

function bucketOf(value: number): number {
  return 32 - Math.clz32(value | SUB_BUCKET_MASK) - SUB_BUCKET_BITS;
}

function indexOf(value: number): number {
  const bucket = bucketOf(value);
  const sub = value >>> bucket;
  return ((bucket + 1) << SUB_BUCKET_HALF_BITS) + sub - SUB_BUCKET_HALF;
}

function valueAt(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_BITS) - 1;
  let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** The largest value counted in the same counter as `value`. */
function highestEquivalent(value: number): number {
  const bucket = bucketOf(value);
  const lowest = (value >>> bucket) * 2 ** bucket;
  return lowest + 2 ** bucket - 1;
}

/** A latency histogram of one command. */
export class LatencyHistogram {
  readonly #counts = new Float64Array(COUNTS_LENGTH);
  /** Values recorded. */
  count = 0;

  /** Records a duration in nanoseconds, clamped to what is tracked. */
  record(nanoseconds: number): void {
    const value = nanoseconds < LOWEST_NS
      ? LOWEST_NS
      : nanoseconds > HIGHEST_NS
      ? HIGHEST_NS
      : Math.floor(nanoseconds);
    this.#counts[indexOf(value)]++;
    this.count++;
  }

  /**
   * The value (ns) at or below which `percentile` percent of the recorded
   * values lie: the top of that value's counter, or its bottom for 0.
   */
  valueAtPercentile(percentile: number): number {
    const share = Math.min(percentile, 100) / 100;
    const wanted = Math.max(1, Math.floor(share * this.count + 0.5));
    const counts = this.#counts;
    let seen = 0;
    for (let index = 0; index < COUNTS_LENGTH; index++) {
      seen += counts[index];
      if (seen >= wanted) {
        const value = valueAt(index);
        return percentile === 0 ? value : highestEquivalent(value);
      }
    }
    return 0;
  }

  /**
   * LATENCY HISTOGRAM's cumulative distribution: for 1024 ns and each power
   * of two above it that adds values, the bucket's top in whole
   * microseconds and how many values lie at or below it.
   */
  cumulativeBuckets(): [number, number][] {
    const counts = this.#counts;
    const buckets: [number, number][] = [];
    let seen = 0;
    let index = 0;
    for (let level = FIRST_REPORTED_NS; seen < this.count; level *= 2) {
      const last = indexOf(level);
      // Like Redis's iterator, the level past the last counter is not shown.
      if (last >= COUNTS_LENGTH) break;
      const before = seen;
      for (; index <= last; index++) seen += counts[index];
      if (seen > before) {
        buckets.push([Math.floor(highestEquivalent(level) / 1000), seen]);
      }
    }
    return buckets;
  }
}
