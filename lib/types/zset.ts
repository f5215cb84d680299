/**
 * The sorted set type: a member-to-node map plus a skip list ordered by
 * score and member. Commands: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE,
 * ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, the ZRANGE family, ZREMRANGEBY*,
 * ZPOPMIN/ZPOPMAX and their blocking forms, ZMPOP, BZMPOP, ZRANDMEMBER,
 * ZUNION/ZINTER/ZDIFF (and STORE forms), ZINTERCARD and ZSCAN.
 *
 * @module
 */

import {
  parseBlockingTimeout,
  parseFloatArgument,
  parseInt64Argument,
  parseIntegerArgument,
  parseMultiPopCount,
  parseNumkeys,
  parsePopCount,
  parseScanCursor,
  parseScanOptions,
} from "../commands/arguments.ts";
import { defineCommand, keyCount, keyRange } from "../commands/define.ts";
import type { CommandContext } from "../commands/context.ts";
import { CommandError, Errors } from "../commands/errors.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { Entry } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { sampledBytes, stringBytes } from "../store/memory_usage.ts";
import { registerValueType } from "../store/value_types.ts";
import {
  bytesToString,
  equalsIgnoreCase,
  stringToBytes,
} from "../util/bytes.ts";
import { formatDouble, LLONG_MAX } from "../util/numbers.ts";
import { lookupValue } from "./indexed_map.ts";
import {
  lexGteMin,
  lexLteMax,
  type LexRange,
  scoreGteMin,
  scoreLteMax,
  type ScoreRange,
  SkipList,
  type SkipNode,
} from "./skiplist.ts";
import { parseLexRange, parseScoreRange } from "./zset_score.ts";
import type { SetValue } from "./set.ts";

/** Holes in the insertion order tolerated before it is rebuilt. */
const MIN_HOLES_TO_COMPACT = 64;

/** Redis's listpack thresholds (zset-max-listpack-entries/value). */
export interface ListpackLimits {
  /** zset-max-listpack-entries: most members a listpack holds. */
  readonly entries: number;
  /** zset-max-listpack-value: longest member (bytes) a listpack holds. */
  readonly value: number;
}

/** The listpack thresholds currently configured. */
export function listpackLimits(ctx: CommandContext): ListpackLimits {
  const config = ctx.server.config;
  return {
    entries: config.number("zset-max-listpack-entries"),
    value: config.number("zset-max-listpack-value"),
  };
}

/** A ZSet with its Map and skip list arrays, empty. */
const ZSET_BYTES = 2000;
/**
 * Per member beyond its string: the SkipNode with its boxed score, its
 * skip list slots, the Map entry and the ZSCAN order slots.
 */
const ZSET_NODE_BYTES = 152;

/**
 * A sorted set value. `listpack` tracks whether Redis would still hold it in
 * its compact encoding: it starts compact and converts for good once a limit
 * is crossed, as Redis does.
 */
export class ZSet {
  /** Member (binary string) to its skip list node. */
  readonly dict = new Map<string, SkipNode>();
  /** Members ordered by score, then member bytes. */
  readonly list = new SkipList();
  /** Whether Redis would report the listpack encoding. */
  listpack = true;
  /** Nodes in insertion order with holes, for ZSCAN and random picks. */
  #order: (SkipNode | undefined)[] = [];
  #orderSeq: number[] = [];
  #holes = 0;
  #nextSeq = 1;

  /** Number of members. */
  get size(): number {
    return this.dict.size;
  }

  /** The score of `member`, or undefined. */
  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  /** Adds a member that is not in the set yet. */
  insert(member: string, score: number, limits: ListpackLimits): SkipNode {
    if (
      this.listpack &&
      (this.dict.size + 1 > limits.entries || member.length > limits.value)
    ) this.listpack = false;
    // The compact encoding stores scores as text, where -0 becomes 0.
    if (this.listpack && score === 0) score = 0;
    const node = this.list.insert(score, member);
    this.dict.set(member, node);
    node.seq = this.#nextSeq++;
    node.slot = this.#order.length;
    this.#order.push(node);
    this.#orderSeq.push(node.seq);
    return node;
  }

  /** Changes the score of a member's node. */
  setScore(node: SkipNode, score: number): void {
    if (this.listpack && score === 0) score = 0;
    this.list.updateScore(node, score);
  }

  /** Removes `member`; returns whether it was present. */
  delete(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.list.delete(node.score, member);
    this.#forget(node);
    return true;
  }

  /** Drops a node already unlinked from the skip list from the other indexes. */
  #forget(node: SkipNode): void {
    this.dict.delete(node.member);
    this.#order[node.slot] = undefined;
    this.#holes++;
    if (
      this.#holes >= MIN_HOLES_TO_COMPACT &&
      this.#holes * 2 > this.#order.length
    ) this.#compact();
  }

  /** Removes members from 1-based rank `start` to `end`; returns the count. */
  deleteRankRange(start: number, end: number): number {
    return this.list.deleteRangeByRank(
      start,
      end,
      (node) => this.#forget(node),
    );
  }

  #compact(): void {
    const order: SkipNode[] = [];
    const seqs: number[] = [];
    for (const node of this.#order) {
      if (node === undefined) continue;
      node.slot = order.length;
      order.push(node);
      seqs.push(node.seq);
    }
    this.#order = order;
    this.#orderSeq = seqs;
    this.#holes = 0;
  }

  /** A uniformly random member's node (the set must not be empty). */
  randomNode(): SkipNode {
    const order = this.#order;
    while (true) {
      const node = order[Math.floor(Math.random() * order.length)];
      if (node !== undefined) return node;
    }
  }

  /**
   * One ZSCAN step over the insertion order: up to `count` nodes from
   * `cursor` on and the next cursor (0 when done). Members present for the
   * whole scan are returned because nodes never move back in the order.
   */
  scan(cursor: number, count: number): { nodes: SkipNode[]; next: number } {
    const seqs = this.#orderSeq;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid] < cursor) lo = mid + 1;
      else hi = mid;
    }
    const nodes: SkipNode[] = [];
    const order = this.#order;
    let i = lo;
    for (; i < order.length && nodes.length < count; i++) {
      const node = order[i];
      if (node !== undefined) nodes.push(node);
    }
    while (i < order.length && order[i] === undefined) i++;
    return { nodes, next: i < order.length ? seqs[i] : 0 };
  }

  /**
   * Applies Redis's conversion check for a freshly built result set
   * (zsetConvertToListpackIfNeeded): compact only when small enough.
   */
  settleEncoding(limits: ListpackLimits): void {
    let longest = 0;
    for (const member of this.dict.keys()) {
      if (member.length > longest) longest = member.length;
    }
    this.listpack = this.size <= limits.entries && longest <= limits.value;
    if (!this.listpack) return;
    for (let n = this.list.first; n !== null; n = n.next) {
      if (n.score === 0) this.list.updateScore(n, 0);
    }
  }

  /** A deep copy (COPY). */
  copy(): ZSet {
    const copy = new ZSet();
    copy.listpack = this.listpack;
    const unlimited = { entries: Infinity, value: Infinity };
    for (let n = this.list.first; n !== null; n = n.next) {
      copy.insert(n.member, n.score, unlimited);
    }
    return copy;
  }
}

registerValueType("zset", {
  memoryBytes: (value, samples) => {
    const zset = value as ZSet;
    // Sampled in score order, as Redis walks its skip list: the dict's
    // own order starts with the holes pops leave, which a Map iterator
    // steps over one by one (ZPOPMIN would cost O(N)).
    return ZSET_BYTES + ZSET_NODE_BYTES * zset.size +
      sampledBytes(
        zset.list.nodes(),
        zset.size,
        samples,
        (node) => stringBytes(node.member.length),
      );
  },
  copy: (value) => (value as ZSet).copy(),
  encoding: (value) => (value as ZSet).listpack ? "listpack" : "skiplist",
  toPlain: (value) => {
    const entries: [Uint8Array, number][] = [];
    for (let n = (value as ZSet).list.first; n !== null; n = n.next) {
      entries.push([stringToBytes(n.member), n.score]);
    }
    return { type: "zset", entries };
  },
  fromPlain: (plain, config) => {
    const zset = new ZSet();
    zset.listpack = false;
    if (plain.type === "zset") {
      const unlimited = { entries: Infinity, value: Infinity };
      for (const [member, score] of plain.entries) {
        const key = bytesToString(member);
        const node = zset.dict.get(key);
        if (node === undefined) zset.insert(key, score, unlimited);
        else zset.setScore(node, score);
      }
    }
    // Like Redis's loader: compact again when the loaded set is small.
    zset.settleEncoding({
      entries: config.number("zset-max-listpack-entries"),
      value: config.number("zset-max-listpack-value"),
    });
    return { value: zset, flags: 0 };
  },
});

/** The sorted set at `key`, or null; throws WRONGTYPE for other types. */
export function lookupZSet(ctx: CommandContext, key: string): ZSet | null {
  return lookupValue<ZSet>(ctx, key, "zset", false);
}

/**
 * {@linkcode lookupZSet} for read commands: counts a keyspace hit or miss,
 * as Redis's lookupKeyRead does.
 */
export function readZSet(ctx: CommandContext, key: string): ZSet | null {
  return lookupValue<ZSet>(ctx, key, "zset", true);
}

/** Stores `zset` at `key`, replacing whatever was there (and its TTL). */
export function storeZSet(ctx: CommandContext, key: string, zset: ZSet): void {
  ctx.db.set(key, new Entry("zset", zset, ctx.now));
}

/** Deletes `key` after its set became empty and emits Redis's "del" event. */
function deleteEmptied(ctx: CommandContext, key: string): void {
  ctx.db.delete(key);
  ctx.keyChanged(key, "g", "del", 0);
}

/**
 * Replies with a score as Redis's addReplyDouble does: a bulk string with
 * "%.17g" in RESP2, a double in RESP3.
 */
function replyScore(ctx: CommandContext, score: number): void {
  ctx.reply.double(formatDouble(score));
}

/**
 * Replies with members, optionally with scores: flat in RESP2, as
 * [member, score] pairs in RESP3, as Redis does for range replies.
 */
function replyNodes(
  ctx: CommandContext,
  nodes: readonly SkipNode[],
  withScores: boolean,
): void {
  const reply = ctx.reply;
  const nested = withScores && reply.protocol === 3;
  reply.array(withScores && !nested ? nodes.length * 2 : nodes.length);
  for (const node of nodes) {
    if (nested) reply.array(2);
    reply.bulkString(node.member);
    if (withScores) replyScore(ctx, node.score);
  }
}

const SCORE_RANGE_ERROR = "ERR min or max is not a float";
const LEX_RANGE_ERROR = "ERR min or max not valid string range item";

function scoreRangeArguments(min: Uint8Array, max: Uint8Array): ScoreRange {
  const range = parseScoreRange(bytesToString(min), bytesToString(max));
  if (range === null) throw new CommandError(SCORE_RANGE_ERROR);
  return range;
}

function lexRangeArguments(min: Uint8Array, max: Uint8Array): LexRange {
  const range = parseLexRange(bytesToString(min), bytesToString(max));
  if (range === null) throw new CommandError(LEX_RANGE_ERROR);
  return range;
}

// ZADD flags (zsetAdd takes them; GEOADD uses NX and XX).
const ZADD_INCR = 1;
/** ZADD NX: only add new members. */
export const ZADD_NX = 2;
/** ZADD XX: only update existing members. */
export const ZADD_XX = 4;
const ZADD_GT = 8;
const ZADD_LT = 16;
const ZADD_CH = 32;

/** Outcome of adding one element with ZADD's rules. */
export const enum AddResult {
  Nop,
  Added,
  Updated,
  /** Unchanged but processed (counts for INCR's reply). */
  Same,
}

/**
 * Adds or updates one member with ZADD's flag rules (zsetAdd). Returns what
 * happened and the resulting score; throws on a NaN increment result.
 */
export function zsetAdd(
  zset: ZSet,
  member: string,
  score: number,
  flags: number,
  limits: ListpackLimits,
): { result: AddResult; score: number } {
  const node = zset.dict.get(member);
  if (node !== undefined) {
    if (flags & ZADD_NX) return { result: AddResult.Nop, score };
    const current = node.score;
    if (flags & ZADD_INCR) {
      score += current;
      if (Number.isNaN(score)) {
        throw new CommandError("ERR resulting score is not a number (NaN)");
      }
    }
    if (
      (flags & ZADD_LT && score >= current) ||
      (flags & ZADD_GT && score <= current)
    ) return { result: AddResult.Nop, score };
    if (score !== current) {
      zset.setScore(node, score);
      return { result: AddResult.Updated, score };
    }
    return { result: AddResult.Same, score };
  }
  if (flags & ZADD_XX) return { result: AddResult.Nop, score };
  zset.insert(member, score, limits);
  return { result: AddResult.Added, score };
}

/** ZADD and ZINCRBY (which is ZADD with INCR and no other options). */
function zaddGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  initialFlags: number,
): void {
  let flags = initialFlags;
  let scoreIndex = 2;
  for (; scoreIndex < args.length; scoreIndex++) {
    const opt = args[scoreIndex];
    if (equalsIgnoreCase(opt, "nx")) flags |= ZADD_NX;
    else if (equalsIgnoreCase(opt, "xx")) flags |= ZADD_XX;
    else if (equalsIgnoreCase(opt, "ch")) flags |= ZADD_CH;
    else if (equalsIgnoreCase(opt, "incr")) flags |= ZADD_INCR;
    else if (equalsIgnoreCase(opt, "gt")) flags |= ZADD_GT;
    else if (equalsIgnoreCase(opt, "lt")) flags |= ZADD_LT;
    else break;
  }
  const elements = args.length - scoreIndex;
  if (elements % 2 !== 0 || elements === 0) {
    throw new CommandError(Errors.syntax);
  }
  const pairs = elements / 2;
  if (flags & ZADD_NX && flags & ZADD_XX) {
    throw new CommandError(
      "ERR XX and NX options at the same time are not compatible",
    );
  }
  if (
    (flags & ZADD_GT && flags & ZADD_NX) ||
    (flags & ZADD_LT && flags & ZADD_NX) || (flags & ZADD_GT && flags & ZADD_LT)
  ) {
    throw new CommandError(
      "ERR GT, LT, and/or NX options at the same time are not compatible",
    );
  }
  const incr = (flags & ZADD_INCR) !== 0;
  if (incr && pairs > 1) {
    throw new CommandError(
      "ERR INCR option supports a single increment-element pair",
    );
  }
  const scores: number[] = [];
  for (let j = 0; j < pairs; j++) {
    scores.push(parseFloatArgument(args[scoreIndex + j * 2]));
  }
  const key = bytesToString(args[1]);
  let zset = lookupZSet(ctx, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (zset === null && !(flags & ZADD_XX)) {
    zset = new ZSet();
    storeZSet(ctx, key, zset);
  }
  if (zset !== null) {
    const limits = listpackLimits(ctx);
    try {
      for (let j = 0; j < pairs; j++) {
        const member = bytesToString(args[scoreIndex + j * 2 + 1]);
        const r = zsetAdd(zset, member, scores[j], flags, limits);
        if (r.result === AddResult.Added) added++;
        else if (r.result === AddResult.Updated) updated++;
        if (r.result !== AddResult.Nop) processed++;
        score = r.score;
      }
    } finally {
      if (added + updated > 0) {
        ctx.keyChanged(key, "z", incr ? "zincr" : "zadd", added + updated);
      }
    }
  }
  if (incr) {
    if (processed > 0) replyScore(ctx, score);
    else ctx.reply.nullBulk();
  } else ctx.reply.integer(flags & ZADD_CH ? added + updated : added);
}

function zadd(ctx: CommandContext, args: Uint8Array[]): void {
  zaddGeneric(ctx, args, 0);
}

function zincrby(ctx: CommandContext, args: Uint8Array[]): void {
  zaddGeneric(ctx, args, ZADD_INCR);
}

function zrem(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  const zset = lookupZSet(ctx, key);
  if (zset === null) {
    ctx.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let j = 2; j < args.length; j++) {
    if (zset.delete(bytesToString(args[j]))) deleted++;
    if (zset.size === 0) break;
  }
  if (deleted > 0) {
    ctx.keyChanged(key, "z", "zrem", deleted);
    if (zset.size === 0) deleteEmptied(ctx, key);
  }
  ctx.reply.integer(deleted);
}

function zcard(ctx: CommandContext, args: Uint8Array[]): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.integer(zset === null ? 0 : zset.size);
}

function zscore(ctx: CommandContext, args: Uint8Array[]): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  const score = zset?.score(bytesToString(args[2]));
  if (score === undefined) ctx.reply.nullBulk();
  else replyScore(ctx, score);
}

function zmscore(ctx: CommandContext, args: Uint8Array[]): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.array(args.length - 2);
  for (let j = 2; j < args.length; j++) {
    const score = zset?.score(bytesToString(args[j]));
    if (score === undefined) ctx.reply.nullBulk();
    else replyScore(ctx, score);
  }
}

function zrankGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  reverse: boolean,
): void {
  const zset = readZSet(ctx, bytesToString(args[1]));
  const node = zset?.dict.get(bytesToString(args[2]));
  if (zset === null || node === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const rank = zset.list.rank(node.score, node.member);
  ctx.reply.integer(reverse ? zset.size - rank : rank - 1);
}

function zrank(ctx: CommandContext, args: Uint8Array[]): void {
  zrankGeneric(ctx, args, false);
}

function zrevrank(ctx: CommandContext, args: Uint8Array[]): void {
  zrankGeneric(ctx, args, true);
}

/** Number of members in a score range. O(log n). */
function countInScoreRange(zset: ZSet, range: ScoreRange): number {
  const first = zset.list.firstInScoreRange(range);
  if (first === null) return 0;
  const last = zset.list.lastInScoreRange(range)!;
  return zset.list.rank(last.score, last.member) -
    zset.list.rank(first.score, first.member) + 1;
}

function countInLexRange(zset: ZSet, range: LexRange): number {
  const first = zset.list.firstInLexRange(range);
  if (first === null) return 0;
  const last = zset.list.lastInLexRange(range)!;
  return zset.list.rank(last.score, last.member) -
    zset.list.rank(first.score, first.member) + 1;
}

function zcount(ctx: CommandContext, args: Uint8Array[]): void {
  const range = scoreRangeArguments(args[2], args[3]);
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.integer(zset === null ? 0 : countInScoreRange(zset, range));
}

function zlexcount(ctx: CommandContext, args: Uint8Array[]): void {
  const range = lexRangeArguments(args[2], args[3]);
  const zset = readZSet(ctx, bytesToString(args[1]));
  ctx.reply.integer(zset === null ? 0 : countInLexRange(zset, range));
}

/** Nodes from 0-based rank `start` to `end` (already clamped), in order. */
function nodesByRank(
  zset: ZSet,
  start: number,
  end: number,
  reverse: boolean,
): SkipNode[] {
  const nodes: SkipNode[] = [];
  const size = zset.size;
  let node = zset.list.byRank(reverse ? size - start : start + 1);
  for (let i = start; i <= end && node !== null; i++) {
    nodes.push(node);
    node = reverse ? node.backward : node.next;
  }
  return nodes;
}

/** Clamps Redis-style rank indexes; null when the range is empty. */
function clampRanks(
  start: number,
  end: number,
  size: number,
): [number, number] | null {
  if (start < 0) start = size + start;
  if (end < 0) end = size + end;
  if (start < 0) start = 0;
  if (start > end || start >= size) return null;
  if (end >= size) end = size - 1;
  return [start, end];
}

/**
 * Walks from `first` while `inRange` holds, skipping `offset` members and
 * taking at most `limit` (negative: all), as Redis's ZRANGEBYSCORE/BYLEX.
 */
function walkRange(
  zset: ZSet,
  first: SkipNode | null,
  offset: number,
  limit: number,
  reverse: boolean,
  inRange: (node: SkipNode) => boolean,
): SkipNode[] {
  const nodes: SkipNode[] = [];
  if (first === null || offset < 0) return nodes;
  let node: SkipNode | null = first;
  if (offset > 0) {
    const rank = zset.list.rank(first.score, first.member);
    node = zset.list.byRank(reverse ? rank - offset : rank + offset);
  }
  while (node !== null && limit !== 0) {
    if (!inRange(node)) break;
    nodes.push(node);
    limit--;
    node = reverse ? node.backward : node.next;
  }
  return nodes;
}

const enum RangeType {
  Auto,
  Rank,
  Score,
  Lex,
}

/**
 * The ZRANGE family (zrangeGenericCommand): `argStart` is the position of
 * the source key; with `storeKey` the result goes to that key (ZRANGESTORE).
 */
function zrangeGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  argStart: number,
  storeKey: string | null,
  initialType: RangeType,
  initialReverse: boolean | null,
): void {
  let type = initialType;
  let reverse = initialReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < args.length; j++) {
    const left = args.length - j - 1;
    const opt = args[j];
    if (storeKey === null && equalsIgnoreCase(opt, "withscores")) {
      withScores = true;
    } else if (equalsIgnoreCase(opt, "limit") && left >= 2) {
      offset = parseIntegerArgument(args[j + 1]);
      limit = parseIntegerArgument(args[j + 2]);
      j += 2;
    } else if (reverse === null && equalsIgnoreCase(opt, "rev")) {
      reverse = true;
    } else if (type === RangeType.Auto && equalsIgnoreCase(opt, "bylex")) {
      type = RangeType.Lex;
    } else if (type === RangeType.Auto && equalsIgnoreCase(opt, "byscore")) {
      type = RangeType.Score;
    } else throw new CommandError(Errors.syntax);
  }
  if (reverse === null) reverse = false;
  if (type === RangeType.Auto) type = RangeType.Rank;
  if (limit !== -1 && type === RangeType.Rank) {
    throw new CommandError(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && type === RangeType.Lex) {
    throw new CommandError(
      "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
    );
  }
  let minArg = args[argStart + 1];
  let maxArg = args[argStart + 2];
  if (reverse && type !== RangeType.Rank) [minArg, maxArg] = [maxArg, minArg];

  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === RangeType.Rank) {
    start = parseIntegerArgument(minArg);
    end = parseIntegerArgument(maxArg);
  } else if (type === RangeType.Score) {
    scoreRange = scoreRangeArguments(minArg, maxArg);
  } else lexRange = lexRangeArguments(minArg, maxArg);

  const zset = readZSet(ctx, bytesToString(args[argStart]));
  let nodes: SkipNode[] = [];
  if (zset !== null) {
    if (type === RangeType.Rank) {
      const ranks = clampRanks(start, end, zset.size);
      if (ranks !== null) {
        nodes = nodesByRank(zset, ranks[0], ranks[1], reverse);
      }
    } else if (!(offset > 0 && offset >= zset.size)) {
      if (scoreRange !== null) {
        const range = scoreRange;
        const first = reverse
          ? zset.list.lastInScoreRange(range)
          : zset.list.firstInScoreRange(range);
        nodes = walkRange(
          zset,
          first,
          offset,
          limit,
          reverse,
          reverse
            ? (n) => scoreGteMin(n.score, range)
            : (n) => scoreLteMax(n.score, range),
        );
      } else {
        const range = lexRange!;
        const first = reverse
          ? zset.list.lastInLexRange(range)
          : zset.list.firstInLexRange(range);
        nodes = walkRange(
          zset,
          first,
          offset,
          limit,
          reverse,
          reverse
            ? (n) => lexGteMin(n.member, range)
            : (n) => lexLteMax(n.member, range),
        );
      }
    }
  }
  if (storeKey === null) {
    replyNodes(ctx, nodes, withScores);
    return;
  }
  storeNodes(ctx, storeKey, nodes, "zrangestore");
}

/**
 * Stores `nodes` as a new sorted set at `key` and replies with its size; an
 * empty result deletes the key instead, as Redis's store commands do.
 */
function storeNodes(
  ctx: CommandContext,
  key: string,
  nodes: readonly SkipNode[],
  event: string,
): void {
  if (nodes.length === 0) {
    if (ctx.db.get(key, ctx.now) !== undefined) {
      ctx.db.delete(key);
      ctx.keyChanged(key, "g", "del");
    }
    ctx.reply.integer(0);
    return;
  }
  const zset = new ZSet();
  const limits = listpackLimits(ctx);
  for (const node of nodes) zset.insert(node.member, node.score, limits);
  storeZSet(ctx, key, zset);
  ctx.keyChanged(key, "z", event);
  ctx.reply.integer(zset.size);
}

function zrange(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Auto, null);
}

function zrangestore(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(
    ctx,
    args,
    2,
    bytesToString(args[1]),
    RangeType.Auto,
    null,
  );
}

function zrevrange(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Rank, true);
}

function zrangebyscore(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Score, false);
}

function zrevrangebyscore(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Score, true);
}

function zrangebylex(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Lex, false);
}

function zrevrangebylex(ctx: CommandContext, args: Uint8Array[]): void {
  zrangeGeneric(ctx, args, 1, null, RangeType.Lex, true);
}

function zremrangeGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  type: RangeType,
): void {
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (type === RangeType.Rank) {
    start = parseIntegerArgument(args[2]);
    end = parseIntegerArgument(args[3]);
  } else if (type === RangeType.Score) {
    scoreRange = scoreRangeArguments(args[2], args[3]);
  } else lexRange = lexRangeArguments(args[2], args[3]);
  const key = bytesToString(args[1]);
  const zset = lookupZSet(ctx, key);
  if (zset === null) {
    ctx.reply.integer(0);
    return;
  }
  let first = 0;
  let last = 0;
  let event: string;
  if (type === RangeType.Rank) {
    event = "zremrangebyrank";
    const ranks = clampRanks(start, end, zset.size);
    if (ranks === null) {
      ctx.reply.integer(0);
      return;
    }
    first = ranks[0] + 1;
    last = ranks[1] + 1;
  } else {
    let lo: SkipNode | null;
    let hi: SkipNode | null;
    if (scoreRange !== null) {
      event = "zremrangebyscore";
      lo = zset.list.firstInScoreRange(scoreRange);
      hi = lo === null ? null : zset.list.lastInScoreRange(scoreRange);
    } else {
      event = "zremrangebylex";
      lo = zset.list.firstInLexRange(lexRange!);
      hi = lo === null ? null : zset.list.lastInLexRange(lexRange!);
    }
    if (lo !== null && hi !== null) {
      first = zset.list.rank(lo.score, lo.member);
      last = zset.list.rank(hi.score, hi.member);
    }
  }
  const deleted = first > 0 ? zset.deleteRankRange(first, last) : 0;
  if (deleted > 0) {
    ctx.keyChanged(key, "z", event, deleted);
    if (zset.size === 0) deleteEmptied(ctx, key);
  }
  ctx.reply.integer(deleted);
}

function zremrangebyrank(ctx: CommandContext, args: Uint8Array[]): void {
  zremrangeGeneric(ctx, args, RangeType.Rank);
}

function zremrangebyscore(ctx: CommandContext, args: Uint8Array[]): void {
  zremrangeGeneric(ctx, args, RangeType.Score);
}

function zremrangebylex(ctx: CommandContext, args: Uint8Array[]): void {
  zremrangeGeneric(ctx, args, RangeType.Lex);
}

/**
 * Pops from the first existing sorted set among `keys` (genericZpopCommand).
 * `count` -1 means a plain single pop. `emitKey` adds the key to the reply
 * and logs the pop as the ZPOPMIN/ZPOPMAX that replays it (blocking forms
 * and ZMPOP); `nested` gives [member, score] pairs.
 */
function zpopGeneric(
  ctx: CommandContext,
  keys: readonly string[],
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): void {
  let key = "";
  let zset: ZSet | null = null;
  for (const k of keys) {
    zset = lookupZSet(ctx, k);
    key = k;
    if (zset !== null) break;
  }
  const reply = ctx.reply;
  if (zset === null) {
    if (nilWhenEmpty) reply.nullArray();
    else reply.array(0);
    return;
  }
  if (count === 0) {
    reply.array(0);
    return;
  }
  const popped = count === -1 ? 1 : Math.min(count, zset.size);
  if (!nested && !emitKey) reply.array(popped * 2);
  else if (nested && !emitKey) reply.array(popped);
  else if (!nested && emitKey) {
    reply.array(popped * 2 + 1);
    reply.bulkString(key);
  } else {
    reply.array(2);
    reply.bulkString(key);
    reply.array(popped);
  }
  for (let i = 0; i < popped; i++) {
    const node = max ? zset.list.last! : zset.list.first!;
    const { member, score } = node;
    zset.delete(member);
    if (nested) reply.array(2);
    reply.bulkString(member);
    replyScore(ctx, score);
  }
  ctx.keyChanged(key, "z", max ? "zpopmax" : "zpopmin", popped);
  if (zset.size === 0) deleteEmptied(ctx, key);
  if (emitKey) propagatePop(ctx, key, max, count === -1 ? null : popped);
}

function zpopMinMax(
  ctx: CommandContext,
  args: Uint8Array[],
  max: boolean,
): void {
  if (args.length > 3) throw new CommandError(Errors.syntax);
  let count = -1;
  if (args.length === 3) {
    count = parsePopCount(args[2]);
  }
  const nested = ctx.reply.protocol === 3 && count !== -1;
  zpopGeneric(
    ctx,
    [bytesToString(args[1])],
    max,
    false,
    count,
    nested,
    false,
  );
}

function zpopmin(ctx: CommandContext, args: Uint8Array[]): void {
  zpopMinMax(ctx, args, false);
}

function zpopmax(ctx: CommandContext, args: Uint8Array[]): void {
  zpopMinMax(ctx, args, true);
}

/**
 * Logs a blocking pop or ZMPOP as the ZPOPMIN/ZPOPMAX that replays it, as
 * Redis rewrites them: with the number of members actually popped, unless
 * it was a plain single pop (`popped` null).
 */
function propagatePop(
  ctx: CommandContext,
  key: string,
  max: boolean,
  popped: number | null,
): void {
  const command = [max ? "ZPOPMAX" : "ZPOPMIN", stringToBytes(key)];
  ctx.propagate(popped === null ? command : [...command, String(popped)]);
}

/**
 * The blocking pops (blockingGenericZpopCommand): pops at once from the
 * first non-empty set, or blocks the client until one of the keys gets
 * members or the timeout passes.
 */
function blockingZpop(
  ctx: CommandContext,
  keys: readonly string[],
  max: boolean,
  timeoutArg: Uint8Array,
  count: number,
  nested: boolean,
): void {
  const timeout = parseBlockingTimeout(timeoutArg);
  for (const key of keys) {
    const zset = lookupZSet(ctx, key);
    if (zset === null || zset.size === 0) continue;
    zpopGeneric(ctx, [key], max, true, count, nested, true);
    return;
  }
  if (ctx.client.inTransaction) {
    ctx.reply.nullArray();
    return;
  }
  const dbIndex = ctx.client.dbIndex;
  ctx.server.blocking.block(ctx, {
    dbIndex,
    keys,
    tryServe(served: CommandContext, key: string): boolean {
      const entry = served.db.get(key, served.now);
      if (entry === undefined || entry.type !== "zset") return false;
      zpopGeneric(served, [key], max, true, count, nested, true);
      return true;
    },
    timedOut(served: CommandContext): void {
      served.reply.nullArray();
    },
  }, timeout);
}

function bzpopMinMax(
  ctx: CommandContext,
  args: Uint8Array[],
  max: boolean,
): void {
  const keys = args.slice(1, -1).map(bytesToString);
  blockingZpop(ctx, keys, max, args[args.length - 1], -1, false);
}

function bzpopmin(ctx: CommandContext, args: Uint8Array[]): void {
  bzpopMinMax(ctx, args, false);
}

function bzpopmax(ctx: CommandContext, args: Uint8Array[]): void {
  bzpopMinMax(ctx, args, true);
}

/** ZMPOP and BZMPOP (zmpopGenericCommand). */
function zmpopGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  numKeysIndex: number,
  blocking: boolean,
): void {
  const numKeys = parseNumkeys(args[numKeysIndex]);
  const whereIndex = numKeysIndex + numKeys + 1;
  if (whereIndex >= args.length) throw new CommandError(Errors.syntax);
  let max: boolean;
  if (equalsIgnoreCase(args[whereIndex], "min")) max = false;
  else if (equalsIgnoreCase(args[whereIndex], "max")) max = true;
  else throw new CommandError(Errors.syntax);
  let count = -1;
  for (let j = whereIndex + 1; j < args.length; j++) {
    const more = args.length - 1 - j;
    if (count === -1 && equalsIgnoreCase(args[j], "count") && more > 0) {
      j++;
      count = parseMultiPopCount(args[j]);
    } else throw new CommandError(Errors.syntax);
  }
  if (count === -1) count = 1;
  const keys = args.slice(numKeysIndex + 1, whereIndex).map(bytesToString);
  if (blocking) blockingZpop(ctx, keys, max, args[1], count, true);
  else zpopGeneric(ctx, keys, max, true, count, true, true);
}

function zmpop(ctx: CommandContext, args: Uint8Array[]): void {
  zmpopGeneric(ctx, args, 1, false);
}

function bzmpop(ctx: CommandContext, args: Uint8Array[]): void {
  zmpopGeneric(ctx, args, 2, true);
}

function zrandmember(ctx: CommandContext, args: Uint8Array[]): void {
  const key = bytesToString(args[1]);
  if (args.length === 2) {
    const zset = readZSet(ctx, key);
    if (zset === null) ctx.reply.nullBulk();
    else ctx.reply.bulkString(zset.randomNode().member);
    return;
  }
  const exact = parseInt64Argument(args[2], { min: -LLONG_MAX });
  let withScores = false;
  if (
    args.length > 4 ||
    (args.length === 4 && !equalsIgnoreCase(args[3], "withscores"))
  ) {
    throw new CommandError(Errors.syntax);
  } else if (args.length === 4) {
    withScores = true;
    if (
      exact < -4611686018427387903n || exact > 4611686018427387903n
    ) throw new CommandError(Errors.valueOutOfRange);
  }
  const zset = readZSet(ctx, key);
  const reply = ctx.reply;
  if (zset === null) {
    reply.array(0);
    return;
  }
  const unique = exact >= 0n;
  const count = Number(unique ? exact : -exact);
  if (count === 0) {
    reply.array(0);
    return;
  }
  const nested = withScores && reply.protocol === 3;
  if (!unique || count === 1) {
    reply.array(withScores && !nested ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const node = zset.randomNode();
      if (nested) reply.array(2);
      reply.bulkString(node.member);
      if (withScores) replyScore(ctx, node.score);
    }
    return;
  }
  if (count >= zset.size) {
    // Redis returns the whole set, walking it from the highest score down.
    const nodes: SkipNode[] = [];
    for (let n = zset.list.last; n !== null; n = n.backward) nodes.push(n);
    replyNodes(ctx, nodes, withScores);
    return;
  }
  const picked = new Set<SkipNode>();
  if (count * 3 > zset.size) {
    // Most members are wanted: drop random ones from a full copy instead.
    const all: SkipNode[] = [];
    for (let n = zset.list.first; n !== null; n = n.next) all.push(n);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    replyNodes(ctx, all.slice(0, count), withScores);
    return;
  }
  while (picked.size < count) picked.add(zset.randomNode());
  replyNodes(ctx, [...picked], withScores);
}

/** One input of ZUNION/ZINTER/ZDIFF: a sorted set or a set, with a weight. */
interface SetOpSource {
  /** Member to score (1 for plain sets); null when the key is missing. */
  readonly scores: ZSet | SetValue | null;
  weight: number;
}

function sourceSize(src: SetOpSource): number {
  return src.scores === null ? 0 : src.scores.size;
}

/** Iterates members and scores of a source. */
function* sourceEntries(src: SetOpSource): Generator<[string, number]> {
  const scores = src.scores;
  if (scores === null) return;
  if (scores instanceof ZSet) {
    for (let n = scores.list.first; n !== null; n = n.next) {
      yield [n.member, n.score];
    }
  } else {
    for (const member of scores.members.keys()) yield [member, 1];
  }
}

function sourceScore(src: SetOpSource, member: string): number | undefined {
  const scores = src.scores;
  if (scores === null) return undefined;
  if (scores instanceof ZSet) return scores.score(member);
  return scores.has(member) ? 1 : undefined;
}

const enum Aggregate {
  Sum,
  Min,
  Max,
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === Aggregate.Sum) {
    const sum = target + value;
    // inf + -inf: Redis keeps the convention that the result is 0.
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === Aggregate.Min) return value < target ? value : target;
  return value > target ? value : target;
}

const enum SetOp {
  Union,
  Inter,
  Diff,
}

const OP_EVENTS = ["zunionstore", "zinterstore", "zdiffstore"];

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD
 * (zunionInterDiffGenericCommand).
 */
function setOpGeneric(
  ctx: CommandContext,
  args: Uint8Array[],
  storeKey: string | null,
  numKeysIndex: number,
  op: SetOp,
  cardinalityOnly: boolean,
): void {
  const setCount = parseIntegerArgument(args[numKeysIndex]);
  if (setCount < 1) {
    throw new CommandError(
      `ERR at least 1 input key is needed for '${
        bytesToString(args[0]).toLowerCase()
      }' command`,
    );
  }
  if (setCount > args.length - (numKeysIndex + 1)) {
    throw new CommandError(Errors.syntax);
  }
  const sources: SetOpSource[] = [];
  let j = numKeysIndex + 1;
  for (let i = 0; i < setCount; i++, j++) {
    const entry = ctx.readKey(bytesToString(args[j]));
    let scores: SetOpSource["scores"] = null;
    if (entry !== undefined) {
      if (entry.type === "zset") scores = entry.value as ZSet;
      else if (entry.type === "set") {
        scores = entry.value as SetValue;
      } else throw new CommandError(Errors.wrongType);
    }
    sources.push({ scores, weight: 1 });
  }
  let how = Aggregate.Sum;
  let withScores = false;
  let limit = 0;
  while (j < args.length) {
    const remaining = args.length - j;
    const opt = args[j];
    if (
      op !== SetOp.Diff && !cardinalityOnly && remaining >= setCount + 1 &&
      equalsIgnoreCase(opt, "weights")
    ) {
      j++;
      for (let i = 0; i < setCount; i++, j++) {
        sources[i].weight = parseFloatArgument(args[j], {
          message: "ERR weight value is not a float",
        });
      }
    } else if (
      op !== SetOp.Diff && !cardinalityOnly && remaining >= 2 &&
      equalsIgnoreCase(opt, "aggregate")
    ) {
      const word = args[j + 1];
      if (equalsIgnoreCase(word, "sum")) how = Aggregate.Sum;
      else if (equalsIgnoreCase(word, "min")) how = Aggregate.Min;
      else if (equalsIgnoreCase(word, "max")) how = Aggregate.Max;
      else throw new CommandError(Errors.syntax);
      j += 2;
    } else if (
      storeKey === null && !cardinalityOnly &&
      equalsIgnoreCase(opt, "withscores")
    ) {
      withScores = true;
      j++;
    } else if (
      cardinalityOnly && remaining >= 2 && equalsIgnoreCase(opt, "limit")
    ) {
      limit = parseIntegerArgument(args[j + 1], {
        min: 0,
        message: Errors.limitNegative,
      });
      j += 2;
    } else throw new CommandError(Errors.syntax);
  }
  // Smallest inputs first (a stable sort, like glibc's merge-based qsort).
  if (op !== SetOp.Diff) sources.sort((a, b) => sourceSize(a) - sourceSize(b));

  const result = new Map<string, number>();
  let cardinality = 0;
  if (op === SetOp.Inter) {
    if (sourceSize(sources[0]) > 0) {
      const first = sources[0];
      for (const [member, value] of sourceEntries(first)) {
        let score = first.weight * value;
        if (Number.isNaN(score)) score = 0;
        let i = 1;
        for (; i < sources.length; i++) {
          const other = sourceScore(sources[i], member);
          if (other === undefined) break;
          score = aggregate(score, other * sources[i].weight, how);
        }
        if (i !== sources.length) continue;
        if (cardinalityOnly) {
          cardinality++;
          if (limit && cardinality >= limit) break;
        } else result.set(member, score);
      }
    }
  } else if (op === SetOp.Union) {
    for (const src of sources) {
      for (const [member, value] of sourceEntries(src)) {
        let score = src.weight * value;
        if (Number.isNaN(score)) score = 0;
        const existing = result.get(member);
        result.set(
          member,
          existing === undefined ? score : aggregate(existing, score, how),
        );
      }
    }
  } else {
    for (const [member, score] of sourceEntries(sources[0])) {
      let found = false;
      for (let i = 1; i < sources.length && !found; i++) {
        found = sourceScore(sources[i], member) !== undefined;
      }
      if (!found) result.set(member, score);
    }
  }

  if (cardinalityOnly) {
    ctx.reply.integer(cardinality);
    return;
  }
  const unlimited = { entries: Infinity, value: Infinity };
  const dst = new ZSet();
  // Built as Redis builds it, in the skip list encoding (-0 stays -0).
  dst.listpack = false;
  for (const [member, score] of result) dst.insert(member, score, unlimited);
  if (storeKey === null) {
    const nodes: SkipNode[] = [];
    for (let n = dst.list.first; n !== null; n = n.next) nodes.push(n);
    replyNodes(ctx, nodes, withScores);
    return;
  }
  if (dst.size === 0) {
    if (ctx.db.get(storeKey, ctx.now) !== undefined) {
      ctx.db.delete(storeKey);
      ctx.keyChanged(storeKey, "g", "del");
    }
    ctx.reply.integer(0);
    return;
  }
  dst.settleEncoding(listpackLimits(ctx));
  storeZSet(ctx, storeKey, dst);
  ctx.keyChanged(storeKey, "z", OP_EVENTS[op]);
  ctx.reply.integer(dst.size);
}

function zunion(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, null, 1, SetOp.Union, false);
}

function zinter(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, null, 1, SetOp.Inter, false);
}

function zdiff(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, null, 1, SetOp.Diff, false);
}

function zunionstore(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, bytesToString(args[1]), 2, SetOp.Union, false);
}

function zinterstore(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, bytesToString(args[1]), 2, SetOp.Inter, false);
}

function zdiffstore(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, bytesToString(args[1]), 2, SetOp.Diff, false);
}

function zintercard(ctx: CommandContext, args: Uint8Array[]): void {
  setOpGeneric(ctx, args, null, 1, SetOp.Inter, true);
}

function zscan(ctx: CommandContext, args: Uint8Array[]): void {
  const cursor = parseScanCursor(args[2]);
  const zset = readZSet(ctx, bytesToString(args[1]));
  const reply = ctx.reply;
  if (zset === null) {
    reply.array(2);
    reply.bulkString("0");
    reply.array(0);
    return;
  }
  const { count, pattern } = parseScanOptions(args, 3);
  let nodes: SkipNode[];
  let next = 0;
  if (zset.listpack) {
    // Redis returns a compact set whole, in order, in a single call.
    nodes = [];
    for (let n = zset.list.first; n !== null; n = n.next) nodes.push(n);
  } else {
    const step = zset.scan(
      cursor > BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.MAX_SAFE_INTEGER
        : Number(cursor),
      count,
    );
    nodes = step.nodes;
    next = step.next;
  }
  if (pattern !== null) {
    nodes = nodes.filter((n) => globMatch(pattern, n.member));
  }
  reply.array(2);
  reply.bulkString(String(next));
  reply.array(nodes.length * 2);
  for (const node of nodes) {
    reply.bulkString(node.member);
    reply.bulkString(formatDouble(node.score));
  }
}

/** Sorted set commands. */
export const ZSET_COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: "zadd",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "update"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Adds members with scores to a sorted set, or updates their scores.",
    complexity: "O(log(N)) for each member added",
    handler: zadd,
  }),
  defineCommand({
    name: "zincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: [keyRange(["RW", "access", "update"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Adds an increment to the score of a member of a sorted set.",
    complexity: "O(log(N))",
    handler: zincrby,
  }),
  defineCommand({
    name: "zrem",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Removes members from a sorted set.",
    complexity: "O(M*log(N)) for M members removed",
    handler: zrem,
  }),
  defineCommand({
    name: "zcard",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns the number of members of a sorted set.",
    complexity: "O(1)",
    handler: zcard,
  }),
  defineCommand({
    name: "zscore",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns the score of a member of a sorted set.",
    complexity: "O(1)",
    handler: zscore,
  }),
  defineCommand({
    name: "zmscore",
    arity: -3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the scores of several members of a sorted set.",
    complexity: "O(N) for N members asked",
    handler: zmscore,
  }),
  defineCommand({
    name: "zrank",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary:
      "Returns the 0-based position of a member in ascending score order.",
    complexity: "O(log(N))",
    handler: zrank,
  }),
  defineCommand({
    name: "zrevrank",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary:
      "Returns the 0-based position of a member in descending score order.",
    complexity: "O(log(N))",
    handler: zrevrank,
  }),
  defineCommand({
    name: "zcount",
    arity: 4,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Counts the members whose scores fall within a range.",
    complexity: "O(log(N))",
    handler: zcount,
  }),
  defineCommand({
    name: "zlexcount",
    arity: 4,
    flags: ["readonly", "fast"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Counts the members within a lexicographical range.",
    complexity: "O(log(N))",
    handler: zlexcount,
  }),
  defineCommand({
    name: "zrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Returns members of a sorted set by rank, score or lexicographical range.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrange,
  }),
  defineCommand({
    name: "zrangestore",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1), keyRange(["RO", "access"], 2)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Stores a range of a sorted set in another key.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrangestore,
  }),
  defineCommand({
    name: "zrevrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns members of a sorted set by rank, highest scores first.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrevrange,
  }),
  defineCommand({
    name: "zrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.0.5",
    summary: "Returns members of a sorted set within a score range.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrangebyscore,
  }),
  defineCommand({
    name: "zrevrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.2.0",
    summary: "Returns members within a score range, highest scores first.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrevrangebyscore,
  }),
  defineCommand({
    name: "zrangebylex",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Returns members within a lexicographical range.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrangebylex,
  }),
  defineCommand({
    name: "zrevrangebylex",
    arity: -4,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.8.9",
    summary:
      "Returns members within a lexicographical range, in reverse order.",
    complexity: "O(log(N)+M) with N the set size and M the number of results",
    handler: zrevrangebylex,
  }),
  defineCommand({
    name: "zremrangebyrank",
    arity: 4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Removes the members within a range of ranks.",
    complexity: "O(log(N)+M) with M the number of members removed",
    handler: zremrangebyrank,
  }),
  defineCommand({
    name: "zremrangebyscore",
    arity: 4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Removes the members within a score range.",
    complexity: "O(log(N)+M) with M the number of members removed",
    handler: zremrangebyscore,
  }),
  defineCommand({
    name: "zremrangebylex",
    arity: 4,
    flags: ["write"],
    keySpecs: [keyRange(["RW", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Removes the members within a lexicographical range.",
    complexity: "O(log(N)+M) with M the number of members removed",
    handler: zremrangebylex,
  }),
  defineCommand({
    name: "zpopmin",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "5.0.0",
    summary: "Removes and returns the members with the lowest scores.",
    complexity: "O(log(N)*M) with M the number of members popped",
    handler: zpopmin,
  }),
  defineCommand({
    name: "zpopmax",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "5.0.0",
    summary: "Removes and returns the members with the highest scores.",
    complexity: "O(log(N)*M) with M the number of members popped",
    handler: zpopmax,
  }),
  defineCommand({
    name: "bzpopmin",
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1, { lastKey: -2 })],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Pops the lowest-scored member of the first non-empty sorted set, waiting if there is none.",
    complexity: "O(log(N))",
    handler: bzpopmin,
  }),
  defineCommand({
    name: "bzpopmax",
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    keySpecs: [keyRange(["RW", "access", "delete"], 1, { lastKey: -2 })],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Pops the highest-scored member of the first non-empty sorted set, waiting if there is none.",
    complexity: "O(log(N))",
    handler: bzpopmax,
  }),
  defineCommand({
    name: "zmpop",
    arity: -4,
    flags: ["write"],
    keySpecs: [keyCount(["RW", "access", "delete"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "7.0.0",
    summary:
      "Pops members with the lowest or highest scores from the first non-empty sorted set.",
    complexity:
      "O(K)+O(M*log(N)) with K the number of keys and M the number of members popped",
    handler: zmpop,
  }),
  defineCommand({
    name: "bzmpop",
    arity: -5,
    flags: ["write", "blocking"],
    keySpecs: [keyCount(["RW", "access", "delete"], 2)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "7.0.0",
    summary: "Like ZMPOP, but waits for a sorted set to get members.",
    complexity:
      "O(K)+O(M*log(N)) with K the number of keys and M the number of members popped",
    handler: bzmpop,
  }),
  defineCommand({
    name: "zrandmember",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns random members of a sorted set.",
    complexity: "O(N) with N the number of members returned",
    handler: zrandmember,
    tips: ["nondeterministic_output"],
  }),
  defineCommand({
    name: "zunion",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyCount(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the union of sorted sets.",
    complexity:
      "O(N)+O(M*log(M)) with N the total input size and M the result size",
    handler: zunion,
  }),
  defineCommand({
    name: "zinter",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyCount(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the intersection of sorted sets.",
    complexity:
      "O(N*K)+O(M*log(M)) with N the smallest input, K the number of inputs and M the result size",
    handler: zinter,
  }),
  defineCommand({
    name: "zdiff",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyCount(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary:
      "Returns the members of the first sorted set missing from the others.",
    complexity:
      "O(L + (N-K)log(N)) worst case, L the total input size, N the first set size, K the result size",
    handler: zdiff,
  }),
  defineCommand({
    name: "zunionstore",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1), keyCount(["RO", "access"], 2)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Stores the union of sorted sets in a key.",
    complexity:
      "O(N)+O(M log(M)) with N the total input size and M the result size",
    handler: zunionstore,
  }),
  defineCommand({
    name: "zinterstore",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1), keyCount(["RO", "access"], 2)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Stores the intersection of sorted sets in a key.",
    complexity:
      "O(N*K)+O(M*log(M)) with N the smallest input, K the number of inputs and M the result size",
    handler: zinterstore,
  }),
  defineCommand({
    name: "zdiffstore",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: [keyRange(["OW", "update"], 1), keyCount(["RO", "access"], 2)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Stores the difference of sorted sets in a key.",
    complexity:
      "O(L + (N-K)log(N)) worst case, L the total input size, N the first set size, K the result size",
    handler: zdiffstore,
  }),
  defineCommand({
    name: "zintercard",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyCount(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "7.0.0",
    summary:
      "Returns the number of members in the intersection of sorted sets.",
    complexity:
      "O(N*K) worst case with N the smallest input and K the number of inputs",
    handler: zintercard,
  }),
  defineCommand({
    name: "zscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: [keyRange(["RO", "access"], 1)],
    categories: ["sortedset"],
    group: "sorted-set",
    since: "2.8.0",
    summary: "Iterates over the members and scores of a sorted set.",
    complexity: "O(1) per call, O(N) for a complete iteration",
    handler: zscan,
    tips: ["nondeterministic_output"],
  }),
];
