import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlidingWindowStorage } from './sliding-window-storage';

describe('rate limit hits in a sliding window', () => {
  it('counts hits within the ttl, blocks past the limit for the block duration, then counts afresh', () => {
    const storage = new SlidingWindowStorage();
    const hit = (now: number) => storage.count('device:m1', 1000, 3, 1000, now);
    assert.deepEqual(
      [0, 100, 200].map((t) => hit(t).isBlocked),
      [false, false, false],
    );
    const over = hit(300);
    assert.equal(over.isBlocked, true);
    assert.equal(over.totalHits, 4);
    assert.equal(over.timeToBlockExpire, 1);
    // Blocked requests are not counted: the block ends when it was set to.
    assert.equal(hit(900).totalHits, 4);
    const after = hit(1300);
    assert.equal(after.isBlocked, false);
    assert.equal(after.totalHits, 1, 'the hits before the block have left the window');
  });

  it('slides: old hits leave the window one by one', () => {
    const storage = new SlidingWindowStorage();
    const hit = (now: number) => storage.count('k', 1000, 10, 1000, now);
    hit(0);
    hit(500);
    assert.equal(hit(999).totalHits, 3);
    assert.equal(hit(1000).totalHits, 3, 'the hit at 0 expired at 1000');
    assert.equal(hit(1600).totalHits, 3, 'the hit at 500 expired at 1500');
  });

  it('keeps keys and throttlers apart, and forgets idle keys', async () => {
    const storage = new SlidingWindowStorage();
    await storage.increment('a', 60_000, 1, 60_000, 'default');
    const other = await storage.increment('b', 60_000, 1, 60_000, 'default');
    assert.equal(other.isBlocked, false);
    assert.equal((await storage.increment('a', 60_000, 1, 60_000, 'burst')).isBlocked, false);
    const idle = new SlidingWindowStorage();
    idle.count('gone', 10, 5, 10, 0);
    for (let i = 0; i < 10_000; i++) idle.count('busy', 100_000, 1e9, 10, 1000);
    assert.equal(idle.size, 1, 'the expired key was swept');
  });
});
