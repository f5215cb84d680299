/**
 * The ordered part of a sorted set: a skip list with spans, ordered by score
 * and then by member bytes, as Redis's zskiplist. Spans make rank lookups
 * and rank-based access O(log n).
 *
 * Members are binary strings (one char per byte); JavaScript compares them
 * by char code, which is the byte order Redis's memcmp gives.
 *
 * @module
 */

const MAX_LEVEL = 32;
const LEVEL_P = 0.25;
/** Node id of the header; as a link target it means "no node". */
const HEADER = 0;
/** Int32 slots per level in the link storage: forward id, then span. */
const LINK = 2;
const INITIAL_NODES = 16;

/**
 * Scratch space for the search paths of insertions and deletions, reused
 * to spare allocations per update (operations never nest).
 */
const UPDATE = new Int32Array(MAX_LEVEL);
const RANK = new Float64Array(MAX_LEVEL);

/**
 * One element of the skip list, as callers see it: member, score and its
 * neighbours in order. The search structure itself lives in the list's
 * typed arrays under `id`.
 */
export class SkipNode {
  /** The following node in order, or null at the end. */
  next: SkipNode | null = null;
  /** The previous node in order, or null for the first element. */
  backward: SkipNode | null = null;
  /** Position in the owning set's insertion order (ZSCAN cursors). */
  slot: number = -1;
  /** Insertion number in the owning set (ZSCAN cursors). */
  seq = 0;

  /**
   * Creates the handle of node `id`. Change `score` only through
   * SkipList.updateScore, which keeps the list's copy in step.
   */
  constructor(
    readonly id: number,
    readonly member: string,
    public score: number,
  ) {}
}

/** A score interval; `minex`/`maxex` make the bounds exclusive. */
export interface ScoreRange {
  /** Lower score bound. */
  min: number;
  /** Upper score bound. */
  max: number;
  /** The lower bound is exclusive. */
  minex: boolean;
  /** The upper bound is exclusive. */
  maxex: boolean;
}

/**
 * A member interval for lex ranges. `min`/`max` are binary strings, or the
 * sentinels `LEX_MIN` ("-") and `LEX_MAX` ("+").
 */
export interface LexRange {
  /** Lower member bound. */
  min: string | typeof LEX_MIN | typeof LEX_MAX;
  /** Upper member bound. */
  max: string | typeof LEX_MIN | typeof LEX_MAX;
  /** The lower bound is exclusive. */
  minex: boolean;
  /** The upper bound is exclusive. */
  maxex: boolean;
}

/** The lex bound "-": below every member. */
export const LEX_MIN: unique symbol = Symbol("-");
/** The lex bound "+": above every member. */
export const LEX_MAX: unique symbol = Symbol("+");

/** Whether `value` is at or above the range's lower bound. */
export function scoreGteMin(value: number, range: ScoreRange): boolean {
  return range.minex ? value > range.min : value >= range.min;
}

/** Whether `value` is at or below the range's upper bound. */
export function scoreLteMax(value: number, range: ScoreRange): boolean {
  return range.maxex ? value < range.max : value <= range.max;
}

function lexCompare(
  a: string,
  b: string | typeof LEX_MIN | typeof LEX_MAX,
): number {
  if (b === LEX_MIN) return 1;
  if (b === LEX_MAX) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `member` is at or above the range's lower bound. */
export function lexGteMin(member: string, range: LexRange): boolean {
  const c = lexCompare(member, range.min);
  return range.minex ? c > 0 : c >= 0;
}

/** Whether `member` is at or below the range's upper bound. */
export function lexLteMax(member: string, range: LexRange): boolean {
  const c = lexCompare(member, range.max);
  return range.maxex ? c < 0 : c <= 0;
}

/** Whether a score range can contain anything at all. */
function scoreRangeEmpty(range: ScoreRange): boolean {
  return range.min > range.max ||
    (range.min === range.max && (range.minex || range.maxex));
}

function lexBoundOrder(
  a: string | typeof LEX_MIN | typeof LEX_MAX,
  b: string | typeof LEX_MIN | typeof LEX_MAX,
): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a lex range can contain anything at all. */
function lexRangeEmpty(range: LexRange): boolean {
  const c = lexBoundOrder(range.min, range.max);
  return c > 0 || (c === 0 && (range.minex || range.maxex));
}

function randomLevel(): number {
  let level = 1;
  while (Math.random() < LEVEL_P && level < MAX_LEVEL) level++;
  return level;
}

/**
 * A skip list of (score, member) pairs with rank spans, kept as a structure
 * of arrays so that a search walks typed arrays instead of chasing objects:
 *
 * - every node has an integer id (0 is the header); `#scores`, `#members`
 *   and `#nodes` hold its score, member and SkipNode handle by id;
 * - a node of level L owns L * LINK consecutive slots of `#links` from
 *   `#base[id]`: for each level, the id of the next node at that level
 *   (HEADER, i.e. 0, when there is none) and the span of that link, the
 *   number of level-0 steps it skips;
 * - ids and link blocks of deleted nodes are recycled, blocks by level.
 *
 * The level-0 order is mirrored in the handles' `next`/`backward`, which
 * callers walk for ranges.
 */
export class SkipList {
  #scores = new Float64Array(INITIAL_NODES);
  #members: string[] = [""];
  #nodes: (SkipNode | null)[] = [null];
  #base = new Int32Array(INITIAL_NODES);
  #levels = new Uint8Array(INITIAL_NODES);
  /** Link blocks; the header's, MAX_LEVEL levels long, comes first. */
  #links = new Int32Array((MAX_LEVEL + INITIAL_NODES) * LINK);
  /** Slots of `#links` handed out so far. */
  #linksUsed = MAX_LEVEL * LINK;
  /** The smallest id never handed out. */
  #nextId = 1;
  #freeIds: number[] = [];
  /** Base offsets of freed link blocks, by level. */
  #freeBlocks: (number[] | undefined)[] = [];
  #tail: SkipNode | null = null;
  #level = 1;
  #length = 0;

  /** Creates an empty list. */
  constructor() {
    this.#levels[HEADER] = MAX_LEVEL;
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** The first element, or null when empty. */
  get first(): SkipNode | null {
    return this.#nodes[this.#links[0]];
  }

  /** The last element, or null when empty. */
  get last(): SkipNode | null {
    return this.#tail;
  }

  /** The elements in order, lowest first. */
  *nodes(): IterableIterator<SkipNode> {
    for (let node = this.first; node !== null; node = node.next) yield node;
  }

  /** Inserts a pair that is not in the list yet. O(log n). */
  insert(score: number, member: string): SkipNode {
    const node = this.#allocate(member, score, randomLevel());
    this.#link(node.id);
    return node;
  }

  /** Takes an id and a link block for a new node of `level` levels. */
  #allocate(member: string, score: number, level: number): SkipNode {
    let id = this.#freeIds.pop();
    if (id === undefined) {
      id = this.#nextId++;
      if (id === this.#scores.length) this.#growNodes();
    }
    let base = this.#freeBlocks[level]?.pop();
    if (base === undefined) {
      base = this.#linksUsed;
      this.#linksUsed += level * LINK;
      if (this.#linksUsed > this.#links.length) this.#growLinks();
    }
    this.#scores[id] = score;
    this.#members[id] = member;
    this.#base[id] = base;
    this.#levels[id] = level;
    const node = new SkipNode(id, member, score);
    this.#nodes[id] = node;
    return node;
  }

  /** Returns a deleted node's id and link block for reuse. */
  #release(id: number): void {
    const level = this.#levels[id];
    (this.#freeBlocks[level] ??= []).push(this.#base[id]);
    this.#freeIds.push(id);
    this.#members[id] = "";
    this.#nodes[id] = null;
  }

  #growNodes(): void {
    const size = this.#scores.length * 2;
    const scores = new Float64Array(size);
    scores.set(this.#scores);
    this.#scores = scores;
    const base = new Int32Array(size);
    base.set(this.#base);
    this.#base = base;
    const levels = new Uint8Array(size);
    levels.set(this.#levels);
    this.#levels = levels;
  }

  #growLinks(): void {
    const links = new Int32Array(
      Math.max(this.#links.length * 2, this.#linksUsed),
    );
    links.set(this.#links);
    this.#links = links;
  }

  /** Links a detached node at the position its score and member give. */
  #link(id: number): void {
    const links = this.#links;
    const scores = this.#scores;
    const members = this.#members;
    const base = this.#base;
    const score = scores[id];
    const member = members[id];
    const update = UPDATE;
    const rank = RANK;
    const top = this.#level - 1;
    let x = HEADER;
    let at = 0;
    for (let i = top; i >= 0; i--) {
      rank[i] = i === top ? 0 : rank[i + 1];
      at = base[x] + i * LINK;
      let next = links[at];
      while (
        next !== HEADER &&
        (scores[next] < score ||
          (scores[next] === score && members[next] < member))
      ) {
        rank[i] += links[at + 1];
        x = next;
        at = base[x] + i * LINK;
        next = links[at];
      }
      update[i] = x;
    }
    const level = this.#levels[id];
    if (level > this.#level) {
      for (let i = this.#level; i < level; i++) {
        rank[i] = 0;
        update[i] = HEADER;
        links[i * LINK + 1] = this.#length;
      }
      this.#level = level;
    }
    const own = base[id];
    for (let i = 0; i < level; i++) {
      const prev = base[update[i]] + i * LINK;
      const mine = own + i * LINK;
      links[mine] = links[prev];
      links[mine + 1] = links[prev + 1] - (rank[0] - rank[i]);
      links[prev] = id;
      links[prev + 1] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.#level; i++) {
      links[base[update[i]] + i * LINK + 1]++;
    }
    const node = this.#nodes[id]!;
    const prev = this.#nodes[update[0]];
    const next = this.#nodes[links[own]];
    node.backward = prev;
    node.next = next;
    if (prev !== null) prev.next = node;
    if (next !== null) next.backward = node;
    else this.#tail = node;
    this.#length++;
  }

  /**
   * Unlinks node `id` given the search path to it. The node's handle keeps
   * its `next`, so a caller walking forward can go on from it.
   */
  #unlink(id: number, update: Int32Array): void {
    const links = this.#links;
    const base = this.#base;
    const own = base[id];
    for (let i = 0; i < this.#level; i++) {
      const prev = base[update[i]] + i * LINK;
      if (links[prev] === id) {
        links[prev + 1] += links[own + i * LINK + 1] - 1;
        links[prev] = links[own + i * LINK];
      } else links[prev + 1]--;
    }
    const node = this.#nodes[id]!;
    const prev = node.backward;
    const next = node.next;
    if (prev !== null) prev.next = next;
    if (next !== null) next.backward = prev;
    else this.#tail = prev;
    while (this.#level > 1 && links[(this.#level - 1) * LINK] === HEADER) {
      this.#level--;
    }
    this.#length--;
  }

  /** Finds the update path to the position just before (score, member). */
  #path(score: number, member: string): Int32Array {
    const links = this.#links;
    const scores = this.#scores;
    const members = this.#members;
    const base = this.#base;
    const update = UPDATE;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let at = base[x] + i * LINK;
      let next = links[at];
      while (
        next !== HEADER &&
        (scores[next] < score ||
          (scores[next] === score && members[next] < member))
      ) {
        x = next;
        at = base[x] + i * LINK;
        next = links[at];
      }
      update[i] = x;
    }
    return update;
  }

  /** Removes the pair; returns whether it was present. O(log n). */
  delete(score: number, member: string): boolean {
    const update = this.#path(score, member);
    const x = this.#links[this.#base[update[0]]];
    if (
      x === HEADER || this.#scores[x] !== score || this.#members[x] !== member
    ) return false;
    this.#unlink(x, update);
    this.#release(x);
    return true;
  }

  /**
   * Changes the score of a node of this list. The node stays in place when
   * the order does not change, as Redis does; otherwise it moves.
   */
  updateScore(node: SkipNode, newScore: number): void {
    const member = node.member;
    const prev = node.backward;
    const next = node.next;
    if (
      (prev === null || prev.score < newScore ||
        (prev.score === newScore && prev.member < member)) &&
      (next === null || next.score > newScore ||
        (next.score === newScore && next.member > member))
    ) {
      node.score = newScore;
      this.#scores[node.id] = newScore;
      return;
    }
    this.#unlink(node.id, this.#path(node.score, member));
    node.score = newScore;
    this.#scores[node.id] = newScore;
    this.#link(node.id);
  }

  /** 1-based rank of the pair, or 0 when absent. O(log n). */
  rank(score: number, member: string): number {
    const links = this.#links;
    const scores = this.#scores;
    const members = this.#members;
    const base = this.#base;
    let rank = 0;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let at = base[x] + i * LINK;
      let next = links[at];
      while (
        next !== HEADER &&
        (scores[next] < score ||
          (scores[next] === score && members[next] <= member))
      ) {
        rank += links[at + 1];
        x = next;
        at = base[x] + i * LINK;
        next = links[at];
      }
      if (x !== HEADER && scores[x] === score && members[x] === member) {
        return rank;
      }
    }
    return 0;
  }

  /** The element at 1-based `rank`, or null when out of range. O(log n). */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.#length) return null;
    const links = this.#links;
    const base = this.#base;
    let traversed = 0;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let at = base[x] + i * LINK;
      while (links[at] !== HEADER && traversed + links[at + 1] <= rank) {
        traversed += links[at + 1];
        x = links[at];
        at = base[x] + i * LINK;
      }
      if (traversed === rank) return this.#nodes[x];
    }
    return null;
  }

  /** Whether any element falls in the score range. */
  #inScoreRange(range: ScoreRange): boolean {
    if (scoreRangeEmpty(range)) return false;
    const last = this.#tail;
    const first = this.first;
    return last !== null && scoreGteMin(last.score, range) &&
      first !== null && scoreLteMax(first.score, range);
  }

  /**
   * The id of the first node for which `atOrAboveMin` holds (a predicate
   * false up to some node and true from there on), or HEADER. O(log n).
   */
  #firstFrom(atOrAboveMin: (id: number) => boolean): number {
    const links = this.#links;
    const base = this.#base;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = links[base[x] + i * LINK];
      while (next !== HEADER && !atOrAboveMin(next)) {
        x = next;
        next = links[base[x] + i * LINK];
      }
    }
    return links[base[x]];
  }

  /**
   * The id of the last node for which `atOrBelowMax` holds (a predicate
   * true up to some node and false from there on), or HEADER. O(log n).
   */
  #lastUpTo(atOrBelowMax: (id: number) => boolean): number {
    const links = this.#links;
    const base = this.#base;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = links[base[x] + i * LINK];
      while (next !== HEADER && atOrBelowMax(next)) {
        x = next;
        next = links[base[x] + i * LINK];
      }
    }
    return x;
  }

  /**
   * The id of the first node whose score is at or above the range's lower
   * bound, or HEADER: #firstFrom with the comparison written in, since a
   * predicate passed from several call sites is not inlined, and score
   * ranges are the hot case (ZRANGE BYSCORE, ZCOUNT, GEOSEARCH's boxes).
   */
  #firstAtOrAboveMin(range: ScoreRange): number {
    const links = this.#links;
    const base = this.#base;
    const scores = this.#scores;
    const min = range.min;
    const exclusive = range.minex;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = links[base[x] + i * LINK];
      while (
        next !== HEADER &&
        (exclusive ? scores[next] <= min : scores[next] < min)
      ) {
        x = next;
        next = links[base[x] + i * LINK];
      }
    }
    return links[base[x]];
  }

  /** The first element within the score range, or null. O(log n). */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.#inScoreRange(range)) return null;
    const scores = this.#scores;
    const id = this.#firstAtOrAboveMin(range);
    return id !== HEADER && scoreLteMax(scores[id], range)
      ? this.#nodes[id]
      : null;
  }

  /** The last element within the score range, or null. O(log n). */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.#inScoreRange(range)) return null;
    const scores = this.#scores;
    const id = this.#lastUpTo((id) => scoreLteMax(scores[id], range));
    return id !== HEADER && scoreGteMin(scores[id], range)
      ? this.#nodes[id]
      : null;
  }

  #inLexRange(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const last = this.#tail;
    const first = this.first;
    return last !== null && lexGteMin(last.member, range) &&
      first !== null && lexLteMax(first.member, range);
  }

  /** The first element within the lex range, or null. O(log n). */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.#inLexRange(range)) return null;
    const members = this.#members;
    const id = this.#firstFrom((id) => lexGteMin(members[id], range));
    return id !== HEADER && lexLteMax(members[id], range)
      ? this.#nodes[id]
      : null;
  }

  /** The last element within the lex range, or null. O(log n). */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.#inLexRange(range)) return null;
    const members = this.#members;
    const id = this.#lastUpTo((id) => lexLteMax(members[id], range));
    return id !== HEADER && lexGteMin(members[id], range)
      ? this.#nodes[id]
      : null;
  }

  /**
   * Removes the elements from 1-based rank `start` to `end` (inclusive),
   * calling `removed` with each node, which must not use this list.
   * O(log n + m).
   */
  deleteRangeByRank(
    start: number,
    end: number,
    removed: (node: SkipNode) => void,
  ): number {
    const links = this.#links;
    const base = this.#base;
    const update = UPDATE;
    let traversed = 0;
    let x = HEADER;
    for (let i = this.#level - 1; i >= 0; i--) {
      let at = base[x] + i * LINK;
      while (links[at] !== HEADER && traversed + links[at + 1] < start) {
        traversed += links[at + 1];
        x = links[at];
        at = base[x] + i * LINK;
      }
      update[i] = x;
    }
    traversed++;
    let id = links[base[x]];
    let count = 0;
    while (id !== HEADER && traversed <= end) {
      const next = links[base[id]];
      const node = this.#nodes[id]!;
      this.#unlink(id, update);
      this.#release(id);
      removed(node);
      count++;
      traversed++;
      id = next;
    }
    return count;
  }
}
