import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AffinityTable } from '@marquee/algorithms';
import type { CatalogItem, Rule } from '@marquee/domain';
import { blendPage, type BlendInput } from './blend';
import { pageContext } from './context';
import { RuleBook } from './merchandising';

const item = (itemId: string, genres: string[]): CatalogItem => ({
  itemId,
  title: `Title ${itemId}`,
  genres,
});
const catalog = new Map(
  [
    item('a', ['Drama']),
    item('b', ['Comedy']),
    item('c', ['Drama']),
    item('d', ['Comedy']),
    item('e', ['Horror']),
    item('f', ['Horror']),
    item('g', ['Drama']),
    item('h', ['Comedy']),
  ].map((i) => [i.itemId, i]),
);
const byGenre = (genre: string) =>
  [...catalog.values()].filter((i) => i.genres.includes(genre)).map((i) => i.itemId);
const now = Date.parse('2026-11-22T21:30:00Z');
const list = (itemIds: string[]) => ({ itemIds, scores: itemIds.map((_, i) => itemIds.length - i) });

const page = (rules: Array<[string, Rule]>, overrides: Partial<BlendInput> = {}, region?: string) => {
  const book = new RuleBook(
    rules.map(([id, rule]) => ({ id, rule })),
    7,
  );
  return blendPage({
    context: pageContext('tv', new Date(now)),
    rows: 10,
    itemsPerRow: 4,
    continueWatching: null,
    watched: new Set(),
    topPicks: { list: list(['a', 'b', 'c', 'd', 'e', 'f']), source: 'memcached', personal: true },
    becauseYouWatched: null,
    trending: { list: list(['g', 'h']), source: 'memory:trending' },
    catalog,
    titlesByGenre: new Map(['Drama', 'Comedy', 'Horror'].map((g) => [g, byGenre(g)])),
    affinities: AffinityTable.empty(),
    taste: new Map(),
    merchandising: book.forPage('tv', region, now),
    ...overrides,
  });
};
const row = (rows: ReturnType<typeof blendPage>, id: string) =>
  rows.find((r) => r.id === id)?.items.map((i) => i.itemId);
const everywhere = (rows: ReturnType<typeof blendPage>) => rows.flatMap((r) => r.items.map((i) => i.itemId));

describe('merchandising rules on a page', () => {
  it('a block keeps titles, and every title of a blocked genre, out of every row', () => {
    const rows = page([
      ['no-a', { action: 'block', items: ['a'] }],
      ['no-horror', { action: 'block', genres: ['Horror'] }],
    ]);
    const shown = everywhere(rows);
    for (const blocked of ['a', 'e', 'f']) assert.ok(!shown.includes(blocked), shown.join());
    assert.ok(!rows.some((r) => r.id === 'genre:horror'));
    assert.deepEqual(row(rows, 'top-picks'), ['b', 'c', 'd']);
  });

  it('a pin places its titles at its position in the named row, with the rule as the reason', () => {
    const rows = page([['premiere', { action: 'pin', items: ['f', 'e'], rows: ['top-picks'], position: 2 }]]);
    assert.deepEqual(row(rows, 'top-picks'), ['a', 'f', 'e', 'b']);
    const pinned = rows.find((r) => r.id === 'top-picks')?.items[1];
    assert.equal(pinned?.reason, 'featured');
    assert.equal(pinned?.rule, 'premiere');
    assert.equal(everywhere(rows).filter((id) => id === 'f').length, 1, 'a pinned title appears once');
  });

  it('a pin without rows goes in the first row that recommends, never in Continue watching', () => {
    const rows = page([['feature', { action: 'pin', items: ['h'], position: 1 }]], {
      continueWatching: { items: [{ itemId: 'b', score: 0.5 }], source: 'signal:continue_watching' },
    });
    assert.deepEqual(row(rows, 'continue-watching'), ['b']);
    assert.equal(row(rows, 'top-picks')?.[0], 'h');
    assert.ok(!row(rows, 'trending-now')?.includes('h'), 'claimed by the pin, not by Trending');
  });

  it('a block wins over a pin, and a pin never brings back a title the filters removed', () => {
    const rows = page(
      [
        ['pin-e', { action: 'pin', items: ['e'], rows: ['top-picks'], position: 1 }],
        ['block-e', { action: 'block', items: ['e'] }],
        ['pin-g', { action: 'pin', items: ['g'], rows: ['top-picks'], position: 1 }],
      ],
      { shown: (itemId) => itemId !== 'g' },
    );
    assert.ok(!everywhere(rows).includes('e'));
    assert.ok(!everywhere(rows).includes('g'));
    assert.equal(row(rows, 'top-picks')?.[0], 'a');
  });

  it('boost and bury multiply scores before the row is ranked', () => {
    const rows = page([
      ['up-d', { action: 'boost', items: ['d'], weight: 10 }],
      ['down-drama', { action: 'bury', genres: ['Drama'], weight: 0.1 }],
    ]);
    assert.deepEqual(row(rows, 'top-picks'), ['d', 'b', 'e', 'f']);
  });

  it('rules apply only on their devices, in their regions and inside their window', () => {
    const block = (extra: Partial<Rule>): Array<[string, Rule]> => [
      ['scoped', { action: 'block', items: ['a'], ...extra }],
    ];
    const blocked = (rules: Array<[string, Rule]>, region?: string) =>
      !everywhere(page(rules, {}, region)).includes('a');
    assert.ok(blocked(block({ devices: ['tv'] })));
    assert.ok(!blocked(block({ devices: ['mobile'] })));
    assert.ok(blocked(block({ regions: ['DE'] }), 'DE'));
    assert.ok(!blocked(block({ regions: ['DE'] }), 'US'));
    assert.ok(!blocked(block({ regions: ['DE'] })), 'a page of no region gets rules of every region only');
    assert.ok(blocked(block({ startsAt: '2026-11-22T21:00:00Z', endsAt: '2026-11-22T22:00:00Z' })));
    assert.ok(!blocked(block({ startsAt: '2026-11-22T21:31:00Z' })));
    assert.ok(!blocked(block({ endsAt: '2026-11-22T21:30:00Z' })), 'endsAt is exclusive');
  });

  it('a view is shared until a window opens or closes, then made afresh', () => {
    const book = new RuleBook(
      [
        {
          id: 'later',
          rule: { action: 'block', items: ['a'], startsAt: new Date(now + 1000).toISOString() },
        },
      ],
      3,
    );
    const before = book.forPage('tv', undefined, now);
    assert.equal(before.empty, true);
    assert.equal(book.forPage('tv', undefined, now + 999), before);
    const after = book.forPage('tv', undefined, now + 1000);
    assert.equal(after.empty, false);
    assert.equal(after.blocks('a', []), true);
    assert.equal(book.forPage('tv', undefined, now + 5000), after);
    assert.match(after.key, /^rules:v3\./);
  });

  it('a page with 100 rules costs lookups, not a scan of the rules per title', () => {
    const rules = Array.from({ length: 100 }, (_, i) => ({
      id: `r${i}`,
      rule: { action: 'bury', items: [`x${i}`], weight: 0.5 } as Rule,
    }));
    const book = new RuleBook(rules, 100);
    const view = book.forPage('tv', undefined, now);
    assert.equal(book.forPage('tv', undefined, now + 1), view, 'made once');
    assert.equal(view.weight('x5', []), 0.5);
    assert.equal(view.weight('a', ['Drama']), 1);
  });
});
