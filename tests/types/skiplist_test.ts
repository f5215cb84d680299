import assert from "node:assert/strict";
import {
  LEX_MAX,
  LEX_MIN,
  lexGteMin,
  lexLteMax,
  type LexRange,
  scoreGteMin,
  scoreLteMax,
  type ScoreRange,
  SkipList,
  type SkipNode,
} from "../../lib/types/skiplist.ts";
import { Picker, prng } from "../helpers/differential.ts";

type Pair = [number, string];

const order = (a: Pair, b: Pair) =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function contents(list: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = list.first; n !== null; n = n.next) {
    out.push([n.score, n.member]);
  }
  return out;
}

function backwards(list: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = list.last; n !== null; n = n.backward) {
    out.push([n.score, n.member]);
  }
  return out.reverse();
}

function randomScoreRange(p: Picker): ScoreRange {
  const a = p.int(-3, 12);
  const b = p.int(-3, 12);
  return {
    min: p.chance(0.1) ? -Infinity : a,
    max: p.chance(0.1) ? Infinity : b,
    minex: p.chance(0.5),
    maxex: p.chance(0.5),
  };
}

function randomLexRange(p: Picker): LexRange {
  const bound = (): LexRange["min"] =>
    p.chance(0.1)
      ? p.pick<LexRange["min"]>([LEX_MIN, LEX_MAX])
      : String.fromCharCode(97 + p.int(0, 5));
  return {
    min: bound(),
    max: bound(),
    minex: p.chance(0.5),
    maxex: p.chance(0.5),
  };
}

Deno.test("skip list matches a sorted array model under random operations", () => {
  for (const seed of [1, 2, 3]) {
    const p = new Picker(prng(seed));
    const list = new SkipList();
    const nodes = new Map<string, SkipNode>();
    let model: Pair[] = [];
    for (let step = 0; step < 3000; step++) {
      const member = String.fromCharCode(97 + p.int(0, 5)) + p.int(0, 40);
      const op = p.int(0, 9);
      if (op <= 3) {
        const score = p.int(0, 10) + (p.chance(0.3) ? 0.5 : 0);
        const node = nodes.get(member);
        if (node === undefined) {
          nodes.set(member, list.insert(score, member));
          model.push([score, member]);
        } else {
          list.updateScore(node, score);
          model = model.map((e) => e[1] === member ? [score, member] : e);
        }
        model.sort(order);
      } else if (op === 4) {
        const node = nodes.get(member);
        assert.equal(list.delete(node?.score ?? 0, member), node !== undefined);
        if (node !== undefined) {
          nodes.delete(member);
          model = model.filter((e) => e[1] !== member);
        }
      } else if (op === 5) {
        const node = nodes.get(member);
        const rank = model.findIndex((e) => e[1] === member) + 1;
        assert.equal(node ? list.rank(node.score, member) : 0, rank);
        const r = p.int(0, model.length + 1);
        const at = list.byRank(r);
        assert.deepEqual(
          at === null ? null : [at.score, at.member],
          r >= 1 && r <= model.length ? model[r - 1] : null,
        );
      } else if (op === 6) {
        const range = randomScoreRange(p);
        const inside = model.filter((e) =>
          scoreGteMin(e[0], range) && scoreLteMax(e[0], range)
        );
        const first = list.firstInScoreRange(range);
        const last = list.lastInScoreRange(range);
        assert.deepEqual(
          first && [first.score, first.member],
          inside[0] ?? null,
        );
        assert.deepEqual(
          last && [last.score, last.member],
          inside.at(-1) ?? null,
        );
      } else if (op === 7) {
        // Lex ranges assume equal scores, as Redis requires.
        const range = randomLexRange(p);
        const flat = new SkipList();
        const members = [...new Set(model.map((e) => e[1][0]))].sort();
        for (const m of members) flat.insert(0, m);
        const inside = members.filter((m) =>
          lexGteMin(m, range) && lexLteMax(m, range)
        );
        assert.equal(
          flat.firstInLexRange(range)?.member ?? null,
          inside[0] ?? null,
        );
        assert.equal(
          flat.lastInLexRange(range)?.member ?? null,
          inside.at(-1) ?? null,
        );
      } else if (op === 8 && p.chance(0.2) && model.length > 0) {
        const start = p.int(1, model.length);
        const end = p.int(start, model.length + 2);
        const removed: string[] = [];
        const count = list.deleteRangeByRank(
          start,
          end,
          (node) => removed.push(node.member),
        );
        const expected = model.slice(start - 1, end);
        assert.equal(count, expected.length);
        assert.deepEqual(removed, expected.map((e) => e[1]));
        for (const m of removed) nodes.delete(m);
        model = model.filter((_, i) => i < start - 1 || i >= end);
      }
      assert.equal(list.length, model.length);
      if (step % 50 === 0) {
        assert.deepEqual(contents(list), model);
        assert.deepEqual(backwards(list), model);
      }
    }
    assert.deepEqual(contents(list), model);
  }
});

Deno.test("skip list ranks stay O(log n) in practice on a large list", () => {
  const list = new SkipList();
  const n = 100_000;
  for (let i = 0; i < n; i++) list.insert(i, `m${i}`);
  const start = performance.now();
  for (let i = 0; i < 10_000; i++) {
    const r = 1 + ((i * 7919) % n);
    const node = list.byRank(r)!;
    assert.equal(list.rank(node.score, node.member), r);
  }
  // Linear scans would take seconds; logarithmic lookups take milliseconds.
  assert.ok(performance.now() - start < 2000);
});
