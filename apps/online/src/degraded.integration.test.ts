import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AffinitiesRepository,
  BecauseYouWatchedRepository,
  Cache,
  ContinueWatchingRepository,
  cacheKeys,
  ListStore,
  ListsRepository,
  PlaysRepository,
  ProfileStore,
  ProfilesRepository,
  createCassandraClient,
} from '@marquee/storage';
import { ReferenceData, RowsService, type RowsPage } from '@marquee/pages';
import { BecauseYouWatchedSignal, ContinueWatchingSignal, RecentPlaysSignal } from '@marquee/signals';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp, type OnlineAppSettings } from './app';
import { DEFAULT_RATE_LIMITS } from './online-options';
import {
  bearer,
  fixtureOptions,
  onlineSettings,
  seedOnline,
  token,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

type Clients = NonNullable<OnlineAppSettings['clients']>;

/** memcached replaced by a cache on a port where nothing listens. */
function withoutMemcached(platform: TestPlatform): { clients: Clients; cache: Cache } {
  const cache = new Cache('127.0.0.1:1', platform.logger, { timeoutMs: 20 });
  return { cache, clients: { cache } };
}

/** Every Cassandra read going to a port where nothing listens. */
function withoutCassandra(platform: TestPlatform): { clients: Clients; close: () => Promise<void> } {
  const dead = createCassandraClient(
    { ...platform.config.cassandra, contactPoints: ['127.0.0.1:1'], port: 1 },
    platform.config.cassandra.keyspace,
  );
  return { clients: { cassandra: dead }, close: () => dead.shutdown().catch(() => undefined) };
}

async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

describe('online service when a store is down, and under a rate limit', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;
  const apps: NestFastifyApplication[] = [];
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    platform = await connectTestPlatform('online-degraded');
    fixture = await seedOnline(platform);
  });

  after(async () => {
    for (const app of apps) await app.close();
    for (const close of closers) await close();
    await platform.close();
  });

  const start = async (clients: Clients, options = {}) => {
    const app = await createOnlineApp(
      onlineSettings(
        platform,
        createRegistry(uniqueId('online-')),
        { ...fixtureOptions(fixture), ...options },
        clients,
      ),
    );
    apps.push(app);
    return listen(app);
  };
  const rows = async (base: string, member: string) => {
    const response = await fetch(`${base}/v1/users/${member}/rows?device=tv`, {
      headers: bearer(await token(platform, 'device', member)),
    });
    return { status: response.status, page: (await response.json()) as RowsPage };
  };

  it('with memcached down, pages come from Cassandra and are still whole', async () => {
    const { clients, cache } = withoutMemcached(platform);
    closers.push(async () => cache.close());
    const base = await start(clients);
    const { status, page } = await rows(base, fixture.member);
    assert.equal(status, 200);
    const picks = page.rows.find((r) => r.id === 'top-picks');
    assert.equal(picks?.source, 'cassandra');
    // Re-ranked by whatever genre affinities are published: the same titles, in some order.
    assert.deepEqual(picks?.items.map((i) => i.itemId).sort(), [...fixture.personalList].sort());
    assert.equal(page.degraded, false, page.fallbacks.join('; '));
    assert.ok(cache.stats.errors >= 1);
    const ready = (await (await fetch(`${base}/ready`)).json()) as { memcached: string };
    assert.match(ready.memcached, /^down .*serving from Cassandra/);
  });

  it('with Cassandra down, pages are 200 with degraded rows from memory, and say so', async () => {
    const down = withoutCassandra(platform);
    closers.push(down.close);
    // What was read before the outage is still in memcached: the popular list's hot copies, and
    // that this member has no profile (an adult).
    const member = uniqueId('m');
    await new ProfileStore(new ProfilesRepository(platform.cassandra), platform.cache).read(member);
    await waitFor('the profile hot copy', () => platform.cache.getJson(cacheKeys.profile(member)));
    const base = await start(down.clients);
    const { status, page } = await waitFor('the popular list loaded from memcached', async () => {
      const answer = await rows(base, member);
      return answer.page.rows?.some((r) => r.id === 'top-picks') ? answer : undefined;
    });
    assert.equal(status, 200);
    assert.equal(page.degraded, true);
    assert.deepEqual(page.profile, { maturity: 'adult', profile: 'default' });
    assert.equal(
      page.rows.find((r) => r.id === 'top-picks')?.source,
      'fallback:popular-memory',
      JSON.stringify(page),
    );
    assert.match(page.fallbacks.join('\n'), /continue-watching: failed/);
    assert.ok(page.sources.includes('fallback:popular-memory'));
    // A member whose profile cannot be read is filtered as kids (fails closed): the fixture's
    // unrated titles are not shown to them.
    const unread = (await rows(base, uniqueId('m'))).page;
    assert.deepEqual(unread.profile, { maturity: 'kids', profile: 'unread' });
    assert.match(unread.fallbacks.join('\n'), /profile: profile failed .* → kids/);
    const unrated = new Set(fixture.titles.map((t) => t.itemId));
    assert.ok(
      !unread.rows.some((r) => r.items.some((i) => unrated.has(i.itemId))),
      JSON.stringify(unread.rows),
    );
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 503);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /marquee_rows_fallbacks_total\{row="top-picks",fallback="popular-memory"/);
    assert.match(metrics, /marquee_rows_reads_total\{source="continue_watching",outcome="failed"/);
  });

  it("a member's last served page stands in for their personal list when the stores go away", async () => {
    const reference = new ReferenceData(
      {
        ...platform,
        listStore: new ListStore(platform.lists, platform.cache),
        affinities: new AffinitiesRepository(platform.cassandra),
      },
      fixtureOptions(fixture),
    );
    await reference.refresh();
    const deps = {
      reference,
      lists: new ListStore(platform.lists, platform.cache),
      continueWatching: platform.continueWatching,
      recentPlays: platform.recentPlays,
      becauseYouWatched: platform.becauseYouWatched,
    };
    const service = new RowsService(deps);
    const request = { memberId: fixture.member, device: 'tv' as const, rows: 10, itemsPerRow: 20 };
    const healthy = await service.page(request);
    const picks = healthy.rows.find((r) => r.id === 'top-picks');
    assert.match(picks?.source ?? '', /^(memcached|cassandra)$/);

    // Both stores go away under the running service.
    const down = withoutCassandra(platform);
    const cache = new Cache('127.0.0.1:1', platform.logger, { timeoutMs: 20 });
    closers.push(down.close, async () => cache.close());
    const dead = down.clients.cassandra as NonNullable<Clients['cassandra']>;
    Object.assign(deps, {
      lists: new ListStore(new ListsRepository(dead), cache),
      continueWatching: new ContinueWatchingSignal(new ContinueWatchingRepository(dead), platform.cache),
      recentPlays: new RecentPlaysSignal(new PlaysRepository(dead), platform.cache),
      becauseYouWatched: new BecauseYouWatchedSignal(new BecauseYouWatchedRepository(dead), platform.cache),
    });
    const degraded = await service.page(request);
    const stale = degraded.rows.find((r) => r.id === 'top-picks');
    assert.equal(stale?.source, 'fallback:last-page');
    assert.deepEqual(stale?.items, picks?.items);
    assert.equal(degraded.degraded, true);
    assert.match(degraded.fallbacks.join('\n'), /top-picks: list .* failed .* → last-page/);
  });

  it('limits each principal separately: 429 with Retry-After past the limit', async () => {
    const base = await start(
      {},
      {
        rateLimit: { windowMs: 60_000, limits: { ...DEFAULT_RATE_LIMITS, device: 3 } },
      },
    );
    const member = uniqueId('m');
    const device = await token(platform, 'device', member);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${base}/v1/users/${member}/rows`, { headers: bearer(device) })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await fetch(`${base}/v1/users/${member}/rows`, { headers: bearer(device) });
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.match(
      ((await limited.json()) as { message: string }).message,
      /rate limit of 3 requests per 60 s/,
    );
    // Another member's device, and the probes, are not affected.
    const other = uniqueId('m');
    const otherStatus = (
      await fetch(`${base}/v1/users/${other}/rows`, {
        headers: bearer(await token(platform, 'device', other)),
      })
    ).status;
    assert.equal(otherStatus, 200);
    assert.equal((await fetch(`${base}/health`)).status, 200);
  });
});
