import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Play, PublishedResult, ScoredList } from '@marquee/domain';
import { announceCatalogUpdate, announceResult, publishPlays } from '@marquee/kafka';
import {
  type Platform,
  connectTestPlatform,
  createRegistry,
  testConfig,
  uniqueId,
  waitFor,
  clearRegistrations,
  nearlineTestConfig,
  publishChampion,
  syntheticService,
} from '@marquee/testkit';
import { cacheKeys } from '@marquee/storage';
import { startNearlineService, type NearlineService } from './nearline-service';

describe('nearline fold-in, because-you-watched and version switches (real Kafka, Cassandra, memcached)', () => {
  let platform: Platform;
  let nearline: NearlineService;
  const prefix = uniqueId('fi').concat('-');
  const als = `${prefix}als`;
  const knn = `${prefix}knn`;
  const service = syntheticService(prefix);
  const snapshotAt = new Date(Date.now() - 3600_000);

  before(async () => {
    platform = await connectTestPlatform('fold-in', nearlineTestConfig(testConfig('marquee-test-fold-in')));
    await clearRegistrations(platform);
    await platform.catalog.upsert(service.catalog);
    await publishChampion(platform, {
      registration: als,
      algorithm: 'als',
      version: 'v1',
      matrix: service.matrix,
      params: { factors: 8, iterations: 8, regularization: 0.1 },
      dataUntil: snapshotAt,
    });
    await publishChampion(platform, {
      registration: knn,
      algorithm: 'item-knn',
      version: 'v1',
      matrix: service.matrix,
      params: { neighbours: 20 },
      dataUntil: snapshotAt,
    });
    // The members' history as the snapshot saw it.
    await Promise.all(service.plays.map((p) => platform.plays.record(p)));
    nearline = await startNearlineService(platform, createRegistry('fold-in-test'), {
      groupId: uniqueId('nl-'),
      fromBeginning: false,
    });
  });

  after(async () => {
    await nearline.stop();
    await clearRegistrations(platform);
    await platform.close();
  });

  const entry = (list: string, version: string, member: string) =>
    platform.lists.readEntry(list, version, member);
  const play = (member: string, itemId: string): Play => ({
    eventId: uniqueId('fi-'),
    userId: member,
    itemId,
    device: 'web',
    timestamp: new Date().toISOString(),
    positionMs: 60_000,
    durationMs: 3_600_000,
  });

  it('a play removes the title from Top picks within the same version, in Cassandra and memcached', async () => {
    assert.deepEqual(
      nearline.models().foldIn.map((c) => [c.registration, c.version]),
      [[als, 'v1']],
    );
    const member = service.members[0] as string;
    const before = (await entry(als, 'v1', member)) as ScoredList;
    const pick = before.itemIds[0] as string;
    await publishPlays(platform.producer, platform.topics, [play(member, pick)]);
    const after = await waitFor('Top picks without the played title', async () => {
      const now = await entry(als, 'v1', member);
      return now && !now.itemIds.includes(pick) ? now : undefined;
    });
    assert.equal(after.itemIds.length, 10);
    const watched = new Set((await platform.plays.recent(member, 500)).map((p) => p.itemId));
    assert.ok(
      after.itemIds.every((id) => !watched.has(id)),
      'nothing the member watched',
    );
    assert.deepEqual(await platform.cache.getJson<ScoredList>(cacheKeys.listEntry(als, 'v1', member)), after);
  });

  it('refreshes "Because you watched" from the played title\'s neighbours, without watched titles', async () => {
    const member = service.members[1] as string;
    const source = service.catalog[0]?.itemId as string;
    await publishPlays(platform.producer, platform.topics, [play(member, source)]);
    const byw = await waitFor('because you watched the played title', async () => {
      const now = await platform.becauseYouWatched.read(member);
      return now?.sourceItemId === source ? now : undefined;
    });
    assert.equal(byw.modelVersion, 'v1');
    assert.ok(byw.list.itemIds.length > 0);
    const watched = new Set((await platform.plays.recent(member, 500)).map((p) => p.itemId));
    assert.ok(byw.list.itemIds.every((id) => !watched.has(id)));
  });

  it('switches to a published version between plays, keeps every play, and re-folds members the batch missed', async () => {
    const member = service.members[2] as string;
    const fresh = service.members[3] as string;
    const titles = service.catalog.map((c) => c.itemId);
    // Plays before the switch; the new version's batch lists were scored without them.
    const early = [play(member, titles[5] as string), play(member, titles[6] as string)];
    await publishPlays(platform.producer, platform.topics, early);
    await waitFor(
      'the early plays',
      async () =>
        (await platform.plays.recent(member, 500)).length >= 2 &&
        (await entry(als, 'v1', member))?.itemIds.includes(titles[6] as string) === false,
    );
    await publishChampion(platform, {
      registration: als,
      algorithm: 'als',
      version: 'v2',
      matrix: service.matrix,
      params: { factors: 8, iterations: 8, regularization: 0.1, seed: 2 },
      dataUntil: snapshotAt,
      entries: [
        {
          memberId: member,
          list: { itemIds: titles.slice(0, 10), scores: titles.slice(0, 10).map(() => 1) },
        },
      ],
    });
    const announcement: PublishedResult = {
      list: als,
      algorithm: 'als',
      version: 'v2',
      location: `cassandra:list_entries/${als}/v2`,
      counts: { members: 1, items: titles.length },
      metrics: {},
      checksum: 'test',
      publishedAt: new Date().toISOString(),
    };
    // A stream of plays around the announcement.
    const stream = titles.slice(10, 22).map((t) => play(fresh, t));
    await publishPlays(platform.producer, platform.topics, stream.slice(0, 6));
    await announceResult(platform.producer, platform.topics, announcement);
    await publishPlays(platform.producer, platform.topics, stream.slice(6));

    await waitFor('nearline on v2', async () => nearline.models().foldIn[0]?.version === 'v2');
    const refolded = await waitFor('the member re-folded under v2', async () => {
      const now = await entry(als, 'v2', member);
      return now && early.every((p) => !now.itemIds.includes(p.itemId)) ? now : undefined;
    });
    assert.equal(refolded.itemIds.length, 10);
    const history = await waitFor('every streamed play stored once', async () => {
      const stored = (await platform.plays.recent(fresh, 500)).filter((p) =>
        stream.some((s) => s.eventId === p.eventId),
      );
      return stored.length === stream.length ? stored : undefined;
    });
    assert.equal(new Set(history.map((p) => p.eventId)).size, stream.length);
    const last = await waitFor("the streamed member's Top picks under v2", async () => {
      const now = await entry(als, 'v2', fresh);
      return now && stream.every((p) => !now.itemIds.includes(p.itemId)) ? now : undefined;
    });
    assert.ok(last.itemIds.length > 0);
  });

  it('a title removed from the catalog and announced leaves Top picks at the next play, and plays of it are still stored', async () => {
    const version = nearline.models().foldIn[0]?.version as string;
    const member = service.members[2] as string;
    const before = (await entry(als, version, member)) as ScoredList;
    const removed = before.itemIds[1] as string;
    assert.equal(await platform.catalog.remove(removed), true);
    await announceCatalogUpdate(platform.producer, platform.topics, [removed]);
    // Each probe is a play of another title: the member is folded in again, against what nearline knows.
    const others = service.catalog.map((t) => t.itemId).filter((id) => id !== removed);
    let n = 0;
    const after = await waitFor(
      'Top picks without the removed title',
      async () => {
        await publishPlays(platform.producer, platform.topics, [
          play(member, others[n++ % others.length] as string),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const now = await entry(als, version, member);
        return now && now.itemIds.length > 0 && !now.itemIds.includes(removed) ? now : undefined;
      },
      20_000,
      10,
    );
    assert.ok(!after.itemIds.includes(removed));
    const ofRemoved = play(member, removed);
    await publishPlays(platform.producer, platform.topics, [ofRemoved]);
    await waitFor('the play of the removed title stored', () => platform.plays.isRecorded(ofRemoved));
  });
});
