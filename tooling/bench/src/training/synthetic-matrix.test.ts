import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticImplicitMatrix } from './synthetic-matrix';

describe('syntheticImplicitMatrix', () => {
  const m = syntheticImplicitMatrix({ interactions: 20_000 });

  it('holds exactly the requested interactions, 20 per member and 50 per title on average', () => {
    assert.equal(m.indices.length, 20_000);
    assert.equal(m.numUsers, 1000);
    assert.equal(m.numItems, 400);
    assert.equal(m.indptr[m.numUsers], 20_000);
  });

  it('is a valid CSR matrix: rows sorted, no repeated title, play counts ≥ 1', () => {
    for (let u = 0; u < m.numUsers; u++) {
      for (let p = (m.indptr[u] as number) + 1; p < (m.indptr[u + 1] as number); p++)
        assert.ok((m.indices[p] as number) > (m.indices[p - 1] as number), `member ${u}`);
    }
    assert.ok(m.values.every((v) => v >= 1 && Number.isInteger(v)));
  });

  it('has a long tail: the top 10% of titles take far more than 10% of the plays', () => {
    const counts = new Int32Array(m.numItems);
    for (const i of m.indices) counts[i] = (counts[i] as number) + 1;
    const sorted = [...counts].sort((a, b) => b - a);
    const head = sorted.slice(0, m.numItems / 10).reduce((a, b) => a + b, 0);
    assert.ok(head / m.indices.length > 0.25, `head share ${head / m.indices.length}`);
  });

  it('is the same for the same seed', () => {
    const again = syntheticImplicitMatrix({ interactions: 20_000 });
    assert.deepEqual(again.indices, m.indices);
    assert.deepEqual(again.values, m.values);
  });
});
