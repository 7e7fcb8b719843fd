import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { announceCatalogUpdate } from '@marquee/kafka';
import type { RowsPage } from '@marquee/pages';
import { startNearlineService } from '@marquee/play-processing';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp } from '../app';
import { DEFAULT_RATE_LIMITS } from '../online-options';
import { OnlineRuntime } from '../pages/online-runtime';
import {
  bearer,
  fixtureOptions,
  onlineSettings,
  play,
  seedOnline,
  token,
  type OnlineFixture,
  type TestPlatform,
} from '../online.test-support';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('catalog management (real Kafka, Cassandra, memcached)', () => {
  let platform: TestPlatform;
  let app: NestFastifyApplication;
  let base: string;
  let fixture: OnlineFixture;
  let stopNearline: () => Promise<void>;
  let operator: string;
  const id = (n: number) => fixture.titles[n - 1]?.itemId as string;

  before(async () => {
    platform = await connectTestPlatform('catalog');
    fixture = await seedOnline(platform);
    app = await createOnlineApp(
      onlineSettings(platform, createRegistry('catalog-test'), {
        ...fixtureOptions(fixture),
        // Paging through a shared test keyspace's whole catalog takes more than the operator budget.
        rateLimit: { windowMs: 10_000, limits: { ...DEFAULT_RATE_LIMITS, operator: 1_000_000 } },
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await app.get(OnlineRuntime).listening;
    stopNearline = (
      await startNearlineService(platform, createRegistry('nearline-for-catalog'), {
        groupId: uniqueId('nl-'),
      })
    ).stop;
    operator = await token(platform, 'operator');
  });

  after(async () => {
    await stopNearline();
    await app.close();
    await platform.close();
  });

  const call = async (method: string, path: string, auth: string | null, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(auth ? bearer(auth) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const issuesOf = (answer: Answer) => (answer.body['issues'] as string[] | undefined) ?? [];
  const pageOf = async (query = '') => {
    const answer = await call('GET', `/v1/users/${fixture.member}/rows${query}`, operator);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as unknown as RowsPage;
  };
  const titlesOn = (page: RowsPage) => new Set(page.rows.flatMap((r) => r.items.map((i) => i.itemId)));
  const similarTo = async (itemId: string) => {
    const answer = await call('GET', `/v1/items/${itemId}/similar?k=10`, operator);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return (answer.body['items'] as Array<{ itemId: string }>).map((i) => i.itemId);
  };

  it('operators put, get, page through, bulk-load and remove titles; other roles are refused', async () => {
    const itemId = uniqueId('cat-');
    const title = {
      title: 'The Long Night',
      genres: ['Drama'],
      year: 2024,
      maturityRating: 'PG-13',
      availability: { regions: ['US', 'DE'], start: '2020-01-01T00:00:00.000Z' },
      artworkUrl: 'https://img.example.com/long-night.jpg',
    };
    assert.equal((await call('PUT', `/v1/catalog/items/${itemId}`, null, title)).status, 401);
    for (const role of ['device', 'producer', 'experimenter'] as const)
      assert.equal(
        (await call('PUT', `/v1/catalog/items/${itemId}`, await token(platform, role, 'm1'), title)).status,
        403,
        role,
      );
    assert.equal((await call('GET', '/v1/catalog/items', await token(platform, 'device', 'm1'))).status, 403);

    for (let i = 0; i < 2; i++) {
      const put = await call('PUT', `/v1/catalog/items/${itemId}`, operator, title);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body, { written: [itemId] });
    }
    const got = await call('GET', `/v1/catalog/items/${itemId}`, operator);
    assert.deepEqual(got.body, { itemId, ...title });

    const bad = await call('PUT', `/v1/catalog/items/${itemId}`, operator, { ...title, maturityRating: 'X' });
    assert.equal(bad.status, 400);
    assert.ok(
      issuesOf(bad).some((i) => i.startsWith('maturityRating: must be one of')),
      issuesOf(bad).join(),
    );
    const mismatch = await call('PUT', `/v1/catalog/items/${itemId}`, operator, {
      ...title,
      itemId: 'other',
    });
    assert.deepEqual(issuesOf(mismatch), [`itemId: must match the path id ${itemId}`]);
    assert.equal(
      (await call('PUT', `/v1/catalog/items/${encodeURIComponent('bad id!')}`, operator, title)).status,
      400,
    );

    const bulkIds = [uniqueId('bulk-'), uniqueId('bulk-'), uniqueId('bulk-')];
    const refused = await call('POST', '/v1/catalog/items', operator, {
      items: [
        { itemId: bulkIds[0], title: 'One', genres: [] },
        { itemId: bulkIds[1], genres: [] },
        { itemId: bulkIds[2], title: 'Three', genres: [], availability: { regions: ['usa'] } },
      ],
    });
    assert.equal(refused.status, 400);
    assert.ok(
      issuesOf(refused).some((i) => i.startsWith('items[1].title: ')),
      issuesOf(refused).join(),
    );
    assert.ok(issuesOf(refused).some((i) => i.startsWith('items[2].availability.regions[0]: ')));
    assert.equal(
      (await call('GET', `/v1/catalog/items/${bulkIds[0]}`, operator)).status,
      404,
      'all or nothing',
    );
    const tooMany = await call('POST', '/v1/catalog/items', operator, {
      items: Array.from({ length: 1001 }, (_, i) => ({ itemId: `x${i}`, title: 'X', genres: [] })),
    });
    assert.ok(issuesOf(tooMany).some((i) => i.startsWith('items: ')));
    const bulk = await call('POST', '/v1/catalog/items', operator, {
      items: bulkIds.map((bulkId) => ({ itemId: bulkId, title: `Title ${bulkId}`, genres: ['Comedy'] })),
    });
    assert.deepEqual(bulk.body, { written: bulkIds });

    // Small pages, then large ones: the test keyspace holds every other test's titles too.
    const listed = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call(
        'GET',
        `/v1/catalog/items?limit=${pages < 2 ? 5 : 1000}${cursor ? `&cursor=${cursor}` : ''}`,
        operator,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      for (const item of page.body['items'] as Array<{ itemId: string }>) listed.add(item.itemId);
      cursor = page.body['next'] as string | undefined;
      pages++;
    } while (cursor && pages < 10_000);
    assert.ok(pages > 1, 'more than one page');
    for (const listedId of [itemId, ...bulkIds]) assert.ok(listed.has(listedId), listedId);
    assert.ok(issuesOf(await call('GET', '/v1/catalog/items?limit=0', operator))[0]?.startsWith('limit: '));
    assert.ok(
      issuesOf(await call('GET', '/v1/catalog/items?cursor=zz', operator))[0]?.startsWith('cursor: '),
    );

    assert.equal((await call('DELETE', `/v1/catalog/items/${itemId}`, operator)).status, 204);
    assert.equal((await call('DELETE', `/v1/catalog/items/${itemId}`, operator)).status, 204, 'idempotent');
    assert.equal((await call('GET', `/v1/catalog/items/${itemId}`, operator)).status, 404);
    assert.equal((await call('DELETE', `/v1/catalog/items/${uniqueId('none-')}`, operator)).status, 404);
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    assert.ok(openapi.paths['/v1/catalog/items/{id}'] && openapi.paths['/v1/catalog/items']);
  });

  it('a title removed and announced on catalog.updated leaves pages, similar titles and the raw list within seconds', async () => {
    const removed = id(6);
    assert.ok(titlesOn(await pageOf()).has(removed), 'on the page before');
    assert.ok((await similarTo(id(4))).includes(removed), 'similar before');
    // As another instance or the CLI would: the store, then the announcement (this instance's API is not involved).
    assert.equal(await platform.catalog.remove(removed), true);
    await announceCatalogUpdate(platform.producer, platform.topics, [removed]);
    const started = Date.now();
    await waitFor(
      'the removed title off the page',
      async () => !titlesOn(await pageOf()).has(removed),
      10_000,
    );
    assert.ok(Date.now() - started < 10_000);
    assert.ok(!(await similarTo(id(4))).includes(removed));
    const raw = await call('GET', `/v1/users/${fixture.member}/recommendations?k=20`, operator);
    assert.ok(!(raw.body['items'] as Array<{ itemId: string }>).some((i) => i.itemId === removed));
  });

  it('a title outside its window is hidden everywhere; a regional title only where licensed', async () => {
    const expired = id(5);
    const regional = id(7);
    const put = (itemId: string, availability: unknown) =>
      call('PUT', `/v1/catalog/items/${itemId}`, operator, {
        title: `T ${itemId}`,
        genres: ['Comedy'],
        availability,
      });
    assert.equal((await put(expired, { start: '2020-01-01', end: '2021-01-01' })).status, 200);
    assert.equal((await put(regional, { regions: ['DE'] })).status, 200);
    const anywhere = titlesOn(await pageOf());
    assert.ok(!anywhere.has(expired), 'expired title not on the page');
    assert.ok(anywhere.has(regional), 'no region asked: the regional title shows');
    assert.ok(titlesOn(await pageOf('?region=DE')).has(regional));
    assert.ok(!titlesOn(await pageOf('?region=US')).has(regional));
    assert.ok(!(await similarTo(id(4))).includes(expired));
    const badRegion = await call('GET', `/v1/users/${fixture.member}/rows?region=usa`, operator);
    assert.ok(issuesOf(badRegion)[0]?.startsWith('region: '), JSON.stringify(badRegion.body));
  });

  it('nearline records a play of a title added a moment ago, and of a removed one; Continue watching hides the removed one', async () => {
    const fresh = uniqueId('new-');
    assert.equal(
      (await call('PUT', `/v1/catalog/items/${fresh}`, operator, { title: 'Brand New', genres: ['Drama'] }))
        .status,
      200,
    );
    const member = uniqueId('cw-');
    const device = await token(platform, 'device', member);
    const first = play(member, fresh, 'tv');
    assert.equal((await call('POST', '/v1/plays', device, first)).status, 202);
    await waitFor('the play of the new title stored', () => platform.plays.isRecorded(first));

    const rowsOfMember = async () => {
      const answer = await call('GET', `/v1/users/${member}/rows`, device);
      return (answer.body as unknown as RowsPage).rows.find((r) => r.id === 'continue-watching');
    };
    await waitFor('the new title in Continue watching', async () =>
      (await rowsOfMember())?.items.some((i) => i.itemId === fresh),
    );
    assert.equal((await call('DELETE', `/v1/catalog/items/${fresh}`, operator)).status, 204);
    assert.ok(
      !(await rowsOfMember())?.items.some((i) => i.itemId === fresh),
      'hidden from Continue watching',
    );
    const again = play(member, fresh, 'tv');
    assert.equal((await call('POST', '/v1/plays', device, again)).status, 202);
    await waitFor('the play of the removed title stored (history is history)', () =>
      platform.plays.isRecorded(again),
    );
  });
});
