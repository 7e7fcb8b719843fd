import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Play } from '@marquee/domain';
import type { Cache, TrendingIncrement, TrendingRepository } from '@marquee/storage';
import { TrendingSignal } from './trending';

/** The repository's claims and counter additions in memory; `landThenFail` makes the next add land and then throw, as a write that timed out after it was applied. */
function repository() {
  const claims = new Set<string>();
  const counts = new Map<string, number>();
  let landThenFail = false;
  const stored = {
    claim: async (key: string) => {
      if (claims.has(key)) return false;
      claims.add(key);
      return true;
    },
    add: async (increments: TrendingIncrement[]) => {
      for (const { scope, itemId, plays } of increments)
        counts.set(`${scope}|${itemId}`, (counts.get(`${scope}|${itemId}`) ?? 0) + plays);
      if (landThenFail) {
        landThenFail = false;
        throw new Error('write timeout (the counters were applied)');
      }
    },
  } as unknown as TrendingRepository;
  return { stored, counts, failNextAfterLanding: () => (landThenFail = true) };
}

const now = Date.parse('2026-01-01T20:00:00Z');
const play = (n: number, itemId = 't1'): Play => ({
  eventId: `e${n}`,
  userId: `m${n}`,
  itemId,
  device: 'tv',
  timestamp: new Date(now - 60_000).toISOString(),
  positionMs: 1,
  durationMs: 10,
});

describe('trending counts', () => {
  it('counts a set of plays once, however often it is counted again', async () => {
    const { stored, counts } = repository();
    const trending = new TrendingSignal(stored, {} as Cache);
    const plays = [play(1), play(2), play(3, 't2')];
    assert.equal(await trending.countOnce(plays, now), 3);
    assert.equal(await trending.countOnce([...plays].reverse(), now), 0, 'the same set in another order');
    assert.equal(counts.get('all|t1'), 2);
    assert.equal(counts.get('device:tv|t2'), 1);
  });

  it('a retry after a counter write that landed but reported a failure does not count twice', async () => {
    const { stored, counts, failNextAfterLanding } = repository();
    const trending = new TrendingSignal(stored, {} as Cache);
    const plays = [play(1), play(2)];
    failNextAfterLanding();
    await assert.rejects(trending.countOnce(plays, now), /write timeout/);
    assert.equal(await trending.countOnce(plays, now), 0);
    assert.equal(counts.get('all|t1'), 2);
  });
});
