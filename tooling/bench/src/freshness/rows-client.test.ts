import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { personalTopPicks, reflects, titleToPlay, type RowsAnswer } from './rows-client';

const page = (continueWatching: string[], topPicks: string[] | null, list = 'als-1'): RowsAnswer => ({
  variant: { name: list },
  rows: [
    ...(continueWatching.length > 0
      ? [{ id: 'continue-watching', items: continueWatching.map((itemId) => ({ itemId })) }]
      : []),
    ...(topPicks ? [{ id: 'top-picks', list, items: topPicks.map((itemId) => ({ itemId })) }] : []),
  ],
});

describe('freshness: reading a member page', () => {
  it('plays a Top pick the member has not started', () => {
    assert.equal(titleToPlay(page(['a'], ['a', 'b', 'c'])), 'b');
    assert.equal(titleToPlay(page([], null)), undefined);
  });

  it('counts a play as reflected once the title is in Continue watching and out of Top picks', () => {
    assert.equal(reflects(page([], ['b']), 'b'), false);
    assert.equal(reflects(page(['b'], ['b', 'c']), 'b'), false);
    assert.equal(reflects(page(['b'], ['c']), 'b'), true);
    assert.equal(reflects(page(['b'], null), 'b'), true);
  });

  it("tells the member's own Top picks from the popular fallback", () => {
    assert.equal(personalTopPicks(page([], ['a'], 'als-1'), new Set(['als-1'])), true);
    assert.equal(personalTopPicks(page([], ['a'], 'popular'), new Set(['als-1'])), false);
  });
});
