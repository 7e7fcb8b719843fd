import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recoverySeconds } from './overload-bench';

describe('overload benchmark recovery', () => {
  it('counts from the end of the overload until every later window is near the baseline', () => {
    // Baseline p99 5 ms: near is up to 15 ms. The phase began 200 ms after the overload ended.
    assert.equal(recoverySeconds([900, 40, 12, 30, 8, 6], 5, 1200, 1000), 2.2);
    assert.equal(recoverySeconds([6, 7, 5], 5, 1000, 1000), 0);
  });

  it('is null when the last window is still far from the baseline', () => {
    assert.equal(recoverySeconds([6, 7, 300], 5, 1000, 1000), null);
    assert.equal(recoverySeconds([], 5, 1000, 1000), null);
  });
});
