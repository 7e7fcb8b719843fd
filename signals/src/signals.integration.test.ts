import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'cassandra-driver';
import type { Play } from '@marquee/domain';
import { type Platform, connectTestPlatform, uniqueId } from '@marquee/testkit';
import { BecauseYouWatchedRepository, ContinueWatchingRepository } from '@marquee/storage';
import { TRENDING } from './trending';
import { BecauseYouWatchedSignal, type BecauseYouWatched } from './because-you-watched';
import { ContinueWatchingSignal } from './continue-watching';

describe('trending and because-you-watched signals (real Cassandra, memcached)', () => {
  let platform: Platform;
  before(async () => {
    platform = await connectTestPlatform('signals');
  });
  after(() => platform.close());

  const play = (itemId: string, device: Play['device'], at: number): Play => ({
    eventId: uniqueId('tr-'),
    userId: uniqueId('m'),
    itemId,
    device,
    timestamp: new Date(at).toISOString(),
    positionMs: 1,
    durationMs: 10,
  });

  it('counts each play once, ranks by decayed plays, and keeps per-device scopes', async () => {
    // A far-future "now" (within the window of the plays below) isolates this test's buckets.
    const now = Date.now();
    const hot = uniqueId('hot-');
    const tv = uniqueId('tv-');
    const plays = [
      ...Array.from({ length: 5 }, () => play(hot, 'mobile', now - 60_000)),
      ...Array.from({ length: 3 }, () => play(tv, 'tv', now - 60_000)),
    ];
    for (const p of plays) assert.equal(await platform.trending.countOnce([p], now), 1);
    // Redelivery: counted already.
    assert.equal(await platform.trending.countOnce([plays[0] as Play], now), 0);
    // Older than the window: ignored.
    assert.equal(
      await platform.trending.countOnce([play(hot, 'web', now - TRENDING.windowMs - 60_000)], now),
      0,
    );

    const all = await platform.trending.read('all', 1000, now + 1);
    const hotScore = all.scores[all.itemIds.indexOf(hot)] ?? 0;
    const tvScore = all.scores[all.itemIds.indexOf(tv)] ?? 0;
    assert.ok(hotScore > tvScore && tvScore > 0, `hot ${hotScore}, tv ${tvScore}`);
    assert.ok(hotScore <= 5, 'decayed, never more than the plays');
    const onTv = await platform.trending.read('device:tv', 1000, now + 2);
    assert.ok(onTv.itemIds.includes(tv));
    assert.ok(!onTv.itemIds.includes(hot));
  });

  it('counts a batch once on the real counters, however often the same batch is counted again', async () => {
    const now = Date.now();
    const title = uniqueId('batch-');
    const batch = Array.from({ length: 4 }, () => play(title, 'tv', now - 60_000));
    assert.equal(await platform.trending.countOnce(batch, now), 4);
    assert.equal(await platform.trending.countOnce(batch, now), 0, 'a retried batch adds nothing');
    // Another k than the test above reads, so neither its memo nor its hot copy answers.
    const onTv = await platform.trending.read('device:tv', 999, now + 3);
    const score = onTv.scores[onTv.itemIds.indexOf(title)] ?? 0;
    assert.ok(score > 3 && score <= 4, `counted four plays once: ${score}`);
  });

  it('because-you-watched keeps the latest play, whatever order writes arrive in', async () => {
    const member = uniqueId('m');
    const later = new Date().toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    await platform.becauseYouWatched.write(member, {
      sourceItemId: 'new',
      list: { itemIds: ['a'], scores: [1] },
      modelVersion: 'v1',
      updatedAt: later,
    });
    await platform.becauseYouWatched.write(member, {
      sourceItemId: 'old',
      list: { itemIds: ['b'], scores: [1] },
      modelVersion: 'v1',
      updatedAt: earlier,
    });
    assert.equal((await platform.becauseYouWatched.read(member))?.sourceItemId, 'new');
    assert.equal(await platform.becauseYouWatched.read(uniqueId('nobody')), null);
  });
  /** A Cassandra client whose reads answer only once `release` is called: a reader caught mid-miss. */
  function heldReads(client: Client) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'execute') return Reflect.get(target, prop, receiver) as unknown;
        return async (...args: Parameters<Client['execute']>) => {
          const result = await target.execute(...args);
          await gate;
          return result;
        };
      },
    });
    return { client: held, release };
  }

  it("a reader's refill after a miss never replaces what a writer cached meanwhile", async () => {
    const member = uniqueId('m');
    const value: BecauseYouWatched = {
      sourceItemId: 'fresh',
      list: { itemIds: ['a'], scores: [1] },
      modelVersion: 'v1',
      updatedAt: new Date().toISOString(),
    };
    const byw = heldReads(platform.cassandra);
    const reader = new BecauseYouWatchedSignal(new BecauseYouWatchedRepository(byw.client), platform.cache);
    // The reader misses, reads Cassandra (nothing yet) and is held before refilling.
    const stale = reader.read(member);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await platform.becauseYouWatched.cacheLatest(member, value);
    byw.release();
    assert.equal(await stale, null, 'the reader answers with what it read');
    assert.deepEqual(await platform.becauseYouWatched.read(member), value, "the writer's copy stays");

    const cw = heldReads(platform.cassandra);
    const cwReader = new ContinueWatchingSignal(new ContinueWatchingRepository(cw.client), platform.cache);
    const watching = uniqueId('m');
    const pending = cwReader.read(watching);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = { ...play('title', 'tv', Date.now()), userId: watching, positionMs: 5, durationMs: 100 };
    await new ContinueWatchingRepository(platform.cassandra).write(started);
    await platform.continueWatching.refresh(watching);
    cw.release();
    assert.deepEqual(await pending, []);
    assert.deepEqual(
      (await platform.continueWatching.read(watching)).map((e) => e.itemId),
      ['title'],
    );
  });

  it("a member's first plays make the Continue watching hot copy without reading it; later ones update it", async () => {
    const member = uniqueId('m');
    const at = Date.now();
    const first = { ...play('first', 'tv', at), userId: member, positionMs: 5, durationMs: 100 };
    const done = { ...play('done', 'tv', at + 1), userId: member, positionMs: 100, durationMs: 100 };
    const reads: string[] = [];
    const cache = {
      getJson: async (key: string) => {
        reads.push(key);
        return platform.cache.getJson(key);
      },
      setJson: platform.cache.setJson.bind(platform.cache),
    } as unknown as typeof platform.cache;
    const signal = new ContinueWatchingSignal(new ContinueWatchingRepository(platform.cassandra), cache);
    assert.equal(await signal.applyToHotCopy(member, [first, done], []), true);
    assert.deepEqual(reads, [], 'a known empty row is not read');
    assert.deepEqual(
      (await platform.continueWatching.read(member)).map((e) => e.itemId),
      ['first'],
      'the finished title is not in the row',
    );
    const next = { ...play('next', 'tv', at + 2), userId: member, positionMs: 7, durationMs: 100 };
    assert.equal(await signal.applyToHotCopy(member, [next]), true);
    assert.equal(reads.length, 1, 'without a known row the hot copy is read');
    assert.deepEqual(
      (await platform.continueWatching.read(member)).map((e) => e.itemId),
      ['next', 'first'],
    );
  });
});
