import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { historyVector, topPicksFor } from './fold-in';

describe('nearline fold-in scoring', () => {
  const itemIds = ['a', 'b', 'c', 'd', 'e'];
  // Two factors: titles a, b lean one way, d, e the other, c in between.
  const itemFactors = Float32Array.from([1, 0, 0.9, 0.1, 0.5, 0.5, 0.1, 0.9, 0, 1]);

  it('counts plays per known title, in model index order, leaving out unknown titles', () => {
    const index = new Map(itemIds.map((id, i) => [id, i]));
    const { items, values } = historyVector(
      [{ itemId: 'd' }, { itemId: 'a' }, { itemId: 'new-title' }, { itemId: 'd' }],
      index,
    );
    assert.deepEqual([...items], [0, 3]);
    assert.deepEqual([...values], [1, 2]);
  });

  it('ranks titles by their factors · the member vector, best first, without the excluded ones', () => {
    const list = topPicksFor(itemFactors, 2, itemIds, Float32Array.from([1, 0.2]), 3, Int32Array.from([0]));
    assert.deepEqual(list.itemIds, ['b', 'c', 'd']);
    assert.deepEqual(list.scores, [0.92, 0.6, 0.28]);
  });

  it('returns fewer than k titles when the catalog runs out', () => {
    const list = topPicksFor(itemFactors, 2, itemIds, Float32Array.from([0, 1]), 10, Int32Array.from([3, 4]));
    assert.deepEqual(list.itemIds, ['c', 'b', 'a']);
  });

  it('scores with any number of factors as the plain dot product does', () => {
    const factors = 7;
    const ids = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const y = Float32Array.from({ length: ids.length * factors }, (_, i) => Math.sin(i * 1.7));
    const x = Float32Array.from({ length: factors }, (_, q) => Math.cos(q));
    const exclude = Int32Array.from([2, 5, 39]);
    const plain = ids
      .map((id, i) => ({ id, i, score: x.reduce((s, xq, q) => s + (y[i * factors + q] as number) * xq, 0) }))
      .filter(({ i }) => !exclude.includes(i))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, 10);
    const list = topPicksFor(y, factors, ids, x, 10, exclude);
    assert.deepEqual(
      list.itemIds,
      plain.map((p) => p.id),
    );
    list.scores.forEach((score, j) =>
      assert.ok(Math.abs(score - (plain[j] as { score: number }).score) < 1e-4),
    );
  });
});
