import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { type Play, encodePlay } from '@marquee/domain';
import { DLQ_HEADERS, publishPlays } from '@marquee/kafka';
import type { Platform } from '@marquee/runtime';
import { cacheKeys } from '@marquee/cache';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { startNearlineService } from './nearline-service';

describe('nearline plays consumer (real Kafka, Cassandra, memcached)', () => {
  let platform: Platform;
  let stopNearline: () => Promise<void>;
  let dlqConsumer: Consumer;
  const deadLetters: KafkaMessage[] = [];

  before(async () => {
    platform = await connectTestPlatform('nearline');
    stopNearline = (
      await startNearlineService(platform, createRegistry('nearline-test'), { groupId: uniqueId('nl-') })
    ).stop;
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
    itemId: 'i1',
    device: 'tv',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    positionMs: 10 * 60_000,
    durationMs: 90 * 60_000,
    ...overrides,
  });

  it('records a play in the member history and Continue watching, in Cassandra and memcached', async () => {
    const member = uniqueId('m');
    const first = play(member, { itemId: 'i1' });
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
      ['i1'],
    );
  });

  it('a title played to the end leaves Continue watching', async () => {
    const member = uniqueId('m');
    const start = Date.now() - 120_000;
    await publishPlays(platform.producer, platform.topics, [
      play(member, { itemId: 'i2', timestamp: new Date(start).toISOString() }),
      play(member, { itemId: 'i3', timestamp: new Date(start + 1000).toISOString() }),
      play(member, {
        itemId: 'i2',
        timestamp: new Date(start + 2000).toISOString(),
        positionMs: 90 * 60_000,
      }),
    ]);
    await waitFor('three plays stored', async () => (await platform.plays.recent(member, 10)).length === 3);
    const entries = await waitFor('i2 gone from Continue watching', async () => {
      const now = await platform.continueWatching.refresh(member);
      return now.length === 1 ? now : undefined;
    });
    assert.deepEqual(
      entries.map((e) => e.itemId),
      ['i3'],
    );
  });

  it('a redelivered play is stored once', async () => {
    const member = uniqueId('m');
    const once = play(member);
    await publishPlays(platform.producer, platform.topics, [once, once]);
    await publishPlays(platform.producer, platform.topics, [once, play(member, { itemId: 'i9' })]);
    await waitFor(
      'the second distinct play',
      async () => (await platform.plays.recent(member, 10)).length >= 2,
    );
    // Give any duplicate a chance to land before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stored = await platform.plays.recent(member, 10);
    assert.equal(stored.filter((p) => p.eventId === once.eventId).length, 1);
    assert.equal(stored.length, 2);
  });

  it('sends malformed messages to plays.dlq with their reason and keeps processing the good ones', async () => {
    const member = uniqueId('m');
    const marker = uniqueId('bad-');
    const goodBefore = play(member, { itemId: 'i4' });
    const goodAfter = play(member, { itemId: 'i5' });
    const bad: Array<[Buffer, RegExp]> = [
      [Buffer.from(`{"eventId": "${marker}-json", `), /not JSON/],
      [Buffer.from(JSON.stringify({ eventId: `${marker}-missing`, userId: member })), /itemId: /],
      [
        encodePlay({ ...play(member), eventId: `${marker}-time`, timestamp: '1999-12-31T23:59:59Z' }),
        /timestamp: must not be before 2000/,
      ],
      [Buffer.from(JSON.stringify({ eventId: `${marker}-big`, padding: 'x'.repeat(20_000) })), /exceeds/],
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
    const mine = await waitFor('four dead letters', async () => {
      const found = deadLetters.filter((m) => m.key?.toString() === member);
      return found.length === 4 ? found : undefined;
    });
    for (const [value, reason] of bad) {
      const letter = mine.find((m) => m.value?.equals(value));
      assert.ok(letter, `dead letter for ${value.toString().slice(0, 40)}`);
      assert.match(String(letter.headers?.[DLQ_HEADERS.reason]), reason);
      assert.equal(String(letter.headers?.[DLQ_HEADERS.topic]), platform.topics.plays.name);
    }
  });
});
