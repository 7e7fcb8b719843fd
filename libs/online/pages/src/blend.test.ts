import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AffinityCounter, AffinityTable } from '@marquee/algorithms';
import type { CatalogItem } from '@marquee/domain';
import { blendPage, type BlendInput } from './blend';
import { pageContext } from './context';

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
    item('e', ['Thriller']),
    item('f', ['Thriller']),
    item('g', ['Drama']),
  ].map((i) => [i.itemId, i]),
);
const byGenre = (genre: string) =>
  [...catalog.values()].filter((i) => i.genres.includes(genre)).map((i) => i.itemId);
const tvTonight = pageContext('tv', new Date('2026-11-22T21:30:00Z'));

const input = (overrides: Partial<BlendInput> = {}): BlendInput => ({
  context: tvTonight,
  rows: 10,
  itemsPerRow: 10,
  continueWatching: null,
  watched: new Set(),
  topPicks: null,
  becauseYouWatched: null,
  trending: null,
  catalog,
  titlesByGenre: new Map(['Drama', 'Comedy', 'Thriller'].map((g) => [g, byGenre(g)])),
  affinities: AffinityTable.empty(),
  taste: new Map(),
  ...overrides,
});

const list = (itemIds: string[]) => ({ itemIds, scores: itemIds.map((_, i) => itemIds.length - i) });
const ids = (rows: ReturnType<typeof blendPage>) => rows.map((r) => [r.id, r.items.map((i) => i.itemId)]);

describe('blendPage', () => {
  it('leaves a title that may not be shown out of every row, Continue watching included', () => {
    const hidden = new Set(['a', 'e']);
    const rows = blendPage(
      input({
        continueWatching: {
          items: [
            { itemId: 'a', score: 0.4 },
            { itemId: 'b', score: 0.2 },
          ],
          source: 'signal:continue_watching',
        },
        topPicks: { list: list(['a', 'c', 'e', 'g']), source: 'memcached', personal: true },
        trending: { list: list(['e', 'f']), source: 'memory:trending' },
        shown: (itemId) => !hidden.has(itemId),
      }),
    );
    const onPage = rows.flatMap((r) => r.items.map((i) => i.itemId));
    assert.ok(onPage.length > 0);
    assert.ok(!onPage.some((id) => hidden.has(id)), onPage.join());
    assert.deepEqual(
      rows.find((r) => r.id === 'continue-watching')?.items.map((i) => i.itemId),
      ['b'],
    );
  });

  it('orders the rows and leaves out watched titles everywhere but Continue watching', () => {
    const rows = blendPage(
      input({
        continueWatching: { items: [{ itemId: 'a', score: 0.4 }], source: 'signal:continue_watching' },
        watched: new Set(['a', 'b']),
        topPicks: {
          list: list(['a', 'b', 'c', 'g']),
          source: 'memcached',
          name: 'als',
          version: 'v1',
          personal: true,
        },
        becauseYouWatched: {
          sourceItemId: 'a',
          list: list(['b', 'd']),
          source: 'signal:because_you_watched',
        },
        trending: { list: list(['e', 'c']), source: 'signal:trending' },
      }),
    );
    assert.deepEqual(ids(rows).slice(0, 4), [
      ['continue-watching', ['a']],
      ['top-picks', ['g']],
      ['because-you-watched', ['d']],
      ['trending-now', ['e', 'c']],
    ]);
    assert.equal(rows[2]?.title, 'Because you watched Title a');
    assert.equal(rows[2]?.basedOn, 'a');
    assert.equal(rows[3]?.reason, 'trending on TV tonight');
    assert.equal(rows[1]?.version, 'v1');
    assert.equal(rows[1]?.list, 'als');
  });

  it('never shows a title twice on a page: short rows claim titles first, genre rows get what is left', () => {
    const rows = blendPage(
      input({
        topPicks: { list: list(['a', 'c', 'e']), source: 'memory:popular', personal: false },
        trending: { list: list(['a', 'f']), source: 'signal:trending' },
      }),
    );
    const all = rows.flatMap((r) => r.items.map((i) => i.itemId));
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual(
      rows.find((r) => r.id === 'trending-now')?.items.map((i) => i.itemId),
      ['a', 'f'],
    );
    assert.deepEqual(
      rows.find((r) => r.id === 'top-picks')?.items.map((i) => i.itemId),
      ['c', 'e'],
    );
    assert.deepEqual(
      rows.map((r) => r.id).slice(0, 2),
      ['top-picks', 'trending-now'],
      'shown in display order',
    );
    const drama = rows.find((r) => r.id === 'genre:drama');
    assert.deepEqual(
      drama?.items.map((i) => i.itemId),
      ['g'],
    );
  });

  it('a row left off the page takes no titles from the rows on it', () => {
    const rows = blendPage(
      input({
        rows: 1,
        topPicks: { list: list(['a', 'b']), source: 'memory:popular', personal: false },
        trending: { list: list(['a']), source: 'signal:trending' },
      }),
    );
    assert.deepEqual(ids(rows), [['top-picks', ['a', 'b']]]);
  });

  it('honours the row and item counts and leaves out empty rows', () => {
    const rows = blendPage(
      input({
        rows: 2,
        itemsPerRow: 1,
        topPicks: { list: list(['a', 'b', 'c']), source: 'memory:popular', personal: false },
        becauseYouWatched: { sourceItemId: 'x', list: { itemIds: [], scores: [] }, source: 'signal' },
      }),
    );
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.items.length === 1));
    assert.ok(!rows.some((r) => r.id === 'because-you-watched'));
  });

  it('re-ranks by the offline device and hour affinities, not by code', () => {
    // Thrillers are what is watched on TV at 21h; comedies on mobile in the morning.
    const counter = new AffinityCounter();
    for (let i = 0; i < 300; i++)
      counter.add({ device: 'tv', playedAt: new Date('2026-11-20T21:10:00Z') }, ['Thriller']);
    for (let i = 0; i < 300; i++)
      counter.add({ device: 'mobile', playedAt: new Date('2026-11-20T08:10:00Z') }, ['Comedy']);
    const affinities = new AffinityTable(counter.cells(), 'v-aff');
    const picks = { list: { itemIds: ['b', 'e'], scores: [1, 0.9] }, source: 'memcached', personal: true };
    const onTv = blendPage(input({ affinities, topPicks: picks }));
    assert.deepEqual(
      onTv[0]?.items.map((i) => i.itemId),
      ['e', 'b'],
    );
    const onMobile = blendPage(
      input({
        affinities,
        topPicks: picks,
        context: pageContext('mobile', new Date('2026-11-22T08:30:00Z')),
      }),
    );
    assert.deepEqual(
      onMobile[0]?.items.map((i) => i.itemId),
      ['b', 'e'],
    );
    // Genre rows follow the same data: Thriller leads the genres on TV at night.
    assert.equal(onTv.find((r) => r.id.startsWith('genre:'))?.id, 'genre:thriller');
  });

  it('leans the popular list of the control group to the genres the member watches', () => {
    const topPicks = {
      list: { itemIds: ['b', 'c'], scores: [1, 0.9] },
      source: 'memory:popular',
      personal: false,
    };
    const rows = blendPage(input({ topPicks, taste: new Map([['Drama', 1]]) }));
    assert.deepEqual(
      rows[0]?.items.map((i) => i.itemId),
      ['c', 'b'],
    );
    assert.match(rows[0]?.reason ?? '', /genres you watch/);
    const personal = blendPage(
      input({ topPicks: { ...topPicks, personal: true }, taste: new Map([['Drama', 1]]) }),
    );
    assert.deepEqual(
      personal[0]?.items.map((i) => i.itemId),
      ['b', 'c'],
    );
  });

  it('keeps the order of a row served again from the last page', () => {
    const counter = new AffinityCounter();
    for (let i = 0; i < 300; i++)
      counter.add({ device: 'tv', playedAt: new Date('2026-11-20T21:10:00Z') }, ['Thriller']);
    const rows = blendPage(
      input({
        affinities: new AffinityTable(counter.cells(), 'v'),
        topPicks: { list: list(['b', 'e']), source: 'fallback:last-page', ranked: true, personal: true },
      }),
    );
    assert.deepEqual(
      rows[0]?.items.map((i) => i.itemId),
      ['b', 'e'],
    );
    assert.equal(rows[0]?.source, 'fallback:last-page');
  });
});
