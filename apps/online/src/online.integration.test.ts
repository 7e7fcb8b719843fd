import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Play, Row } from '@marquee/domain';
import { startNearlineService } from '@marquee/ingest';
import { GLOBAL_MEMBER } from '@marquee/cassandra';
import { Cache, cacheKeys } from '@marquee/cache';
import { RowsService } from '@marquee/rows';
import type { Platform } from '@marquee/runtime';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp } from './app';

describe('online service (real Kafka, Cassandra, memcached)', () => {
  let platform: Platform;
  let app: NestFastifyApplication;
  let base: string;
  let stopNearline: () => Promise<void>;

  before(async () => {
    platform = await connectTestPlatform('online');
    app = await createOnlineApp(platform, createRegistry('online-test'));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    stopNearline = (
      await startNearlineService(platform, createRegistry('nearline-for-online'), {
        groupId: uniqueId('nl-'),
      })
    ).stop;
  });

  after(async () => {
    await stopNearline();
    await app.close();
    await platform.close();
  });

  const play = (member: string, itemId: string): Play => ({
    eventId: uniqueId('on-'),
    userId: member,
    itemId,
    device: 'mobile',
    timestamp: new Date().toISOString(),
    positionMs: 5 * 60_000,
    durationMs: 50 * 60_000,
  });

  const post = (body: unknown) =>
    fetch(`${base}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers /health and exposes request metrics on /metrics', async () => {
    assert.equal((await fetch(`${base}/health`)).status, 200);
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /marquee_http_request_duration_seconds_bucket\{.*route="\/health".*status="200"/);
  });

  it('rejects a malformed play with 400 naming the field, and never 500', async () => {
    const member = uniqueId('m');
    const { userId: _omit, ...noUser } = play(member, 'i1');
    const missing = await post(noUser);
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /userId/);

    const badBatch = await post({ plays: [play(member, 'i1'), { ...play(member, 'i2'), positionMs: -1 }] });
    assert.equal(badBatch.status, 400);
    assert.match(((await badBatch.json()) as { issues: string[] }).issues.join(), /plays\[1\]\.positionMs/);

    const tooMany = await post({ plays: Array.from({ length: 501 }, () => play(member, 'i1')) });
    assert.equal(tooMany.status, 400);

    const notJson = await fetch(`${base}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":',
    });
    assert.equal(notJson.status, 400);

    const badMember = await fetch(`${base}/v1/users/${encodeURIComponent('a b')}/rows`);
    assert.equal(badMember.status, 400);
    const badCount = await fetch(`${base}/v1/users/m1/rows?itemsPerRow=0`);
    assert.equal(badCount.status, 400);
    assert.match(((await badCount.json()) as { message: string }).message, /itemsPerRow/);
  });

  it('a play posted to /v1/plays shows in the member Continue watching row', async () => {
    const member = uniqueId('m');
    const posted = play(member, uniqueId('item-'));
    const response = await post({ plays: [posted] });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: [posted.eventId] });
    const rows = await waitFor('the play in Continue watching', async () => {
      const page = (await (await fetch(`${base}/v1/users/${member}/rows`)).json()) as { rows: Row[] };
      const row = page.rows.find((r) => r.id === 'continue-watching');
      return row?.items.some((i) => i.itemId === posted.itemId) ? page.rows : undefined;
    });
    assert.equal(rows[0]?.id, 'continue-watching');
  });

  it('serves Popular from the champion version and keeps answering from Cassandra when memcached is down', async () => {
    const version = uniqueId('vtest-');
    await platform.catalog.upsert([{ itemId: 'pop-1', title: 'A Popular Title', genres: ['Drama'] }]);
    await platform.lists.writeEntries('popular', version, [
      { memberId: GLOBAL_MEMBER, list: { itemIds: ['pop-1', 'pop-2'], scores: [2, 1] } },
    ]);
    await platform.lists.promote('popular', version, 'online test');
    await platform.cache.delete(cacheKeys.champion('popular'));
    const page = (await (await fetch(`${base}/v1/users/${uniqueId('m')}/rows`)).json()) as { rows: Row[] };
    const popular = page.rows.find((r) => r.id === 'popular');
    assert.equal(popular?.version, version);
    assert.deepEqual(popular?.items[0], { itemId: 'pop-1', title: 'A Popular Title', score: 2 });

    // A cache on a port where nothing listens: every read falls through to Cassandra.
    const deadCache = new Cache('127.0.0.1:1', platform.logger, { timeoutMs: 20 });
    const degraded = new RowsService({ ...platform, cache: deadCache });
    const degradedPage = await degraded.page(uniqueId('m'), { itemsPerRow: 5 });
    assert.equal(degradedPage.rows.find((r) => r.id === 'popular')?.source, 'cassandra');
    assert.ok(deadCache.stats.errors >= 1);
    deadCache.close();
  });
});
