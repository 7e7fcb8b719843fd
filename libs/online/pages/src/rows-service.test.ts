import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogItem, ScoredList } from '@marquee/domain';
import { ListStore, type Cache, type ListsRepository } from '@marquee/storage';
import { ReferenceData, type ReferenceDeps } from './reference-data';
import { type RowsDeps, type RowsServiceOptions, RowsService } from './rows-service';

const never = <T>() => new Promise<T>(() => undefined);
const failing = <T>() => Promise.reject<T>(new Error('NoHostAvailableError: all hosts tried'));

const catalog = new Map<string, CatalogItem>(
  ['p1', 'p2', 'p3', 'x1', 'x2', 'w1'].map((id) => [
    id,
    { itemId: id, title: `Title ${id}`, genres: ['Drama'] },
  ]),
);

/** A service over fakes: `reads` decides, per test, how each store answers. */
function service(
  reads: {
    list?: () => Promise<ScoredList | null>;
    continueWatching?: () => Promise<unknown[]>;
    recentPlays?: () => Promise<unknown[]>;
  },
  options: RowsServiceOptions = {},
) {
  const reference = new ReferenceData({} as ReferenceDeps);
  reference.catalog = catalog;
  reference.titlesByGenre = new Map([['Drama', [...catalog.keys()]]]);
  reference.popular = {
    name: 'popular',
    version: 'vpop',
    list: { itemIds: ['p1', 'p2', 'p3'], scores: [3, 2, 1] },
  };
  reference.variants = [{ name: 'als-test', traffic: 1 }];
  void reference.onPublished('als-test', 'v7');
  const fallbacks: string[] = [];
  const cache = { getJson: async () => undefined, setJson: async () => true, addJson: async () => true };
  const stored = {
    readEntry: () => (reads.list ?? (async () => ({ itemIds: ['x1', 'x2'], scores: [0.9, 0.8] })))(),
  };
  const deps = {
    reference,
    lists: new ListStore(stored as unknown as ListsRepository, cache as unknown as Cache),
    continueWatching: { read: () => (reads.continueWatching ?? (async () => []))() },
    recentPlays: { read: () => (reads.recentPlays ?? (async () => []))() },
    becauseYouWatched: { read: async () => null },
  } as unknown as RowsDeps;
  const rows = new RowsService(deps, {
    deadlineMs: 30,
    observer: {
      read: () => undefined,
      fallback: (row, to) => fallbacks.push(`${row}→${to}`),
      page: () => undefined,
    },
    ...options,
  });
  return { rows, fallbacks };
}

const request = { memberId: 'm1', device: 'tv' as const, rows: 5, itemsPerRow: 5 };
const topPicks = (page: Awaited<ReturnType<RowsService['page']>>) =>
  page.rows.find((r) => r.id === 'top-picks');

describe('RowsService deadlines and fallbacks', () => {
  it("serves the variant's personal list and says which store served it", async () => {
    const { rows } = service({});
    const page = await rows.page(request);
    assert.deepEqual(page.variant, { experiment: 'rows', name: 'als-test', list: 'als-test', version: 'v7' });
    assert.deepEqual(
      topPicks(page)?.items.map((i) => i.itemId),
      ['x1', 'x2'],
    );
    assert.equal(topPicks(page)?.source, 'cassandra');
    assert.equal(page.degraded, false);
  });

  it('fills a late personal list from the popular list in memory, and says so', async () => {
    const { rows, fallbacks } = service({ list: never });
    const page = await rows.page(request);
    assert.equal(topPicks(page)?.source, 'fallback:popular-memory');
    assert.deepEqual(
      topPicks(page)?.items.map((i) => i.itemId),
      ['p1', 'p2', 'p3'],
    );
    assert.equal(page.degraded, true);
    assert.match(page.fallbacks.join(), /top-picks: list als-test late \(deadline 30 ms\) → popular-memory/);
    assert.deepEqual(fallbacks, ['top-picks→popular-memory']);
  });

  it("prefers the member's last served page once there is one", async () => {
    let answer: () => Promise<ScoredList | null> = async () => ({
      itemIds: ['x2', 'x1'],
      scores: [0.9, 0.8],
    });
    const { rows } = service({ list: () => answer() });
    await rows.page(request);
    answer = failing;
    const page = await rows.page(request);
    assert.equal(topPicks(page)?.source, 'fallback:last-page');
    assert.deepEqual(
      topPicks(page)?.items.map((i) => i.itemId),
      ['x2', 'x1'],
    );
    assert.match(page.fallbacks.join(), /failed \(NoHostAvailableError/);
  });

  it('keeps serving a page when every signal read fails', async () => {
    const { rows } = service({ list: failing, continueWatching: failing, recentPlays: failing });
    const page = await rows.page(request);
    assert.equal(page.degraded, true);
    assert.ok(page.rows.length > 0);
    assert.ok(page.sources.includes('fallback:popular-memory'));
  });

  it('a member without a published version of their list gets popular, noted as such', async () => {
    const { rows } = service({ list: async () => null });
    const page = await rows.page(request);
    assert.equal(topPicks(page)?.source, 'fallback:popular-memory');
    assert.match(page.fallbacks.join(), /list als-test missing/);
  });

  it('serves a repeated request from the near cache until a play of the member goes through', async () => {
    let reads = 0;
    const { rows: near } = service(
      {
        continueWatching: async () => {
          reads += 1;
          return [];
        },
      },
      { signalsTtlMs: 60_000 },
    );
    const first = await near.page(request);
    const again = await near.page(request);
    assert.equal(reads, 1);
    assert.deepEqual(again.rows, first.rows);
    await near.page({ ...request, device: 'mobile' });
    assert.equal(reads, 1, 'another device of the member shares the reads');
    near.forget('m1');
    await near.page(request);
    assert.equal(reads, 2);
  });
  it('serves a page past its time once more while the next one is blended, then the new one', async () => {
    let reads = 0;
    const { rows: near } = service(
      {
        continueWatching: async () => {
          reads += 1;
          return [];
        },
      },
      { signalsTtlMs: 1000 },
    );
    const at = (ms: number) => ({ ...request, now: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, ms)) });
    const first = await near.page(at(0));
    const stale = await near.page(at(1500));
    assert.deepEqual(stale.rows, first.rows);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reads, 2, 'the stale page started a new read off the request');
    await near.page(at(1600));
    assert.equal(reads, 2, 'the refreshed page is served from the near cache');
    await near.page(at(5000));
    assert.equal(reads, 3, 'a page past twice its time is blended in line');
  });

  it('serves a degraded page again for its short ttl instead of waiting out the deadline per request', async () => {
    let reads = 0;
    const { rows } = service(
      {
        list: () => {
          reads += 1;
          return never<ScoredList | null>();
        },
      },
      { degradedTtlMs: 1000 },
    );
    const at = (ms: number) => ({ ...request, now: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, ms)) });
    const first = await rows.page(at(0));
    assert.equal(first.degraded, true);
    const started = performance.now();
    const again = await rows.page(at(500));
    assert.ok(performance.now() - started < 20, 'the kept page does not wait for the slow store');
    assert.equal(again.degraded, true);
    assert.deepEqual(again.rows, first.rows);
    assert.equal(reads, 1);
    await rows.page(at(1500));
    assert.equal(reads, 2, 'past its ttl the stores are tried again');
  });

  it('never keeps a degraded page as the last page that fallbacks serve', async () => {
    let list: () => Promise<ScoredList | null> = failing;
    const { rows } = service({ list: () => list() }, { degradedTtlMs: 1000 });
    const at = (ms: number) => ({ ...request, now: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, ms)) });
    await rows.page(at(0));
    list = async () => ({ itemIds: ['x1', 'x2'], scores: [0.9, 0.8] });
    const whole = await rows.page(at(2000));
    assert.equal(whole.degraded, false);
    list = failing;
    const degraded = await rows.page({ ...at(5000), device: 'mobile' });
    assert.equal(
      topPicks(degraded)?.source,
      'fallback:last-page',
      'the whole page stands in, not the degraded one',
    );
  });
});
