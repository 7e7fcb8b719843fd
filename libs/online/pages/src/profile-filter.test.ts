import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredCatalogItem, StoredProfile } from '@marquee/domain';
import { ListStore, type Cache, type ListsRepository } from '@marquee/storage';
import { MaturityIndex } from './maturity-index';
import { MemberProfiles } from './member-profiles';
import { ReferenceData, type ReferenceDeps } from './reference-data';
import { type RowsDeps, type RowsPage, RowsService } from './rows-service';

const never = <T>() => new Promise<T>(() => undefined);
const failing = <T>() => Promise.reject<T>(new Error('NoHostAvailableError: all hosts tried'));

const titles: StoredCatalogItem[] = [
  { itemId: 'g1', title: 'Meadow', genres: ['Family'], maturityRating: 'G' },
  { itemId: 'pg1', title: 'Treasure', genres: ['Family'], maturityRating: 'PG' },
  { itemId: 't1', title: 'Heist', genres: ['Action'], maturityRating: 'PG-13' },
  { itemId: 'r1', title: 'Night Shift', genres: ['Action'], maturityRating: 'R' },
  { itemId: 'nc1', title: 'Afterhours', genres: ['Drama'], maturityRating: 'NC-17' },
  { itemId: 'u1', title: 'Festival Cut', genres: ['Drama'] },
  {
    itemId: 'de1',
    title: 'Märchen',
    genres: ['Family'],
    maturityRating: 'G',
    availability: { regions: ['DE'] },
  },
];
const everything = titles.map((t) => t.itemId);
const KIDS = ['g1', 'pg1', 'de1'];

/** A service over fakes whose every list, signal and fallback is full of mature titles. */
function service(profile: () => Promise<StoredProfile | null>, options: { signalsTtlMs?: number } = {}) {
  const reference = new ReferenceData({} as ReferenceDeps);
  reference.catalog = new Map(titles.map((t) => [t.itemId, t]));
  reference.titlesByGenre = new Map([
    ['Action', ['r1', 't1']],
    ['Drama', ['nc1', 'u1']],
    ['Family', ['g1', 'pg1', 'de1']],
  ]);
  reference.popular = {
    name: 'popular',
    version: 'vpop',
    list: { itemIds: everything, scores: everything.map(() => 1) },
  };
  reference.trending = new Map([['tv', { itemIds: ['r1', 'nc1', 'g1'], scores: [3, 2, 1] }]]);
  reference.variants = [{ name: 'als-test', traffic: 1 }];
  void reference.onPublished('als-test', 'v7');
  const cache = { getJson: async () => undefined, setJson: async () => true, addJson: async () => true };
  const state = {
    list: async () =>
      ({ itemIds: ['r1', 'u1', 'nc1', 't1', 'pg1', 'g1', 'de1'], scores: [7, 6, 5, 4, 3, 2, 1] }) as unknown,
  };
  const deps = {
    reference,
    lists: new ListStore(
      { readEntry: () => state.list() } as unknown as ListsRepository,
      cache as unknown as Cache,
    ),
    continueWatching: {
      read: async () => [
        { itemId: 'r1', positionMs: 10, durationMs: 100, device: 'tv', updatedAt: '2026-12-01T00:00:00Z' },
      ],
    },
    recentPlays: { read: async () => [] },
    becauseYouWatched: {
      read: async () => ({
        sourceItemId: 'g1',
        list: { itemIds: ['nc1', 'pg1'], scores: [2, 1] },
        modelVersion: 'k1',
      }),
    },
    profiles: { read: () => profile() },
  } as unknown as RowsDeps;
  const rows = new RowsService(deps, { deadlineMs: 30, signalsTtlMs: options.signalsTtlMs ?? 0 });
  return { rows, state };
}

const request = { memberId: 'm1', device: 'tv' as const, rows: 10, itemsPerRow: 10 };
const shownOn = (page: RowsPage) => new Set(page.rows.flatMap((r) => r.items.map((i) => i.itemId)));
const stored = (maturity: StoredProfile['maturity'], region?: string): StoredProfile => ({
  maturity,
  ...(region ? { region } : {}),
  updatedAt: '2026-12-01T00:00:00Z',
});

describe('pages filtered by the member profile', () => {
  it('a kids profile sees only G and PG titles in every row, Continue watching and the raw list included', async () => {
    const { rows } = service(async () => stored('kids'));
    const page = await rows.page(request);
    assert.deepEqual([...shownOn(page)].sort(), [...KIDS].sort());
    assert.deepEqual(page.profile, { maturity: 'kids', profile: 'stored' });
    assert.equal(page.degraded, false);
    const raw = await rows.recommendations('m1', 20);
    assert.deepEqual(
      raw.items.map((i) => i.itemId),
      ['pg1', 'g1', 'de1'],
    );
  });

  it('a teen profile adds PG-13, never R, NC-17 or unrated titles', async () => {
    const { rows } = service(async () => stored('teen'));
    assert.deepEqual([...shownOn(await rows.page(request))].sort(), [...KIDS, 't1'].sort());
  });

  it('a member without a profile is an adult in the region of the request', async () => {
    const { rows } = service(async () => null);
    const page = await rows.page({ ...request, region: 'US' });
    assert.deepEqual(page.profile, { maturity: 'adult', region: 'US', profile: 'default' });
    assert.deepEqual([...shownOn(page)].sort(), everything.filter((id) => id !== 'de1').sort());
  });

  it("the profile's region takes the place of the request's", async () => {
    const { rows } = service(async () => stored('kids', 'US'));
    const page = await rows.page({ ...request, region: 'DE' });
    assert.equal(page.profile.region, 'US');
    assert.deepEqual([...shownOn(page)].sort(), ['g1', 'pg1']);
  });

  for (const [how, read] of [
    ['fails', failing],
    ['is late', never],
  ] as const)
    it(`fails closed: a profile read that ${how} filters the page as kids and says so`, async () => {
      const { rows } = service(read);
      const page = await rows.page(request);
      assert.deepEqual([...shownOn(page)].sort(), [...KIDS].sort());
      assert.deepEqual(page.profile, { maturity: 'kids', profile: 'unread' });
      assert.equal(page.degraded, true);
      assert.match(page.fallbacks.join(), /profile: profile (failed|late).* → kids/);
      const raw = await rows.recommendations('m1', 20);
      assert.equal(raw.degraded, true);
      assert.ok(raw.items.every((i) => KIDS.includes(i.itemId)));
      assert.equal((await rows.viewer('m1')).maturity, 'kids');
    });

  it("a switch to kids takes effect on the next page, the last page's fallback rows filtered too", async () => {
    let profile = stored('adult');
    const { rows, state } = service(async () => profile, { signalsTtlMs: 60_000 });
    assert.ok(shownOn(await rows.page(request)).has('r1'));
    profile = stored('kids');
    assert.ok(shownOn(await rows.page(request)).has('r1'), 'kept in the near cache until told');
    rows.invalidate('m1');
    state.list = failing;
    const page = await rows.page(request);
    assert.ok(page.sources.includes('fallback:last-page'));
    assert.deepEqual([...shownOn(page)].sort(), [...KIDS].sort());
  });
});

describe('MaturityIndex and the profile cache', () => {
  it('a title the catalog does not know is hidden from kids and teens, shown to adults', () => {
    const index = MaturityIndex.of(new Map(titles.map((t) => [t.itemId, t])));
    assert.equal(index.allows('unknown', 'kids'), false);
    assert.equal(index.allows('unknown', 'teen'), false);
    assert.equal(index.allows('unknown', 'adult'), true);
    assert.equal(index.allows('pg1', 'kids'), true);
    assert.equal(index.allows('t1', 'kids'), false);
  });

  it('shares one read per member within the TTL, drops failures at once and on demand', async () => {
    let reads = 0;
    let fail = true;
    const profiles = new MemberProfiles(
      {
        read: async () => {
          reads += 1;
          if (fail) throw new Error('down');
          return null;
        },
      },
      10_000,
    );
    await assert.rejects(profiles.read('m1', 0));
    fail = false;
    assert.equal(await profiles.read('m1', 1), null);
    assert.equal(await profiles.read('m1', 2), null);
    assert.equal(reads, 2, 'the failed read was not kept; the second one was');
    profiles.drop('m1');
    await profiles.read('m1', 3);
    assert.equal(reads, 3);
    await profiles.read('m1', 20_000);
    assert.equal(reads, 4, 'read again past the TTL');
  });
});
