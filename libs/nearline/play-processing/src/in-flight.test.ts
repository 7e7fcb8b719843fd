import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight } from './in-flight';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InFlight', () => {
  it('settles after every tracked promise, rejected ones and ones tracked while waiting included', async () => {
    const inFlight = new InFlight();
    const order: string[] = [];
    const failing = inFlight.track(sleep(5).then(() => Promise.reject(new Error('no'))));
    void inFlight.track(
      sleep(10).then(() => {
        order.push('first');
        void inFlight.track(sleep(10).then(() => void order.push('late')));
      }),
    );
    await assert.rejects(failing, /no/, 'the tracked promise is returned as given');
    await inFlight.settled();
    assert.deepEqual(order, ['first', 'late']);
  });

  it('settles at once with nothing tracked', async () => {
    await new InFlight().settled();
  });
});
