/**
 * The hash table under a database: string keys to items, chained through
 * typed arrays instead of a `Map`, so a key costs a few bytes of typed
 * array and two array slots (its key and its item) rather than a map entry
 * and order bookkeeping. Each key also has a 32-bit tag of its own for the
 * caller (the database keeps a plain string value's access clock there). As in Redis's dict, the table grows and shrinks by
 * incremental rehashing (no lookup waits for a whole table to be copied)
 * and SCAN walks buckets with a reverse-binary cursor, which returns every
 * key present for the whole scan even while the table is resized.
 *
 * @module
 */

/** Buckets of a new or emptied table. */
const INITIAL_BUCKETS = 4;
/** Bucket chains moved per table operation while a rehash is running. */
const REHASH_STEP = 1;
/** Empty buckets skipped per chain moved, as Redis bounds a rehash step. */
const EMPTY_VISITS_PER_STEP = 10;

/** Per-process seed, so that clients cannot choose colliding keys. */
const SEED = crypto.getRandomValues(new Uint32Array(1))[0] | 0;

/** The 32-bit hash of a binary string key (one char per byte). */
export function hashKey(key: string): number {
  let h = SEED ^ key.length;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The bits of a 32-bit number in reverse order (SCAN's cursor order). */
export function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * A chained hash table from keys to items. Items live in numbered nodes
 * (1-based; 0 means none): the key, the item, the tag, the key's hash and
 * the next node of its bucket's chain. Freed nodes are reused before new
 * ones are added. A node number stays valid until the next change of the
 * table (set, delete, compact).
 */
export class KeyTable<T> {
  #keys: (string | undefined)[] = [undefined];
  #items: (T | undefined)[] = [undefined];
  #tags = new Int32Array(INITIAL_BUCKETS + 1);
  #hashes = new Int32Array(INITIAL_BUCKETS + 1);
  #next = new Int32Array(INITIAL_BUCKETS + 1);
  /** Nodes handed out so far (the highest node number). */
  #used = 0;
  /** First node of the free list (chained through #next). */
  #free = 0;
  #size = 0;
  /** Chain heads; while rehashing, #old holds the table being emptied. */
  #buckets = new Int32Array(INITIAL_BUCKETS);
  #old: Int32Array<ArrayBuffer> | null = null;
  /** Next bucket of #old to move. */
  #rehashIndex = 0;
  /**
   * The last key found and its node: a command that looks its key up
   * again (SET re-accounting its memory after writing) skips the probe.
   * Cleared whenever a node is freed or nodes are renumbered.
   */
  #lastKey: string | null = null;
  #lastNode = 0;
  /**
   * The last key looked up and not found, or deleted, and its hash: finding
   * it again costs no probe, and storing it (SET of a new key) neither
   * hashes nor probes again. Only storing that key makes it present, so
   * only that clears it.
   */
  #missingKey: string | null = null;
  #missingHash = 0;
  /** Number of items. */
  get size(): number {
    return this.#size;
  }

  /** Buckets of the main table (and of the one being emptied, if any). */
  get bucketCount(): number {
    return this.#buckets.length + (this.#old?.length ?? 0);
  }

  /** The item stored under `key`; `hint` as for {@linkcode find}. */
  get(key: string, hint = 0): T | undefined {
    return this.#items[this.find(key, hint)];
  }

  /**
   * The node of `key`, 0 when it is not in the table. A `hint` is a node
   * where the key may be (one sampled earlier): a hit there costs no probe.
   */
  find(key: string, hint = 0): number {
    if (key === this.#lastKey) return this.#lastNode;
    if (hint !== 0 && this.#keys[hint] === key) {
      this.#lastKey = key;
      this.#lastNode = hint;
      return hint;
    }
    if (this.#size === 0 || key === this.#missingKey) return 0;
    if (this.#old !== null) this.#rehashStep(REHASH_STEP);
    const hash = hashKey(key);
    const node = this.#find(key, hash);
    if (node === 0) {
      this.#missingKey = key;
      this.#missingHash = hash;
      return 0;
    }
    this.#lastKey = key;
    this.#lastNode = node;
    return node;
  }

  /** The key of node `node`. */
  keyAt(node: number): string {
    return this.#keys[node]!;
  }

  /** The item of node `node`. */
  itemAt(node: number): T {
    return this.#items[node]!;
  }

  /** Replaces the item of node `node`, keeping its key and tag. */
  setItemAt(node: number, item: T): void {
    this.#items[node] = item;
  }

  /** The tag of node `node` (0 for a new node). */
  tagAt(node: number): number {
    return this.#tags[node];
  }

  /** Sets the tag of node `node`. */
  setTagAt(node: number, tag: number): void {
    this.#tags[node] = tag;
  }

  /**
   * Stores `item` under `key`; returns the item it replaced, if any. A
   * replaced item's node (and tag) is kept; a new node's tag is 0.
   */
  set(key: string, item: T): T | undefined {
    if (key === this.#lastKey) {
      const old = this.#items[this.#lastNode];
      this.#items[this.#lastNode] = item;
      return old;
    }
    if (this.#old !== null) this.#rehashStep(REHASH_STEP);
    let hash: number;
    let found = 0;
    if (key === this.#missingKey) {
      hash = this.#missingHash;
      this.#missingKey = null;
    } else {
      hash = hashKey(key);
      found = this.#find(key, hash);
    }
    if (found !== 0) {
      const old = this.#items[found];
      this.#items[found] = item;
      this.#lastKey = key;
      this.#lastNode = found;
      return old;
    }
    const node = this.#allocate();
    this.#keys[node] = key;
    this.#items[node] = item;
    this.#tags[node] = 0;
    this.#lastKey = key;
    this.#lastNode = node;
    this.#hashes[node] = hash;
    const buckets = this.#buckets;
    const bucket = hash & (buckets.length - 1);
    this.#next[node] = buckets[bucket];
    buckets[bucket] = node;
    this.#size++;
    if (this.#old === null && this.#size > buckets.length) {
      this.#startRehash(buckets.length * 2);
    }
    return undefined;
  }

  /** Removes the item stored under `key`; returns it, if there was one. */
  delete(key: string): T | undefined {
    if (this.#size === 0) return undefined;
    if (this.#old !== null) this.#rehashStep(REHASH_STEP);
    // A key just found (a command's lookup, an eviction's check) has its
    // hash stored with it.
    const hash = key === this.#lastKey
      ? this.#hashes[this.#lastNode]
      : hashKey(key);
    this.#lastKey = null;
    const keys = this.#keys;
    const next = this.#next;
    for (let t = 0; t < 2; t++) {
      const buckets = t === 0 ? this.#buckets : this.#old;
      if (buckets === null) break;
      const bucket = hash & (buckets.length - 1);
      let previous = 0;
      for (let node = buckets[bucket]; node !== 0; node = next[node]) {
        if (this.#hashes[node] === hash && keys[node] === key) {
          if (previous === 0) buckets[bucket] = next[node];
          else next[previous] = next[node];
          const item = this.#items[node];
          keys[node] = undefined;
          this.#items[node] = undefined;
          next[node] = this.#free;
          this.#free = node;
          this.#size--;
          // What follows a deletion (re-accounting, WATCH) looks again.
          this.#missingKey = key;
          this.#missingHash = hash;
          return item;
        }
        previous = node;
      }
    }
    return undefined;
  }

  /** Removes every item. */
  clear(): void {
    this.#lastKey = null;
    this.#missingKey = null;
    this.#keys = [undefined];
    this.#items = [undefined];
    this.#tags = new Int32Array(INITIAL_BUCKETS + 1);
    this.#hashes = new Int32Array(INITIAL_BUCKETS + 1);
    this.#next = new Int32Array(INITIAL_BUCKETS + 1);
    this.#used = 0;
    this.#free = 0;
    this.#size = 0;
    this.#buckets = new Int32Array(INITIAL_BUCKETS);
    this.#old = null;
    this.#rehashIndex = 0;
  }

  /**
   * Every node in use, in node order. Nodes added during the iteration may
   * or may not be visited; removed ones are not.
   */
  *nodes(): IterableIterator<number> {
    for (let node = 1; node <= this.#used; node++) {
      if (this.#keys[node] !== undefined) yield node;
    }
  }

  /**
   * A uniformly random node, or 0 when empty. Expected O(1) while the
   * nodes are at least a quarter in use, which {@linkcode compact}
   * restores.
   */
  random(): number {
    if (this.#size === 0) return 0;
    const keys = this.#keys;
    const used = this.#used;
    while (true) {
      const node = 1 + Math.floor(Math.random() * used);
      if (keys[node] !== undefined) return node;
    }
  }

  /**
   * The first node in use after `node`, wrapping around to the first one,
   * or 0 when empty. From a {@linkcode random} node, a run of nodes whose
   * slots share cache lines: sampling many random keys costs a cache miss
   * for each, as Redis's dictGetSomeKeys spares by taking consecutive
   * buckets.
   */
  nextNode(node: number): number {
    if (this.#size === 0) return 0;
    const keys = this.#keys;
    const used = this.#used;
    do node = node >= used ? 1 : node + 1; while (keys[node] === undefined);
    return node;
  }

  /**
   * One step of a scan, as Redis's dictScan: the nodes of the bucket(s) at
   * `cursor` and following ones, until at least `count` nodes or
   * `count * 10` buckets, and the cursor to continue from (0 when done).
   */
  scan(cursor: number, count: number): { nodes: number[]; next: number } {
    const nodes: number[] = [];
    let v = cursor >>> 0;
    if (this.#size === 0) return { nodes, next: 0 };
    let visits = Math.max(1, count * 10);
    do {
      v = this.#scanBucket(v, nodes);
    } while (v !== 0 && --visits > 0 && nodes.length < count);
    return { nodes, next: v };
  }

  /**
   * Whether a scan that started at cursor 0 and has reached `cursor` has
   * returned `key` already (keys of buckets before the cursor in
   * reverse-binary order), whatever growth happened in between. A cursor
   * of 0 means not started: callers track a finished scan themselves.
   */
  scanned(key: string, cursor: number): boolean {
    return reverseBits(hashKey(key)) < reverseBits(cursor >>> 0);
  }

  /**
   * Background upkeep, run from the server's cron as Redis's
   * databasesCron does: advances a running rehash by up to `steps` chains,
   * and with `shrink` starts shrinking a table under 10% full and compacts
   * sparse nodes. A shrink may make a scan in progress return keys twice,
   * so it waits while snapshots scan the table.
   */
  maintain(options: { steps: number; shrink: boolean }): void {
    if (this.#old !== null) this.#rehashStep(options.steps);
    else if (options.shrink) this.#maybeShrink();
    if (options.shrink) this.compact();
  }

  /**
   * Renumbers the nodes densely when fewer than a quarter are in use, so
   * that {@linkcode random} stays O(1) after mass deletions. Must not run
   * while {@linkcode values} is being iterated.
   */
  compact(): void {
    if (this.#used <= 64 || this.#size * 4 >= this.#used) return;
    const live: number[] = [];
    for (let node = 1; node <= this.#used; node++) {
      if (this.#keys[node] !== undefined) live.push(node);
    }
    const keys = this.#keys;
    const items = this.#items;
    const tags = this.#tags;
    const hashes = this.#hashes;
    this.#lastKey = null;
    const bucketCount = this.#old !== null
      ? Math.max(this.#buckets.length, this.#old.length)
      : this.#buckets.length;
    this.#keys = [undefined];
    this.#items = [undefined];
    this.#tags = new Int32Array(live.length + 1);
    this.#hashes = new Int32Array(live.length + 1);
    this.#next = new Int32Array(live.length + 1);
    this.#used = 0;
    this.#free = 0;
    this.#old = null;
    this.#rehashIndex = 0;
    const buckets = new Int32Array(bucketCount);
    this.#buckets = buckets;
    for (const from of live) {
      const node = this.#allocate();
      this.#keys[node] = keys[from];
      this.#items[node] = items[from];
      this.#tags[node] = tags[from];
      const hash = hashes[from];
      this.#hashes[node] = hash;
      const bucket = hash & (bucketCount - 1);
      this.#next[node] = buckets[bucket];
      buckets[bucket] = node;
    }
  }

  #find(key: string, hash: number): number {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const next = this.#next;
    let buckets = this.#buckets;
    for (let node = buckets[hash & (buckets.length - 1)]; node !== 0;) {
      if (hashes[node] === hash && keys[node] === key) return node;
      node = next[node];
    }
    if (this.#old === null) return 0;
    buckets = this.#old;
    for (let node = buckets[hash & (buckets.length - 1)]; node !== 0;) {
      if (hashes[node] === hash && keys[node] === key) return node;
      node = next[node];
    }
    return 0;
  }

  #allocate(): number {
    if (this.#free !== 0) {
      const node = this.#free;
      this.#free = this.#next[node];
      return node;
    }
    const node = ++this.#used;
    if (node >= this.#hashes.length) {
      const capacity = this.#hashes.length * 2;
      this.#tags = grown(this.#tags, capacity);
      this.#hashes = grown(this.#hashes, capacity);
      this.#next = grown(this.#next, capacity);
    }
    this.#keys.push(undefined);
    this.#items.push(undefined);
    return node;
  }

  #maybeShrink(): void {
    const length = this.#buckets.length;
    if (
      this.#old === null && length > INITIAL_BUCKETS &&
      this.#size * 10 < length
    ) {
      let target = INITIAL_BUCKETS;
      while (target < this.#size) target *= 2;
      this.#startRehash(target);
    }
  }

  #startRehash(bucketCount: number): void {
    this.#old = this.#buckets;
    this.#buckets = new Int32Array(bucketCount);
    this.#rehashIndex = 0;
  }

  #rehashStep(chains: number): void {
    const old = this.#old!;
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    const next = this.#next;
    const hashes = this.#hashes;
    let emptyVisits = chains * EMPTY_VISITS_PER_STEP;
    while (chains > 0 && this.#rehashIndex < old.length) {
      let node = old[this.#rehashIndex];
      if (node === 0) {
        this.#rehashIndex++;
        if (--emptyVisits === 0) return;
        continue;
      }
      while (node !== 0) {
        const following = next[node];
        const bucket = hashes[node] & mask;
        next[node] = buckets[bucket];
        buckets[bucket] = node;
        node = following;
      }
      old[this.#rehashIndex++] = 0;
      chains--;
    }
    if (this.#rehashIndex >= old.length) {
      this.#old = null;
      this.#rehashIndex = 0;
    }
  }

  /** Collects the nodes of one bucket chain of `buckets`. */
  #collect(
    buckets: Int32Array<ArrayBuffer>,
    bucket: number,
    into: number[],
  ): void {
    const next = this.#next;
    for (let node = buckets[bucket]; node !== 0; node = next[node]) {
      into.push(node);
    }
  }

  /** Redis's dictScan step: emits the bucket(s) at `v`, returns the next v. */
  #scanBucket(v: number, into: number[]): number {
    if (this.#old === null) {
      const mask = this.#buckets.length - 1;
      this.#collect(this.#buckets, v & mask, into);
      return advance(v, mask);
    }
    let small = this.#old;
    let large = this.#buckets;
    if (small.length > large.length) [small, large] = [large, small];
    const smallMask = small.length - 1;
    const largeMask = large.length - 1;
    this.#collect(small, v & smallMask, into);
    // The buckets of the larger table that the smaller one's bucket
    // expands to (its rehashed keys are there).
    do {
      this.#collect(large, v & largeMask, into);
      v = advance(v, largeMask);
    } while ((v & (smallMask ^ largeMask)) !== 0);
    return v;
  }
}

/** A copy of `array` with room for `capacity` elements. */
function grown(
  array: Int32Array,
  capacity: number,
): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(capacity);
  copy.set(array);
  return copy;
}

/** Increments the reversed cursor over the bits of `mask`. */
function advance(v: number, mask: number): number {
  v = (v | ~mask) >>> 0;
  return reverseBits((reverseBits(v) + 1) >>> 0);
}
