/**
 * Every benchmark suite `deno task bench` knows. To add one, write a file
 * under bench/ exporting a BenchSuite and add it to this list.
 *
 * @module
 */

import { CORE_SUITE } from "./core.ts";
import { COLLECTIONS_SUITE } from "./collections.ts";
import { ZSET_SUITE } from "./zset.ts";
import { PUBSUB_SUITE } from "./pubsub.ts";
import { STREAMS_SUITE } from "./streams.ts";
import { HYPERLOGLOG_SUITE } from "./hyperloglog.ts";
import { BITMAPS_SUITE } from "./bitmaps.ts";
import { SCRIPTING_SUITE } from "./scripting.ts";
import { EVICTION_SUITE } from "./eviction.ts";
import type { BenchSuite } from "./suite.ts";

/** All suites, in the order they run. */
export const SUITES: readonly BenchSuite[] = [
  CORE_SUITE,
  COLLECTIONS_SUITE,
  ZSET_SUITE,
  PUBSUB_SUITE,
  STREAMS_SUITE,
  HYPERLOGLOG_SUITE,
  BITMAPS_SUITE,
  SCRIPTING_SUITE,
  EVICTION_SUITE,
];
