import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { type Play, encodePlay } from '@marquee/domain';
import { DLQ_HEADERS, publishPlays } from '@marquee/kafka';
import {
  type Platform,
  connectTestPlatform,
  createRegistry,
  testConfig,
  uniqueId,
  waitFor,
  nearlineTestConfig,
} from '@marquee/testkit';
import { cacheKeys } from '@marquee/storage';
import { startNearlineService } from './nearline-service';

describe('nearline plays consumer (real Kafka, Cassandra, memcached)', () => {
  let platform: Platform;
  let stopNearline: () => Promise<void>;
  const registry = createRegistry('nearline-test');
  let dlqConsumer: Consumer;
  const deadLetters: KafkaMessage[] = [];
  const prefix = uniqueId('nl').concat('-');
  const item = (n: number) => `${prefix}i${n}`;

  before(async () => {
    platform = await connectTestPlatform('nearline', nearlineTestConfig(testConfig('marquee-test-nearline')));
    await platform.catalog.upsert(
      Array.from({ length: 9 }, (_, n) => ({
        itemId: item(n + 1),
        title: `Title ${n + 1}`,
        genres: ['Drama'],
      })),
    );
    stopNearline = (await startNearlineService(platform, registry, { groupId: uniqueId('nl-') })).stop;
    dlqConsumer = platform.kafka.consumer({ groupId: uniqueId('dlq-reader-'), maxWaitTimeInMs: 50 });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: platform.topics.playsDlq.name, fromBeginning: true });
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        deadLetters.push(message);
      },
    });
  });

  after(async () => {
    await dlqConsumer.disconnect();
    await stopNearline();
    await platform.close();
  });

  const play = (member: string, overrides: Partial<Play> = {}): Play => ({
    eventId: uniqueId('ev-'),
    userId: member,
    itemId: item(1),
    device: 'tv',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    positionMs: 10 * 60_000,
    durationMs: 90 * 60_000,
    ...overrides,
  });

  it('records a play in the history, Continue watching, recently watched and trending, in Cassandra and memcached', async () => {
    const member = uniqueId('m');
    const first = play(member, { itemId: item(1), device: 'tablet' });
    await publishPlays(platform.producer, platform.topics, [first]);
    const stored = await waitFor('the play in Cassandra', async () => {
      const plays = await platform.plays.recent(member, 10);
      return plays.length === 1 ? plays : undefined;
    });
    assert.equal(stored[0]?.eventId, first.eventId);
    const cached = await waitFor('Continue watching in memcached', () =>
      platform.cache.getJson<Array<{ itemId: string }>>(cacheKeys.continueWatching(member)),
    );
    assert.deepEqual(
      cached.map((e) => e.itemId),
      [item(1)],
    );
    const recent = await platform.cache.getJson<Array<{ itemId: string }>>(cacheKeys.recentPlays(member));
    assert.deepEqual(
      recent?.map((e) => e.itemId),
      [item(1)],
    );
    // Trending is counted once the member's writes are done, so it may land a moment after them; a k
    // of its own on each read keeps it out of the shared 5-second cache.
    await waitFor('the play counted in trending on tablets', async () => {
      const onTablets = await platform.trending.read(
        'device:tablet',
        5000 + Math.floor(Math.random() * 100_000),
      );
      return onTablets.itemIds.includes(item(1)) || undefined;
    });
  });

  it('a title played to the end leaves Continue watching', async () => {
    const member = uniqueId('m');
    const start = Date.now() - 120_000;
    const plays = [
      play(member, { itemId: item(2), timestamp: new Date(start).toISOString() }),
      play(member, { itemId: item(3), timestamp: new Date(start + 1000).toISOString() }),
      play(member, {
        itemId: item(2),
        timestamp: new Date(start + 2000).toISOString(),
        positionMs: 90 * 60_000,
      }),
    ];
    // One at a time, so the later ones update the hot copy in place.
    for (const [n, p] of plays.entries()) {
      await publishPlays(platform.producer, platform.topics, [p]);
      await waitFor(
        `play ${n + 1} stored`,
        async () => (await platform.plays.recent(member, 10)).length === n + 1,
      );
    }
    const entries = await waitFor('i2 gone from Continue watching', async () => {
      const now = await platform.continueWatching.read(member);
      return now.length === 1 ? now : undefined;
    });
    assert.deepEqual(
      entries.map((e) => e.itemId),
      [item(3)],
    );
    // The hot copy nearline kept (updated in place for in-order plays) is what the partition holds.
    const hot = await platform.cache.getJson(cacheKeys.continueWatching(member));
    assert.deepEqual(hot, await platform.continueWatching.refresh(member));
  });

  it('drops duplicates by event id: a redelivered play, and an event id sent again with other content', async () => {
    const member = uniqueId('m');
    const once = play(member);
    const resent = { ...once, timestamp: new Date(Date.now() - 30_000).toISOString(), itemId: item(4) };
    await publishPlays(platform.producer, platform.topics, [once, once]);
    await waitFor('the first play', async () => (await platform.plays.recent(member, 10)).length === 1);
    const last = play(member, { itemId: item(9) });
    await publishPlays(platform.producer, platform.topics, [once, resent, last]);
    await waitFor('the last play', async () =>
      (await platform.plays.recent(member, 10)).some((p) => p.eventId === last.eventId),
    );
    const stored = await platform.plays.recent(member, 10);
    assert.deepEqual(stored.map((p) => p.eventId).sort(), [once.eventId, last.eventId].sort());
    assert.ok(!stored.some((p) => p.itemId === item(4)));
  });

  it('finds a recorded play by its key, and not one that differs in time or event id', async () => {
    const member = uniqueId('m');
    const recorded = play(member);
    await platform.plays.record(recorded);
    assert.equal(await platform.plays.isRecorded(recorded), true);
    assert.equal(await platform.plays.isRecorded({ ...recorded, eventId: uniqueId('e') }), false);
    const later = new Date(Date.parse(recorded.timestamp) + 1).toISOString();
    assert.equal(await platform.plays.isRecorded({ ...recorded, timestamp: later }), false);
  });

  it('sends malformed messages to plays.dlq with their reason and keeps processing the good ones', async () => {
    const member = uniqueId('m');
    const marker = uniqueId('bad-');
    const goodBefore = play(member, { itemId: item(4) });
    const goodAfter = play(member, { itemId: item(5) });
    const bad: Array<[Buffer, RegExp]> = [
      [Buffer.from(`{"eventId": "${marker}-json", `), /not JSON/],
      [Buffer.from(JSON.stringify({ eventId: `${marker}-missing`, userId: member })), /itemId: /],
      [
        encodePlay({ ...play(member), eventId: `${marker}-time`, timestamp: '1999-12-31T23:59:59Z' }),
        /timestamp: must not be before 2000/,
      ],
      [
        encodePlay({ ...play(member), eventId: `${marker}-future`, timestamp: '2999-01-01T00:00:00Z' }),
        /timestamp: must not be more than one hour in the future/,
      ],
      [Buffer.from(JSON.stringify({ eventId: `${marker}-big`, padding: 'x'.repeat(20_000) })), /exceeds/],
      [
        encodePlay({ ...play(member), eventId: `${marker}-item`, itemId: `${prefix}nope` }),
        /not in the catalog/,
      ],
    ];
    await platform.producer.send({
      topic: platform.topics.plays.name,
      messages: [
        { key: member, value: encodePlay(goodBefore) },
        ...bad.map(([value]) => ({ key: member, value })),
        { key: member, value: encodePlay(goodAfter) },
      ],
    });
    await waitFor(
      'both good plays stored',
      async () => (await platform.plays.recent(member, 10)).length === 2,
    );
    const mine = await waitFor('six dead letters', async () => {
      const found = deadLetters.filter((m) => m.key?.toString() === member);
      return found.length === bad.length ? found : undefined;
    });
    for (const [value, reason] of bad) {
      const letter = mine.find((m) => m.value?.equals(value));
      assert.ok(letter, `dead letter for ${value.toString().slice(0, 40)}`);
      assert.match(String(letter.headers?.[DLQ_HEADERS.reason]), reason);
      assert.equal(String(letter.headers?.[DLQ_HEADERS.topic]), platform.topics.plays.name);
    }
  });
  it('rides out a Cassandra outage: the partition pauses, nothing is dropped, every play is stored once', async () => {
    const member = uniqueId('m');
    const plays = Array.from({ length: 10 }, (_, n) =>
      play(member, { itemId: item((n % 9) + 1), timestamp: new Date(Date.now() - 60_000 + n).toISOString() }),
    );
    // The store "goes away" for this process: every request fails as a lost connection would.
    const { cassandra } = platform;
    const execute = cassandra.execute.bind(cassandra);
    const batch = cassandra.batch.bind(cassandra);
    const down = () => Promise.reject(new Error('All host(s) tried for query failed (simulated outage)'));
    cassandra.execute = down as unknown as typeof cassandra.execute;
    cassandra.batch = down as unknown as typeof cassandra.batch;
    try {
      await publishPlays(platform.producer, platform.topics, plays);
      await waitFor('a paused partition', async () => {
        const pauses = await registry.getSingleMetric('marquee_nearline_partition_pauses_total')?.get();
        return (pauses?.values ?? []).some((v) => v.value > 0);
      });
    } finally {
      cassandra.execute = execute;
      cassandra.batch = batch;
    }
    const stored = await waitFor('every play stored after the outage', async () => {
      const now = await platform.plays.recent(member, 20);
      return now.length >= plays.length ? now : undefined;
    });
    assert.deepEqual(stored.map((p) => p.eventId).sort(), plays.map((p) => p.eventId).sort());
  });
});
