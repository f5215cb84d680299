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

/**
 * Scratch space for the search paths of insertions and deletions, reused
 * to spare two allocations per update (operations never nest).
 */
const UPDATE: SkipNode[] = [];
const RANK = new Float64Array(MAX_LEVEL);

/** One element of the skip list. */
export class SkipNode {
  /** Next node at each level. */
  readonly forward: (SkipNode | null)[];
  /** Number of level-0 steps each forward link skips. */
  readonly span: number[];
  /** Previous node at level 0 (null for the first element). */
  backward: SkipNode | null = null;
  /** Position in the owning set's insertion order (ZSCAN cursors). */
  slot = -1;
  /** Insertion number in the owning set (ZSCAN cursors). */
  seq = 0;

  /** Creates a node with `level` levels. */
  constructor(public member: string, public score: number, level: number) {
    this.forward = new Array(level).fill(null);
    this.span = new Array(level).fill(0);
  }

  /** The following node in order, or null at the end. */
  get next(): SkipNode | null {
    return this.forward[0];
  }
}

/** A score interval; `minex`/`maxex` make the bounds exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A member interval for lex ranges. `min`/`max` are binary strings, or the
 * sentinels `LEX_MIN` ("-") and `LEX_MAX` ("+").
 */
export interface LexRange {
  min: string | typeof LEX_MIN | typeof LEX_MAX;
  max: string | typeof LEX_MIN | typeof LEX_MAX;
  minex: boolean;
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

/** Whether (score, member) sorts before (score2, member2). */
function before(
  score: number,
  member: string,
  score2: number,
  member2: string,
): boolean {
  return score < score2 || (score === score2 && member < member2);
}

/** A skip list of (score, member) pairs with rank spans. */
export class SkipList {
  readonly #header = new SkipNode("", 0, MAX_LEVEL);
  #tail: SkipNode | null = null;
  #level = 1;
  #length = 0;

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** The first element, or null when empty. */
  get first(): SkipNode | null {
    return this.#header.forward[0];
  }

  /** The last element, or null when empty. */
  get last(): SkipNode | null {
    return this.#tail;
  }

  /** Inserts a pair that is not in the list yet. O(log n). */
  insert(score: number, member: string): SkipNode {
    const node = new SkipNode(member, score, randomLevel());
    this.#link(node);
    return node;
  }

  /** Links a detached node at the position its score and member give. */
  #link(node: SkipNode): void {
    const score = node.score;
    const member = node.member;
    const update = UPDATE;
    const rank = RANK;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      rank[i] = i === this.#level - 1 ? 0 : rank[i + 1];
      let next = x.forward[i];
      while (next !== null && before(next.score, next.member, score, member)) {
        rank[i] += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const level = node.forward.length;
    if (level > this.#level) {
      for (let i = this.#level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.#header;
        update[i].span[i] = this.#length;
      }
      this.#level = level;
    }
    for (let i = 0; i < level; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.#level; i++) update[i].span[i]++;
    node.backward = update[0] === this.#header ? null : update[0];
    if (node.forward[0] !== null) node.forward[0].backward = node;
    else this.#tail = node;
    this.#length++;
  }

  #unlink(node: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.#level; i++) {
      if (update[i].forward[i] === node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].forward[i] = node.forward[i];
      } else update[i].span[i]--;
    }
    if (node.forward[0] !== null) node.forward[0].backward = node.backward;
    else this.#tail = node.backward;
    while (
      this.#level > 1 && this.#header.forward[this.#level - 1] === null
    ) this.#level--;
    this.#length--;
  }

  /** Finds the update path to the position just before (score, member). */
  #path(score: number, member: string): SkipNode[] {
    const update = UPDATE;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && before(next.score, next.member, score, member)) {
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    return update;
  }

  /** Removes the pair; returns whether it was present. O(log n). */
  delete(score: number, member: string): boolean {
    const update = this.#path(score, member);
    const x = update[0].forward[0];
    if (x === null || x.score !== score || x.member !== member) return false;
    this.#unlink(x, update);
    return true;
  }

  /**
   * Changes the score of a node of this list. The node stays in place when
   * the order does not change, as Redis does; otherwise it moves.
   */
  updateScore(node: SkipNode, newScore: number): void {
    const member = node.member;
    const prev = node.backward;
    const next = node.forward[0];
    if (
      (prev === null || prev.score < newScore ||
        (prev.score === newScore && prev.member < member)) &&
      (next === null || next.score > newScore ||
        (next.score === newScore && next.member > member))
    ) {
      node.score = newScore;
      return;
    }
    this.#unlink(node, this.#path(node.score, member));
    node.score = newScore;
    this.#link(node);
  }

  /** 1-based rank of the pair, or 0 when absent. O(log n). */
  rank(score: number, member: string): number {
    let rank = 0;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (
        next !== null &&
        (next.score < score ||
          (next.score === score && next.member <= member))
      ) {
        rank += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (x !== this.#header && x.member === member && x.score === score) {
        return rank;
      }
    }
    return 0;
  }

  /** The element at 1-based `rank`, or null when out of range. O(log n). */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.#length) return null;
    let traversed = 0;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** Whether any element falls in the score range. */
  #inScoreRange(range: ScoreRange): boolean {
    if (scoreRangeEmpty(range)) return false;
    const last = this.#tail;
    const first = this.#header.forward[0];
    return last !== null && scoreGteMin(last.score, range) &&
      first !== null && scoreLteMax(first.score, range);
  }

  /** The first element within the score range, or null. O(log n). */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.#inScoreRange(range)) return null;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && !scoreGteMin(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    const node = x.forward[0];
    return node !== null && scoreLteMax(node.score, range) ? node : null;
  }

  /** The last element within the score range, or null. O(log n). */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.#inScoreRange(range)) return null;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && scoreLteMax(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.#header && scoreGteMin(x.score, range) ? x : null;
  }

  #inLexRange(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const last = this.#tail;
    const first = this.#header.forward[0];
    return last !== null && lexGteMin(last.member, range) &&
      first !== null && lexLteMax(first.member, range);
  }

  /** The first element within the lex range, or null. O(log n). */
  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.#inLexRange(range)) return null;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && !lexGteMin(next.member, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    const node = x.forward[0];
    return node !== null && lexLteMax(node.member, range) ? node : null;
  }

  /** The last element within the lex range, or null. O(log n). */
  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.#inLexRange(range)) return null;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && lexLteMax(next.member, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.#header && lexGteMin(x.member, range) ? x : null;
  }

  /**
   * Removes the elements from 1-based rank `start` to `end` (inclusive),
   * calling `removed` with each member. O(log n + m).
   */
  deleteRangeByRank(
    start: number,
    end: number,
    removed: (member: string) => void,
  ): number {
    const update: SkipNode[] = new Array(MAX_LEVEL);
    let traversed = 0;
    let x = this.#header;
    for (let i = this.#level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && traversed + x.span[i] < start) {
        traversed += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    traversed++;
    let node = x.forward[0];
    let count = 0;
    while (node !== null && traversed <= end) {
      const next = node.forward[0];
      this.#unlink(node, update);
      removed(node.member);
      count++;
      traversed++;
      node = next;
    }
    return count;
  }
}
