import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CatalogItem } from '@marquee/domain';
import { TRENDING_K, type RecommendationsPage, type RowsPage } from '@marquee/pages';
import { ContinueWatchingRepository, ListStore } from '@marquee/storage';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp } from '../app';
import { OnlineRuntime } from '../pages/online-runtime';
import {
  bearer,
  onlineSettings,
  play,
  storeItemKnnModel,
  token,
  type TestPlatform,
} from '../online.test-support';

/**
 * Kids never see what they should not: a catalog mixing every rating, a member whose personal list,
 * trending, Continue watching and Because you watched are full of mature titles, and two online
 * processes that must both follow a profile change.
 */
describe('member profiles (real Cassandra, memcached, Kafka)', () => {
  let platform: TestPlatform;
  let apps: NestFastifyApplication[] = [];
  let bases: string[] = [];
  let operator: string;
  const prefix = uniqueId('pf');
  const id = (name: string) => `${prefix}-${name}`;
  const titles: CatalogItem[] = [
    { itemId: id('g'), title: 'Meadow', genres: ['Family'], maturityRating: 'G' },
    { itemId: id('pg'), title: 'Treasure', genres: ['Family'], maturityRating: 'PG' },
    { itemId: id('t'), title: 'Heist', genres: ['Action'], maturityRating: 'PG-13' },
    { itemId: id('r'), title: 'Night Shift', genres: ['Action'], maturityRating: 'R' },
    { itemId: id('nc'), title: 'Afterhours', genres: ['Drama'], maturityRating: 'NC-17' },
    { itemId: id('u'), title: 'Festival Cut', genres: ['Drama'] },
    {
      itemId: id('us'),
      title: 'Prairie',
      genres: ['Family'],
      maturityRating: 'G',
      availability: { regions: ['US'] },
    },
  ];
  const KIDS = new Set([id('g'), id('pg'), id('us')]);
  const mature = [id('t'), id('r'), id('nc'), id('u')];
  const variant = uniqueId('als-');
  const version = uniqueId('vals-');
  const member = uniqueId('kid');

  before(async () => {
    platform = await connectTestPlatform('profiles');
    await platform.catalog.put(titles);
    const lists = new ListStore(platform.lists, platform.cache);
    const everything = titles.map((t) => t.itemId);
    const scores = everything.map((_, i) => 1 - i / 10);
    // Mature titles first: a filter that let one through would show it at the top.
    const personal = [id('r'), id('nc'), id('u'), id('t'), id('pg'), id('g'), id('us')];
    await lists.writeEntries(variant, version, [{ memberId: member, list: { itemIds: personal, scores } }]);
    await lists.switchChampion(variant, version, 'profiles test');
    const knn = uniqueId('knn-');
    await storeItemKnnModel(platform, knn, uniqueId('vknn-'), [
      [id('r'), id('nc'), id('g')],
      [id('t'), id('pg'), id('u')],
    ]);
    // The member is watching an R title, which Because you watched follows; R and NC-17 trend.
    await new ContinueWatchingRepository(platform.cassandra).write(play(member, id('nc'), 'tv'));
    await platform.continueWatching.refresh(member);
    await platform.becauseYouWatched.write(member, {
      sourceItemId: id('r'),
      list: { itemIds: [id('nc'), id('u'), id('g')], scores: [0.9, 0.8, 0.7] },
      modelVersion: 'k1',
      updatedAt: new Date().toISOString(),
    });
    // Played often enough to lead Trending on TV whatever else the shared test keyspace holds.
    await platform.trending.countOnce(
      Array.from({ length: 100 }, () => [id('r'), id('t'), id('r'), id('pg')])
        .flat()
        .map((t) => play(uniqueId('m'), t, 'tv')),
    );
    // Trending is shared through memcached for a few seconds: a list another suite computed just
    // before these counts would be what the services start with.
    await waitFor(
      'Trending on TV to count this run',
      async () =>
        (await platform.trending.read('device:tv', TRENDING_K)).itemIds.slice(0, 20).includes(id('r')) ||
        undefined,
      15_000,
    );
    for (let i = 0; i < 2; i++) {
      const app = await createOnlineApp(
        onlineSettings(platform, createRegistry(`profiles-test-${i}`), {
          loadVariants: async () => [{ name: variant, traffic: 1 }],
          similarRegistration: knn,
          deadlineMs: 5000,
          signalsTtlMs: 60_000,
          instanceGroupId: uniqueId(`profiles-${i}-`),
        }),
      );
      await app.listen(0, '127.0.0.1');
      apps.push(app);
      bases.push((await app.getUrl()).replace('[::1]', '127.0.0.1'));
      await app.get(OnlineRuntime).listening;
      await app.get(OnlineRuntime).reference.refreshTrending(['tv']);
    }
    operator = await token(platform, 'operator');
  });

  after(async () => {
    for (const app of apps) await app.close();
    apps = [];
    bases = [];
    await platform.close();
  });

  const call = (path: string, auth: string, init: RequestInit = {}, base = bases[0]) =>
    fetch(`${base}${path}`, { ...init, headers: { ...bearer(auth), ...(init.headers ?? {}) } });
  const putProfile = (memberId: string, body: unknown, auth = operator) =>
    call(`/v1/users/${memberId}/profile`, auth, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const json = async <T>(response: Response): Promise<T> => {
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as T;
  };
  const pageOf = (query = '', base = bases[0]) =>
    call(`/v1/users/${member}/rows?device=tv&rows=20&itemsPerRow=20${query}`, operator, {}, base).then((r) =>
      json<RowsPage>(r),
    );
  const titlesOn = (page: RowsPage) => page.rows.flatMap((r) => r.items.map((i) => i.itemId));

  it('a member without a profile is an adult: the mature titles are on every kind of row', async () => {
    const profile = await json<{ maturity: string; stored: boolean }>(
      await call(`/v1/users/${member}/profile`, operator),
    );
    assert.deepEqual(profile, { memberId: member, maturity: 'adult', stored: false });
    const page = await pageOf();
    assert.deepEqual(page.profile, { maturity: 'adult', profile: 'default' });
    const rows = new Map(page.rows.map((r) => [r.id, r.items.map((i) => i.itemId)]));
    assert.deepEqual(rows.get('continue-watching'), [id('nc')]);
    assert.ok(rows.get('because-you-watched')?.includes(id('u')), JSON.stringify(page.rows));
    assert.ok(rows.get('trending-now')?.includes(id('r')), JSON.stringify(page.rows));
    assert.ok(rows.has('top-picks'));
    for (const title of mature) assert.ok(titlesOn(page).includes(title), title);
    // The other process keeps this page (and the profile) for a minute unless told otherwise.
    assert.equal((await pageOf('', bases[1])).profile.maturity, 'adult');
  });

  it('a kids profile never sees PG-13, R, NC-17 or unrated titles on the page, /recommendations or /similar, on either process', async () => {
    const put = await json<{ maturity: string; stored: boolean; updatedAt: string }>(
      await putProfile(member, { maturity: 'kids' }),
    );
    assert.equal(put.maturity, 'kids');
    assert.equal(put.stored, true);
    // This process applies it to the next page; the other follows members.updated within seconds
    // (its page and profile are kept for a minute otherwise).
    for (const base of bases) {
      const page = await waitFor(
        'the kids page',
        async () => {
          const p = await pageOf('', base);
          return p.profile.maturity === 'kids' ? p : undefined;
        },
        10_000,
      );
      const shown = titlesOn(page);
      assert.ok(shown.some((t) => KIDS.has(t)));
      // The keyspace may hold other runs' titles: every title shown must be rated for kids.
      const stored = await platform.catalog.getMany(shown);
      assert.deepEqual(
        shown.filter((t) => !['G', 'PG'].includes(stored.get(t)?.maturityRating ?? 'unrated')),
        [],
        `titles not rated for kids on the kids page: ${JSON.stringify(page.rows)}`,
      );
      assert.equal(
        page.rows.find((r) => r.id === 'continue-watching'),
        undefined,
      );
    }
    const kid = await token(platform, 'device', member);
    const raw = await json<RecommendationsPage>(await call(`/v1/users/${member}/recommendations?k=50`, kid));
    assert.deepEqual(
      raw.items.map((i) => i.itemId),
      [id('pg'), id('g'), id('us')],
    );
    for (const source of [id('r'), id('t')]) {
      const similar = await json<{ items: Array<{ itemId: string }>; profile: { maturity: string } }>(
        await call(`/v1/items/${source}/similar?k=10`, kid),
      );
      assert.equal(similar.profile.maturity, 'kids');
      assert.ok(similar.items.length > 0);
      assert.ok(
        similar.items.every((i) => KIDS.has(i.itemId)),
        JSON.stringify(similar.items),
      );
    }
    // An operator asking for the member gets the member's filter too; without one, the catalog's.
    const forMember = await json<{ items: Array<{ itemId: string }> }>(
      await call(`/v1/items/${id('r')}/similar?k=10&user=${member}`, operator),
    );
    assert.ok(forMember.items.every((i) => KIDS.has(i.itemId)));
    const unfiltered = await json<{ items: Array<{ itemId: string }> }>(
      await call(`/v1/items/${id('r')}/similar?k=10`, operator),
    );
    assert.ok(unfiltered.items.some((i) => i.itemId === id('nc')));
  });

  it("a profile's region hides titles not licensed there, whatever the request's region", async () => {
    await json(await putProfile(member, { maturity: 'adult', region: 'DE' }));
    const page = await pageOf('&region=US');
    assert.deepEqual(page.profile, { maturity: 'adult', region: 'DE', profile: 'stored' });
    const shown = titlesOn(page);
    assert.ok(!shown.includes(id('us')));
    assert.ok(shown.includes(id('r')), 'adult again: the mature titles are back on the next page');
    const raw = await json<RecommendationsPage>(
      await call(`/v1/users/${member}/recommendations?k=50`, operator),
    );
    assert.ok(!raw.items.some((i) => i.itemId === id('us')));
    assert.ok(raw.items.some((i) => i.itemId === id('nc')));
  });

  it("a device token sets and reads its own member's profile, not another's (403)", async () => {
    const other = uniqueId('m');
    const device = await token(platform, 'device', other);
    const own = await json<{ maturity: string; region: string }>(
      await putProfile(other, { maturity: 'teen', region: 'US' }, device),
    );
    assert.equal(own.maturity, 'teen');
    assert.equal(
      (await json<{ maturity: string }>(await call(`/v1/users/${other}/profile`, device))).maturity,
      'teen',
    );
    const foreign = await putProfile(member, { maturity: 'adult' }, device);
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as { message: string }).message, /may not set the profile/);
    assert.equal((await call(`/v1/users/${member}/profile`, device)).status, 403);
    assert.equal((await call(`/v1/items/${id('r')}/similar?user=${member}`, device)).status, 403);
    assert.equal(
      (await putProfile(other, { maturity: 'kids' }, await token(platform, 'producer'))).status,
      403,
    );
  });

  it('400s name the fields', async () => {
    const issuesOf = async (body: unknown, raw = false) => {
      const response = await call(`/v1/users/${member}/profile`, operator, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: raw ? (body as string) : JSON.stringify(body),
      });
      assert.equal(response.status, 400);
      return ((await response.json()) as { issues?: string[]; message: string }).issues?.join('; ') ?? '';
    };
    const both = await issuesOf({ maturity: 'toddler', region: 'de' });
    assert.match(both, /maturity: must be one of kids, teen, adult/);
    assert.match(both, /region: must be an ISO 3166-1 alpha-2 code/);
    assert.match(await issuesOf({}), /maturity/);
    assert.match(await issuesOf({ maturity: 'kids', pin: '1234' }), /pin/);
    const badPath = await putProfile('bad id!', { maturity: 'kids' });
    assert.equal(badPath.status, 400);
    assert.match(((await badPath.json()) as { message: string }).message, /id: /);
    assert.equal((await call(`/v1/items/${id('r')}/similar?region=usa`, operator)).status, 400);
  });
});
