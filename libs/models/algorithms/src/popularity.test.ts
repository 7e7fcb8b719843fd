import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PopularityCounter } from './popularity';

const day = 24 * 3600 * 1000;
const now = Date.parse('2026-11-22T00:00:00Z');

describe('PopularityCounter', () => {
  it('ranks by how many members played a title, not how often one member did', () => {
    const counter = new PopularityCounter({ k: 10, halfLifeDays: 30 });
    for (let i = 0; i < 20; i++) counter.add({ memberId: 'binger', itemId: 'a', at: now - day });
    for (const m of ['m1', 'm2', 'm3']) counter.add({ memberId: m, itemId: 'b', at: now - day });
    const top = counter.top(now);
    assert.deepEqual(top.itemIds, ['b', 'a']);
  });

  it('decays old plays: a play one half-life ago counts half', () => {
    const counter = new PopularityCounter({ k: 2, halfLifeDays: 7 });
    counter.add({ memberId: 'm1', itemId: 'old', at: now - 7 * day });
    counter.add({ memberId: 'm1', itemId: 'new', at: now });
    const top = counter.top(now);
    assert.deepEqual(top.itemIds, ['new', 'old']);
    assert.deepEqual(top.scores, [1, 0.5]);
  });

  it('keeps only k titles', () => {
    const counter = new PopularityCounter({ k: 3, halfLifeDays: 7 });
    for (let i = 0; i < 10; i++) counter.add({ memberId: `m${i}`, itemId: `i${i}`, at: now - i * day });
    assert.equal(counter.top(now).itemIds.length, 3);
  });

  it('rejects invalid params', () => {
    assert.throws(() => new PopularityCounter({ k: 0, halfLifeDays: 7 }), /k must be a positive integer/);
    assert.throws(() => new PopularityCounter({ k: 5, halfLifeDays: 0 }), /halfLifeDays must be positive/);
  });
});
