import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalWindowP99, recoverySeconds } from './overload-bench';

describe('overload benchmark recovery', () => {
  it('counts from the end of the overload until every later window is near the baseline', () => {
    // Normal is up to 15 ms. The phase began 200 ms after the overload ended.
    assert.equal(recoverySeconds([900, 40, 12, 30, 8, 6], 15, 1200, 1000), 2.2);
    assert.equal(recoverySeconds([6, 7, 5], 15, 1000, 1000), 0);
  });

  it('is null when the last window is still far from the baseline', () => {
    assert.equal(recoverySeconds([6, 7, 300], 15, 1000, 1000), null);
    assert.equal(recoverySeconds([], 15, 1000, 1000), null);
  });

  it("takes normal from the baseline phase's own range: its worst window, twice its p99, or 10 ms above it", () => {
    assert.equal(normalWindowP99(5, [4, 6, 5]), 15, 'a fast baseline: 10 ms above it');
    assert.equal(normalWindowP99(30, [20, 35, 28]), 60, 'twice its p99');
    assert.equal(normalWindowP99(17, [11, 84, 20]), 84, 'its worst window');
    assert.equal(normalWindowP99(17, []), 34);
  });
});
