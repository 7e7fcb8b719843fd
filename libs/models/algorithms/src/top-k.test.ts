import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TopK, topKExcluding } from './top-k';

/** The reference: every (item, score) sorted best first, ties toward the lower item. */
function sortedTop(scores: Float32Array, k: number, exclude: ReadonlySet<number> = new Set()) {
  return [...scores]
    .map((score, item) => ({ item, score }))
    .filter(({ item }) => !exclude.has(item))
    .sort((a, b) => b.score - a.score || a.item - b.item)
    .slice(0, k);
}

function drained(heap: TopK) {
  const items = new Int32Array(heap.k);
  const scores = new Float32Array(heap.k);
  heap.drainSorted(items, scores, 0);
  return { items: [...items], scores: [...scores] };
}

describe('top-k selection', () => {
  it('keeps the k best, best first, ties toward the lower item, as a full sort does', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [n, k] of [
      [1000, 10],
      [1000, 100],
      [50, 50],
      [7, 3],
    ] as const) {
      // Few distinct values, so ties are common.
      const scores = Float32Array.from({ length: n }, () => Math.round(random() * 20) / 4);
      const heap = new TopK(k);
      scores.forEach((score, item) => heap.push(item, score));
      const expected = sortedTop(scores, k);
      const { items, scores: kept } = drained(heap);
      assert.deepEqual(
        items,
        expected.map((e) => e.item),
        `n=${n} k=${k}`,
      );
      assert.deepEqual(
        kept,
        expected.map((e) => e.score),
      );
      assert.equal(heap.length, 0, 'draining empties the heap');
    }
  });

  it('pads with -1 and -Infinity when fewer than k were pushed, at the given offset', () => {
    const heap = new TopK(4);
    heap.push(3, 0.5);
    heap.push(1, 2);
    const items = new Int32Array(6).fill(9);
    const scores = new Float32Array(6).fill(9);
    heap.drainSorted(items, scores, 2);
    assert.deepEqual([...items], [9, 9, 1, 3, -1, -1]);
    assert.deepEqual([...scores], [9, 9, 2, 0.5, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it('skips the excluded items of a member', () => {
    const scores = Float32Array.from([5, 4, 3, 2, 1, 0]);
    const heap = new TopK(3);
    const items = new Int32Array(3);
    const out = new Float32Array(3);
    topKExcluding(scores, Int32Array.from([0, 2]), 0, 2, heap, items, out, 0);
    assert.deepEqual(
      [...items],
      sortedTop(scores, 3, new Set([0, 2])).map((e) => e.item),
    );
  });
});
