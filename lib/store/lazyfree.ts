/**
 * Lazy freeing as INFO reports it. Redis frees a large value in a
 * background thread (UNLINK, FLUSHALL ASYNC, the lazyfree-lazy-* options)
 * and counts it in lazyfreed_objects. Here dropping the reference is all
 * freeing takes (the collector reclaims the memory later, off the command
 * path), so nothing waits; what is kept is Redis's decision of which
 * values count as freed lazily: those whose free effort exceeds 64.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { Entry } from "./database.ts";
import { valueTypeOps } from "./value_types.ts";

/** Redis's LAZYFREE_THRESHOLD. */
export const LAZYFREE_THRESHOLD = 64;

/** Elements of list values sampled to estimate their quicklist nodes. */
const LIST_SAMPLES = 8;

/** Values with a `size` (sets, hashes, sorted sets). */
interface Sized {
  readonly size: number;
}

/** The list operations the estimate needs. */
interface ListLike {
  readonly length: number;
  at(index: number): Uint8Array;
}

/** The stream fields the estimate needs. */
interface StreamLike {
  readonly radixTreeNodes: number;
  readonly groups: ReadonlyMap<string, { readonly pel: Sized }>;
}

/**
 * Quicklist nodes of a list, estimated from a few elements' sizes and the
 * list-max-listpack-size fill (elements per node, or a byte limit).
 */
function listNodes(list: ListLike, config: Config): number {
  const fill = config.number("list-max-listpack-size");
  let perNode: number;
  if (fill > 0) perNode = fill;
  else {
    const limit = 4096 << Math.min(4, -fill - 1);
    const samples = Math.min(LIST_SAMPLES, list.length);
    let bytes = 0;
    for (let i = 0; i < samples; i++) bytes += list.at(i).length + 2;
    perNode = Math.max(1, Math.floor(limit / (bytes / samples)));
  }
  return Math.ceil(list.length / perNode);
}

/**
 * Redis's lazyfreeGetFreeEffort: the allocations freeing `entry` takes.
 * One for strings and compact encodings; the elements of hash tables and
 * skip lists; the quicklist nodes of lists; for streams the radix tree's
 * nodes plus, per consumer group, one and the first group's PEL size.
 */
export function freeEffort(entry: Entry, config: Config): number {
  const value = entry.value;
  switch (entry.type) {
    case "string":
      return 1;
    case "list":
      return listNodes(value as ListLike, config);
    case "stream": {
      const stream = value as StreamLike;
      let effort = stream.radixTreeNodes;
      const first = stream.groups.values().next();
      if (!first.done) {
        effort += stream.groups.size * (1 + first.value.pel.size);
      }
      return effort;
    }
    default: {
      const encoding = valueTypeOps(entry.type).encoding(
        value,
        config,
        entry.flags,
      );
      return encoding === "hashtable" || encoding === "skiplist"
        ? (value as Sized).size
        : 1;
    }
  }
}

/** Whether Redis would free `entry` in the background when asked to. */
export function freedLazily(entry: Entry, config: Config): boolean {
  return freeEffort(entry, config) > LAZYFREE_THRESHOLD;
}
