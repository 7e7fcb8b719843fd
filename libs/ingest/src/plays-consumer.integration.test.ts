import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, KafkaMessage } from 'kafkajs';
import { encodePlay } from '@marquee/domain';
import type { Topics } from '@marquee/kafka';
import type { Registry } from 'prom-client';
import { createRegistry } from '@marquee/observability';
import type { Platform } from '@marquee/runtime';
import { connectTestPlatform, uniqueId, waitFor } from '@marquee/testkit';
import type { BatchHandler, BatchOutcome, BatchWork } from './batch-handler';
import { groupLag } from './consumer-lag';
import { nearlineMetrics } from './nearline-metrics';
import { PlaysConsumer } from './plays-consumer';

describe('plays consumer offsets (real Kafka)', () => {
  let platform: Platform;
  let admin: Admin;
  let topics: Topics;
  const created: string[] = [];

  before(async () => {
    platform = await connectTestPlatform('plays-consumer');
    admin = platform.kafka.admin();
    await admin.connect();
  });

  // Each test has a topic of its own with one partition, so it sees every offset in order.
  beforeEach(async () => {
    topics = {
      ...platform.topics,
      plays: { name: uniqueId(`${platform.topics.plays.name}.pc-`), partitions: 1 },
    };
    created.push(topics.plays.name);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: topics.plays.name, numPartitions: 1 }],
    });
  });

  after(async () => {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
    await platform.close();
  });

  it('pauses a partition whose writes fail, commits only what was stored, and resumes from the first play not stored', async () => {
    const handled: number[] = [];
    let failuresLeft = 3;
    const handle = async (messages: readonly KafkaMessage[]): Promise<BatchOutcome> => {
      let resolveThrough: string | null = null;
      for (const message of messages) {
        const offset = Number(message.offset);
        // The store is "down" for offset 5 the first three times it comes by.
        if (offset === 5 && failuresLeft > 0) {
          failuresLeft -= 1;
          return { resolveThrough, failure: new Error('store unavailable') };
        }
        handled.push(offset);
        resolveThrough = message.offset;
      }
      return { resolveThrough, failure: null };
    };
    const handler = handlerOf((_, messages) => {
      const outcome = handle(messages);
      return { visible: outcome.then(() => undefined), outcome };
    });
    const groupId = uniqueId('pc-');
    const registry = createRegistry('plays-consumer-test');
    const consumer = consumerFor(handler, groupId, registry);
    await consumer.start();
    try {
      await send(12);
      await waitFor('every play handled', async () => handled.includes(11), 30_000, 100);
      // Nothing skipped, nothing before the failure handled twice: 0-4 once, then 5 onwards.
      assert.deepEqual(handled, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.equal(failuresLeft, 0);
      const pauses = (await registry.getSingleMetric('marquee_nearline_partition_pauses_total')?.get())
        ?.values;
      assert.equal(pauses?.[0]?.value, 3);
      await waitFor(
        'offsets committed to the end',
        async () => (await groupLag(admin, groupId, topics.plays.name)).get(0) === 0,
      );
    } finally {
      await consumer.stop();
    }
  });

  it('moves on to the next batch while the one before is still being stored, and commits only through stored plays', async () => {
    const started: number[][] = [];
    const held: Array<(outcome: BatchOutcome) => void> = [];
    // Every batch is visible at once and stored when the test says so.
    const handler = handlerOf((_, messages) => {
      started.push(messages.map((m) => Number(m.offset)));
      const outcome = new Promise<BatchOutcome>((resolve) => held.push(resolve));
      return { visible: Promise.resolve(), outcome };
    });
    const groupId = uniqueId('pc-');
    const consumer = consumerFor(handler, groupId, createRegistry('plays-consumer-pipelined'));
    const lag = async () => (await groupLag(admin, groupId, topics.plays.name)).get(0);
    await consumer.start();
    try {
      await send(3);
      await waitFor('first batch started', async () => started.length === 1);
      await send(3);
      // The second batch starts although the first is not stored yet...
      await waitFor('second batch started', async () => started.length === 2);
      assert.deepEqual(started[1]?.[0], 3);
      // ...and nothing is committed until the first is.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await lag(), 6);
      // The first is stored only through its second play: the partition reads again from its third,
      // the second batch (already under way) included, and commits through the first two meanwhile.
      held[0]?.({ resolveThrough: '1', failure: new Error('store unavailable') });
      held[1]?.({ resolveThrough: '5', failure: null });
      await waitFor('the rest read again', async () => started.length === 3);
      assert.deepEqual(started[2], [2, 3, 4, 5]);
      assert.equal(await lag(), 4);
      held[2]?.({ resolveThrough: '5', failure: null });
      await waitFor('offsets committed to the end', async () => (await lag()) === 0);
    } finally {
      await consumer.stop();
    }
  });

  const handlerOf = (start: (partition: number, messages: readonly KafkaMessage[]) => BatchWork) =>
    ({
      start: (_topic: string, partition: number, messages: KafkaMessage[]) => start(partition, messages),
    }) as unknown as BatchHandler;

  const consumerFor = (handler: BatchHandler, groupId: string, registry: Registry) =>
    new PlaysConsumer({
      kafka: platform.kafka,
      topics,
      handler,
      logger: platform.logger,
      metrics: nearlineMetrics(registry),
      groupId,
      fromBeginning: true,
    });

  const send = async (count: number) => {
    const plays = Array.from({ length: count }, (_, n) => ({
      eventId: uniqueId(`pc${n}-`),
      userId: 'm1',
      itemId: 'i1',
      device: 'tv' as const,
      timestamp: new Date().toISOString(),
      positionMs: n,
      durationMs: 100,
    }));
    await platform.producer.send({
      topic: topics.plays.name,
      messages: plays.map((p) => ({ key: p.userId, value: encodePlay(p) })),
    });
  };
});
