/**
 * maxmemory eviction, with Redis 7.0's approximations: each round samples
 * `maxmemory-samples` keys of every database into a pool of the 16 best
 * candidates (idlest for LRU, least used for LFU, soonest to expire for
 * volatile-ttl) and evicts the best; the random policies take a random key
 * of the next database. Evictions stop after a time budget that
 * `maxmemory-eviction-tenacity` sets, and go on from a timer, as Redis's
 * evictionTimeProc does.
 *
 * @module
 */

import { type Database, decayedCounter, lruIdleMs } from "../store/database.ts";

/** What an eviction attempt achieved (Redis's EVICT_OK/RUNNING/FAIL). */
export type EvictionResult = "ok" | "running" | "fail";

/** The maxmemory policies of Redis 7.0. */
export type EvictionPolicy =
  | "noeviction"
  | "allkeys-lru"
  | "volatile-lru"
  | "allkeys-lfu"
  | "volatile-lfu"
  | "allkeys-random"
  | "volatile-random"
  | "volatile-ttl";

/** What the evictor needs of the server. */
export interface EvictionHost {
  /** The databases. */
  readonly databases: readonly Database[];
  /** The current policy, limit, samples and tenacity. */
  settings(): EvictionSettings;
  /** Memory counted against maxmemory at `now` (Date.now()), in bytes. */
  usedMemory(now: number): number;
  /** Whether evicting is safe now (not loading, paused, a busy script...). */
  mayEvict(): boolean;
  /** Deletes `key` of `db` as an eviction (events, propagation, stats). */
  evict(db: Database, key: string): void;
}

/** The maxmemory directives. */
export interface EvictionSettings {
  /** maxmemory in bytes; 0 for no limit. */
  readonly maxmemory: number;
  /** maxmemory-policy. */
  readonly policy: EvictionPolicy;
  /** maxmemory-samples. */
  readonly samples: number;
  /** maxmemory-eviction-tenacity (0-100). */
  readonly tenacity: number;
}

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;

/** A candidate of the eviction pool. */
interface Candidate {
  score: number;
  key: string;
  db: Database;
  /** Where sampling saw the key ({@linkcode Database.peekItem}'s hint). */
  hint: number;
}

/** The shortest budget, enough for the keys Redis evicts in its 50 µs. */
const MIN_TIME_LIMIT_MS = 5;

/**
 * How long one eviction call may run, in ms, for a tenacity: Redis's
 * evictionTimeLimitUs (50 µs at 10, growing 15% a step, unlimited at 100),
 * but at least 5 ms, since an eviction costs several times Redis's here
 * and the budget should cover as many keys.
 */
export function evictionTimeLimitMs(tenacity: number): number {
  if (tenacity >= 100) return Infinity;
  const micros = tenacity <= 10
    ? 50 * tenacity / 10
    : 500 * Math.pow(1.15, tenacity - 10);
  return Math.max(MIN_TIME_LIMIT_MS, micros / 1000);
}

/**
 * The pool score under `policy` at `now` of a key with access field
 * `clock` and expiry time `expireAt`: the higher, the better to evict.
 */
function score(
  policy: EvictionPolicy,
  clock: number,
  expireAt: number,
  now: number,
): number {
  switch (policy) {
    case "allkeys-lfu":
    case "volatile-lfu":
      return 255 - decayedCounter(clock, now);
    case "volatile-ttl":
      return -expireAt;
    default:
      return lruIdleMs(clock, now);
  }
}

/** Evicts keys while used memory is above maxmemory. */
export class Evictor {
  readonly #host: EvictionHost;
  /** Candidates, worst first, best last; at most POOL_SIZE. */
  readonly #pool: Candidate[] = [];
  /** Candidates out of the pool, reused rather than allocated per offer. */
  readonly #spare: Candidate[] = [];
  /** The database the random policies look at next. */
  #nextDb = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Creates an evictor for `host`. */
  constructor(host: EvictionHost) {
    this.#host = host;
  }

  /** Whether an unfinished eviction goes on from a timer. */
  get running(): boolean {
    return this.#timer !== null;
  }

  /**
   * Evicts until used memory is within maxmemory, within the time budget:
   * "ok" when it is (or there is no limit), "running" when the budget ran
   * out and a timer goes on, "fail" when nothing more can be evicted.
   */
  performEvictions(now = Date.now()): EvictionResult {
    const host = this.#host;
    const settings = host.settings();
    if (settings.maxmemory === 0 || !host.mayEvict()) return "ok";
    let used = host.usedMemory(now);
    if (used <= settings.maxmemory) return "ok";
    if (settings.policy === "noeviction") return "fail";
    const limit = evictionTimeLimitMs(settings.tenacity);
    // Like Redis, the clock is read every 16 keys; the time limit counts
    // from the first read, as most calls evict a key or two and are spared
    // reading it at all.
    let started = -1;
    let evicted = 0;
    for (; used > settings.maxmemory; used = host.usedMemory(now)) {
      const best = this.#pick(settings, now);
      if (best === null) return "fail";
      host.evict(best.db, best.key);
      evicted++;
      if (evicted % 16 !== 0) continue;
      const time = performance.now();
      if (started < 0) started = time;
      else if (time - started > limit) {
        this.#continueLater();
        return "running";
      }
    }
    return "ok";
  }

  #continueLater(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.performEvictions() === "running") this.#continueLater();
    }, 0);
  }

  /** Stops the timer of an unfinished eviction (server shutdown). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The next key to evict, or null when no key may be evicted. */
  #pick(settings: EvictionSettings, now: number): Candidate | null {
    const policy = settings.policy;
    const volatileOnly = policy.startsWith("volatile-");
    const databases = this.#host.databases;
    if (policy.endsWith("-random")) {
      for (let i = 0; i < databases.length; i++) {
        this.#nextDb = (this.#nextDb + 1) % databases.length;
        const db = databases[this.#nextDb];
        let picked: string | null = null;
        db.sample(1, volatileOnly, (key) => picked = key);
        if (picked !== null) return { score: 0, key: picked, db, hint: 0 };
      }
      return null;
    }
    while (true) {
      let keys = 0;
      for (const db of databases) {
        const count = volatileOnly ? db.volatileCount : db.size;
        if (count === 0) continue;
        keys += count;
        db.sample(
          settings.samples,
          volatileOnly,
          (key, clock, expireAt, hint) =>
            this.#offer(score(policy, clock, expireAt, now), key, db, hint),
        );
      }
      if (keys === 0) return null;
      // Best first; a candidate deleted since it was pooled is skipped.
      while (this.#pool.length > 0) {
        const candidate = this.#pool.pop()!;
        this.#spare.push(candidate);
        const item = candidate.db.peekItem(candidate.key, candidate.hint);
        if (
          item !== undefined &&
          (!volatileOnly || (typeof item !== "string" && item.expireAt !== 0))
        ) return candidate;
      }
    }
  }

  /**
   * Pools `key` of `db` with `score` if it beats the worst of a full pool.
   * As in Redis, a key sampled again may be pooled twice: whichever copy is
   * taken first evicts it, and the other is skipped as gone.
   */
  #offer(score: number, key: string, db: Database, hint: number): void {
    const pool = this.#pool;
    if (pool.length === POOL_SIZE) {
      if (score <= pool[0].score) return;
      this.#spare.push(pool.shift()!);
    }
    // Inserted in order by moving better ones up (splice allocates).
    const candidate = this.#spare.pop() ?? { score, key, db, hint };
    candidate.score = score;
    candidate.key = key;
    candidate.db = db;
    candidate.hint = hint;
    let at = pool.length;
    pool.push(candidate);
    for (; at > 0 && pool[at - 1].score > score; at--) pool[at] = pool[at - 1];
    pool[at] = candidate;
  }
}
