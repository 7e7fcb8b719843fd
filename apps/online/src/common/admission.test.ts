import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, EventLoopLag } from './admission';

describe('admission control', () => {
  it('admits up to the bound of requests in flight, then refuses until one is released', () => {
    const admission = new Admission({ maxInFlight: 2, shedLagMs: 100 }, { ms: 0 });
    assert.equal(admission.admit(), undefined);
    assert.equal(admission.admit(), undefined);
    assert.equal(admission.admit(), 'in_flight');
    assert.equal(admission.current, 2);
    admission.release();
    assert.equal(admission.admit(), undefined);
  });

  it('refuses while the event loop lags more than the threshold, and admits again once it does not', () => {
    const lag = { ms: 250 };
    const admission = new Admission({ maxInFlight: 100, shedLagMs: 100 }, lag);
    assert.equal(admission.admit(), 'lag');
    assert.equal(admission.current, 0, 'a refused request holds no place');
    lag.ms = 20;
    assert.equal(admission.admit(), undefined);
  });

  it('smooths the lag: one long pause does not shed alone, a loop late every time does', () => {
    const threshold = 100;
    const lag = new EventLoopLag(2 * threshold);
    lag.stop();
    let at = performance.now();
    lag.sample((at += 20 + 2000));
    assert.ok(lag.ms < threshold, `one 2 s pause: ${lag.ms} ms`);
    for (let i = 0; i < 10; i += 1) lag.sample((at += 20 + 150));
    assert.ok(lag.ms > threshold, `150 ms late every time: ${lag.ms} ms`);
    for (let i = 0; i < 20; i += 1) lag.sample((at += 20));
    assert.ok(lag.ms < 5, `on time again: ${lag.ms} ms`);
  });
});
