import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentiles';

describe('percentile', () => {
  it('takes the nearest rank, so a p99 of 100 samples is the second largest', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 0.5), 50);
    assert.equal(percentile(values, 0.99), 99);
    assert.equal(percentile(values, 1), 100);
    assert.ok(Number.isNaN(percentile([], 0.5)));
  });
});
