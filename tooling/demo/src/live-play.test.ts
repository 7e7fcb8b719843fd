import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '@marquee/domain';
import { describePlacement, placementOf, reflected } from './live-play';

const row = (id: string, ...itemIds: string[]): Row => ({
  id,
  title: id,
  reason: id,
  source: 'test',
  items: itemIds.map((itemId) => ({ itemId, title: itemId, score: 1 })),
});

describe('the live play on the page', () => {
  it('is reflected once it is in Continue watching and in no other row', () => {
    const page = [row('continue-watching', 'i2', 'i1'), row('top-picks', 'i3')];
    assert.deepEqual(placementOf(page, 'i2'), { inContinueWatching: true, elsewhere: [] });
    assert.equal(reflected(placementOf(page, 'i2')), true);
  });

  it('is not reflected while another row still shows it, or while Continue watching lacks it', () => {
    const pinned = [row('continue-watching', 'i2'), row('top-picks', 'i3', 'i2')];
    assert.equal(reflected(placementOf(pinned, 'i2')), false);
    assert.equal(
      describePlacement(pinned, 'i2'),
      'i2 is in Continue watching but also in top-picks; the page: continue-watching (1), top-picks (2)',
    );
    const stale = [row('top-picks', 'i2')];
    assert.equal(reflected(placementOf(stale, 'i2')), false);
    assert.match(describePlacement(stale, 'i2'), /not in Continue watching; still in top-picks/);
  });

  it('names a page without the title or without rows', () => {
    assert.equal(
      describePlacement([row('continue-watching', 'i1')], 'i9'),
      'i9 is on no row; the page: continue-watching (1)',
    );
    assert.equal(describePlacement([], 'i9'), 'i9 is on no row; the page: no rows');
  });
});
