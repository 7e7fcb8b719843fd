import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AFFINITIES_LIST, AffinitiesRepository } from '@marquee/storage';
import { startNearlineService } from '@marquee/play-processing';
import { announceResult } from '@marquee/kafka';
import type { RowsPage } from '@marquee/pages';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { ID_PATTERN } from '@marquee/domain';
import { createOnlineApp } from './app';
import { TIME_ZONE_NAME } from './common/schemas';
import { OnlineRuntime } from './pages/online-runtime';
import {
  bearer,
  fixtureOptions,
  onlineSettings,
  play,
  seedOnline,
  storeItemKnnModel,
  token,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

describe('online service (real Kafka, Cassandra, memcached, Temporal)', () => {
  let platform: TestPlatform;
  let app: NestFastifyApplication;
  let runtime: OnlineRuntime;
  let base: string;
  let fixture: OnlineFixture;
  let stopNearline: () => Promise<void>;
  let operator: string;

  before(async () => {
    platform = await connectTestPlatform('online');
    fixture = await seedOnline(platform);
    app = await createOnlineApp(
      onlineSettings(platform, createRegistry('online-test'), fixtureOptions(fixture)),
    );
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    runtime = app.get(OnlineRuntime);
    stopNearline = (
      await startNearlineService(platform, createRegistry('nearline-for-online'), {
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

  const get = async (path: string, auth?: string) =>
    fetch(`${base}${path}`, auth ? { headers: bearer(auth) } : {});
  const rowsOf = async (member: string, query = '', auth?: string) => {
    const response = await get(
      `/v1/users/${member}/rows${query}`,
      auth ?? (await token(platform, 'device', member)),
    );
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as RowsPage;
  };
  const post = (body: unknown, auth: string) =>
    fetch(`${base}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(auth) },
      body: JSON.stringify(body),
    });

  it('answers /health and /ready from the real dependencies and exposes /metrics', async () => {
    assert.equal((await get('/health')).status, 200);
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    const report = (await ready.json()) as { cassandra: string; kafka: string; loaded: { popular: string } };
    assert.equal(report.cassandra, 'up');
    assert.match(report.kafka, /broker/);
    assert.equal(report.loaded.popular, fixture.popularVersion);
    await rowsOf(fixture.member);
    const metrics = await (await get('/metrics')).text();
    assert.match(
      metrics,
      /marquee_http_request_duration_seconds_bucket\{.*route="\/v1\/users\/:id\/rows".*status="200"/,
    );
    assert.match(metrics, /marquee_cache_hit_ratio\{app="online-test"\} [0-9.]+/);
    assert.match(metrics, /marquee_rows_reads_total\{source="list",outcome="ok"/);
    assert.match(metrics, /marquee_rows_pages_total/);
  });

  it('401 without a token or with a bad one; 403 for the wrong role or another member', async () => {
    const member = fixture.member;
    const none = await get(`/v1/users/${member}/rows`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(((await none.json()) as { message: string }).message, /missing bearer token/);
    assert.equal((await get(`/v1/users/${member}/rows`, 'not-a-token')).status, 401);
    const foreign = await (
      await import('@marquee/auth')
    ).mintToken({ role: 'device', memberId: member }, 'some-other-secret-that-is-long-enough-32');
    assert.equal((await get(`/v1/users/${member}/rows`, foreign)).status, 401);
    assert.equal(
      (await get(`/v1/users/${member}/rows`, await token(platform, 'device', member, '-1s'))).status,
      401,
    );

    const producer = await token(platform, 'producer');
    const wrongRole = await get(`/v1/users/${member}/rows`, producer);
    assert.equal(wrongRole.status, 403);
    assert.match(((await wrongRole.json()) as { message: string }).message, /producer token may not GET/);
    const otherDevice = await get(
      `/v1/users/${member}/rows`,
      await token(platform, 'device', 'someone-else'),
    );
    assert.equal(otherDevice.status, 403);
    assert.equal(
      (await get(`/v1/users/${member}/recommendations`, await token(platform, 'device', 'x'))).status,
      403,
    );
    assert.equal((await get(`/v1/users/${member}/rows`, operator)).status, 200);
    assert.equal((await get('/v1/admin/models', await token(platform, 'device', member))).status, 403);
    assert.equal((await get('/v1/admin/models', await token(platform, 'experimenter'))).status, 403);
    assert.equal((await get(`/v1/items/${fixture.titles[0]?.itemId}/similar`, producer)).status, 403);

    const player = uniqueId('m');
    const device = await token(platform, 'device', player);
    assert.equal((await post(play(player, 'i1'), device)).status, 202);
    const othersPlay = await post({ plays: [play(player, 'i1'), play('someone-else', 'i1')] }, device);
    assert.equal(othersPlay.status, 403);
    assert.match(((await othersPlay.json()) as { message: string }).message, /plays\[1\]\.userId/);
    assert.equal((await post(play('anyone', 'i1'), producer)).status, 202);
    assert.equal((await post(play('anyone', 'i1'), operator)).status, 403);
  });

  it('rejects malformed input with 400 naming the field, and never 500', async () => {
    const member = uniqueId('m');
    const device = await token(platform, 'device', member);
    const { userId: _omit, ...noUser } = play(member, 'i1');
    const missing = await post(noUser, device);
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /userId/);
    const badBatch = await post(
      { plays: [play(member, 'i1'), { ...play(member, 'i2'), positionMs: -1 }] },
      device,
    );
    assert.equal(badBatch.status, 400);
    assert.match(((await badBatch.json()) as { issues: string[] }).issues.join(), /plays\[1\]\.positionMs/);
    assert.equal(
      (await post({ plays: Array.from({ length: 501 }, () => play(member, 'i1')) }, device)).status,
      400,
    );
    const notJson = await fetch(`${base}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(device) },
      body: '{"x":',
    });
    assert.equal(notJson.status, 400);

    const cases: Array<[string, RegExp]> = [
      [`/v1/users/${encodeURIComponent('a b')}/rows`, /^invalid path: id: /],
      [`/v1/users/${member}/rows?itemsPerRow=0`, /itemsPerRow: must be at least 1/],
      [`/v1/users/${member}/rows?rows=many`, /rows: must be a whole number/],
      [`/v1/users/${member}/rows?device=toaster`, /device: must be one of tv, mobile, web, tablet/],
      [
        `/v1/users/${member}/rows?tz=${encodeURIComponent('Europe Berlin')}`,
        /tz: must be an IANA time zone name/,
      ],
      [`/v1/users/${member}/recommendations?k=0`, /k: must be at least 1/],
      [`/v1/items/${encodeURIComponent('bad id!')}/similar`, /id: /],
      ['/v1/admin/workflows?limit=100000', /limit: must be at most 200/],
      [`/v1/admin/workflows/${encodeURIComponent('no spaces allowed')}`, /id: must be a workflow id/],
    ];
    for (const [path, message] of cases) {
      const response = await get(path, path.startsWith('/v1/admin') ? operator : device);
      assert.equal(response.status, 400, path);
      assert.match(((await response.json()) as { message: string }).message, message, path);
    }
  });

  it("blends the variant's list, trending, genre rows and the member's plays into one page", async () => {
    const { member, personalList, titles } = fixture;
    const device = await token(platform, 'device', member);
    // The member watched a title of their list and one of the popular ones; nearline stores both.
    const watched = [personalList[0] as string, titles[0]?.itemId as string];
    const finished = { ...play(member, watched[1] as string, 'tv'), positionMs: 50 * 60_000 };
    assert.equal(
      (await post({ plays: [play(member, watched[0] as string, 'tv'), finished] }, device)).status,
      202,
    );
    await waitFor(
      'both plays in recent plays',
      async () => (await platform.recentPlays.refresh(member)).length >= 2,
    );

    const page = await rowsOf(member, '?device=tv&rows=6&itemsPerRow=3');
    assert.deepEqual(page.variant, {
      experiment: 'rows',
      name: fixture.variant,
      list: fixture.variant,
      version: fixture.variantVersion,
    });
    assert.ok(page.rows.length <= 6 && page.rows.every((r) => r.items.length >= 1 && r.items.length <= 3));
    const byId = new Map(page.rows.map((r) => [r.id, r]));
    assert.deepEqual(
      byId.get('continue-watching')?.items.map((i) => i.itemId),
      [watched[0]],
      'the finished title is not in Continue watching',
    );
    const picks = byId.get('top-picks');
    assert.equal(picks?.version, fixture.variantVersion);
    assert.match(picks?.source ?? '', /^(memcached|cassandra)$/);
    assert.ok((picks?.items.length ?? 0) > 0);
    assert.ok(
      picks?.items.every((i) => personalList.slice(1).includes(i.itemId)),
      'Top picks come from the personal list, without the watched title',
    );
    const all = page.rows.slice(1).flatMap((r) => r.items.map((i) => i.itemId));
    assert.equal(new Set(all).size, all.length, 'no title twice');
    assert.ok(!all.some((id) => watched.includes(id)), 'no watched title outside Continue watching');
    const genres = page.rows.filter((r) => r.id.startsWith('genre:'));
    assert.ok(genres.length >= 1);
    assert.ok(page.sources.includes('memory:catalog'));
    assert.equal(page.context.device, 'tv');
    assert.equal(page.degraded, false, page.fallbacks.join('; '));
  });

  it('Because you watched <title> follows the latest play, with titles like it', async () => {
    const member = uniqueId('m');
    const [first, second, third] = fixture.titles;
    const device = await token(platform, 'device', member);
    assert.equal((await post(play(member, first?.itemId as string, 'tv'), device)).status, 202);
    const page = await waitFor('Because you watched', async () => {
      const p = await rowsOf(member, '?device=tv');
      return p.rows.find((r) => r.id === 'because-you-watched') ? p : undefined;
    });
    const byw = page.rows.find((r) => r.id === 'because-you-watched');
    assert.equal(byw?.title, `Because you watched ${first?.title}`);
    assert.equal(byw?.basedOn, first?.itemId);
    assert.deepEqual(byw?.items.map((i) => i.itemId).sort(), [second?.itemId, third?.itemId].sort());
  });

  it('Trending now is per device and says so', async () => {
    const trending = fixture.titles[10]?.itemId as string;
    // Played often enough to lead Trending on tablets whatever else the shared test keyspace holds.
    await platform.trending.countOnce(
      Array.from({ length: 200 }, () => play(uniqueId('m'), trending, 'tablet')),
    );
    // Trending is refreshed in the background, a device type at a time; this test does not wait its turn.
    const page = await waitFor('the title in Trending now on tablets', async () => {
      await runtime.reference.refreshTrending(['tablet']);
      const p = await rowsOf(uniqueId('m'), '?device=tablet&tz=Europe/Berlin');
      const row = p.rows.find((r) => r.id === 'trending-now');
      return row?.items.some((i) => i.itemId === trending) ? p : undefined;
    });
    const row = page.rows.find((r) => r.id === 'trending-now');
    const onTv = await rowsOf(uniqueId('m'), '?device=tv');
    assert.ok(!onTv.rows.find((r) => r.id === 'trending-now')?.items.some((i) => i.itemId === trending));
    assert.match(
      row?.reason ?? '',
      /^trending on tablets (this morning|this afternoon|this evening|tonight)$/,
    );
    assert.equal(page.context.timeZone, 'Europe/Berlin');
  });

  it('loads the offline genre affinities and re-ranks with them', async () => {
    const version = uniqueId('vaff-');
    const [drama, comedy] = ['Drama', 'Comedy'];
    const cell = (context: string, dimension: 'device' | 'hour', genre: string, lift: number) => ({
      dimension,
      context,
      genre,
      plays: 100,
      lift,
    });
    const hours = Array.from({ length: 24 }, (_, h) => String(h));
    await new AffinitiesRepository(platform.cassandra).write(version, [
      cell('web', 'device', drama as string, 0.5),
      cell('web', 'device', comedy as string, 2),
      ...hours.flatMap((h) => [cell(h, 'hour', drama as string, 1), cell(h, 'hour', comedy as string, 1)]),
    ]);
    await platform.lists.promote(AFFINITIES_LIST, version, 'online test');
    await runtime.reference.refresh();
    const page = await rowsOf(uniqueId('m'), '?device=web&rows=3');
    assert.equal(page.context.affinitiesVersion, version);
    assert.equal(page.rows.find((r) => r.id.startsWith('genre:'))?.id, 'genre:comedy');
    // Popular titles 1..10 cycle Drama, Comedy, Thriller: comedies rise above dramas on the web.
    const picks = page.rows.find((r) => r.id === 'top-picks')?.items.map((i) => i.itemId) ?? [];
    const firstComedy = picks.indexOf(fixture.titles[1]?.itemId as string);
    const firstDrama = picks.indexOf(fixture.titles[0]?.itemId as string);
    assert.ok(firstComedy >= 0 && (firstDrama < 0 || firstComedy < firstDrama), picks.join());
  });

  it("returns the member's raw list for their variant", async () => {
    const device = await token(platform, 'device', fixture.member);
    const response = await get(`/v1/users/${fixture.member}/recommendations?k=2`, device);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      source: string;
      items: Array<{ itemId: string }>;
      variant: { name: string };
    };
    assert.deepEqual(
      body.items.map((i) => i.itemId),
      fixture.personalList.slice(0, 2),
    );
    assert.equal(body.variant.name, fixture.variant);
  });

  it('serves similar titles from the champion item-knn model and switches when a new one is announced', async () => {
    const [t1, t2, t3, t4, t5] = fixture.titles.map((t) => t.itemId);
    const device = await token(platform, 'device', 'm1');
    const before = (await (await get(`/v1/items/${t1}/similar?k=5`, device)).json()) as {
      items: Array<{ itemId: string }>;
      model: { version: string };
    };
    assert.equal(before.model.version, fixture.modelVersion);
    assert.deepEqual(before.items.map((i) => i.itemId).sort(), [t2, t3].sort());
    assert.equal((await get(`/v1/items/${uniqueId('nope-')}/similar`, device)).status, 404);

    await runtime.listening;
    const version = uniqueId('vknn2-');
    await storeItemKnnModel(platform, fixture.similarRegistration, version, [
      [t1 as string, t4 as string, t5 as string],
    ]);
    await announceResult(platform.producer, platform.topics, {
      list: fixture.similarRegistration,
      algorithm: 'item-knn',
      version,
      location: 'test',
      counts: { members: 0, items: 3 },
      metrics: {},
      checksum: 'sha256:test',
      publishedAt: new Date().toISOString(),
    });
    const after = await waitFor('the announced model', async () => {
      const body = (await (await get(`/v1/items/${t1}/similar?k=5`, device)).json()) as typeof before;
      return body.model.version === version ? body : undefined;
    });
    assert.deepEqual(after.items.map((i) => i.itemId).sort(), [t4, t5].sort());
  });

  it('shows pipeline runs and the model registry to operators', async () => {
    const runs = await get('/v1/admin/workflows?limit=5', operator);
    assert.equal(runs.status, 200);
    assert.ok(Array.isArray(((await runs.json()) as { runs: unknown[] }).runs));
    assert.equal((await get(`/v1/admin/workflows/${uniqueId('no-such-run-')}`, operator)).status, 404);
    const models = await get('/v1/admin/models', operator);
    assert.equal(models.status, 200);
    assert.ok(Array.isArray(((await models.json()) as { registrations: unknown[] }).registrations));
  });

  it('makes a page in UTC for a well-formed time zone its database does not know, as documented', async () => {
    const page = await rowsOf(fixture.member, '?tz=Mars/Olympus');
    assert.equal(page.context.timeZone, 'UTC');
    assert.equal((await rowsOf(fixture.member, '?tz=Asia/Tokyo')).context.timeZone, 'Asia/Tokyo');
  });

  it('answers a method a path does not have with 405 and Allow, an unknown path with 404', async () => {
    const rows = await fetch(`${base}/v1/users/m1/rows?k=1`, { method: 'DELETE', headers: bearer(operator) });
    assert.equal(rows.status, 405);
    assert.equal(rows.headers.get('allow'), 'GET, HEAD');
    assert.match(((await rows.json()) as { message: string }).message, /DELETE .* GET, HEAD/);
    const plays = await fetch(`${base}/v1/plays`, { method: 'GET', headers: bearer(operator) });
    assert.equal(plays.status, 405);
    assert.equal(plays.headers.get('allow'), 'POST');
    assert.equal((await fetch(`${base}/v1/plays`, { method: 'PUT' })).status, 405);
    // Answered before the body is read: QUERY without a content type is a 405, not a 400.
    const query = await fetch(`${base}/v1/admin/models`, { method: 'QUERY', headers: bearer(operator) });
    assert.equal(query.status, 405);
    assert.equal(query.headers.get('allow'), 'GET, HEAD');
    assert.equal((await get('/v1/nowhere', operator)).status, 404);
    assert.equal((await fetch(`${base}/v1/users/m1/nothing`, { method: 'DELETE' })).status, 404);
  });

  it('publishes its OpenAPI document at /openapi.json and the docs at /docs', async () => {
    type Parameter = { name: string; in: string; schema: { pattern?: string; maxLength?: number } };
    const document = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
    };
    assert.match(document.openapi, /^3\./);
    const rows = document.paths['/v1/users/{id}/rows']?.['get'];
    assert.deepEqual(rows?.parameters?.map((p) => p.name).sort(), [
      'device',
      'id',
      'itemsPerRow',
      'region',
      'rows',
      'tz',
    ]);
    for (const path of [
      '/v1/plays',
      '/v1/items/{id}/similar',
      '/v1/admin/workflows/{id}',
      '/v1/admin/models',
      '/v1/catalog/items',
      '/v1/catalog/items/{id}',
    ])
      assert.ok(document.paths[path], path);
    // Path and query parameters carry the patterns and bounds the server validates them with.
    for (const path of ['/v1/users/{id}/rows', '/v1/users/{id}/recommendations', '/v1/items/{id}/similar']) {
      const id = document.paths[path]?.['get']?.parameters?.find((p) => p.name === 'id');
      assert.equal(id?.in, 'path', path);
      assert.equal(id?.schema.pattern, ID_PATTERN.source, path);
      assert.equal(id?.schema.maxLength, 64, path);
    }
    const tz = rows?.parameters?.find((p) => p.name === 'tz');
    assert.equal(tz?.schema.pattern, TIME_ZONE_NAME.source);
    const docs = await get('/docs');
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });
});
