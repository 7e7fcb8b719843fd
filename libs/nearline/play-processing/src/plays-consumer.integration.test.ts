import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, KafkaMessage } from 'kafkajs';
import { encodePlay } from '@marquee/domain';
import type { Topics } from '@marquee/kafka';
import { createRegistry } from '@marquee/observability';
import { type Platform, connectTestPlatform, uniqueId, waitFor } from '@marquee/testkit';
import type { BatchHandler, BatchOutcome } from './batch-handler';
import { groupLag } from './consumer-lag';
import { nearlineMetrics } from './nearline-metrics';
import { PlaysConsumer } from './plays-consumer';

describe('plays consumer offsets (real Kafka)', () => {
  let platform: Platform;
  let admin: Admin;
  let topics: Topics;

  before(async () => {
    platform = await connectTestPlatform('plays-consumer');
    admin = platform.kafka.admin();
    await admin.connect();
    // A topic of its own with one partition, so the test sees every offset in order.
    topics = {
      ...platform.topics,
      plays: { name: uniqueId(`${platform.topics.plays.name}.pc-`), partitions: 1 },
    };
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: topics.plays.name, numPartitions: 1 }],
    });
  });

  after(async () => {
    await admin.deleteTopics({ topics: [topics.plays.name] }).catch(() => undefined);
    await admin.disconnect();
    await platform.close();
  });

  it('pauses a partition whose writes fail, commits only what was stored, and resumes from the first play not stored', async () => {
    const handled: number[] = [];
    let failuresLeft = 3;
    const handler = {
      handle: async (_topic: string, _partition: number, messages: KafkaMessage[]): Promise<BatchOutcome> => {
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
      },
      settled: async () => undefined,
    } as unknown as BatchHandler;
    const groupId = uniqueId('pc-');
    const registry = createRegistry('plays-consumer-test');
    const metrics = nearlineMetrics(registry);
    const consumer = new PlaysConsumer({
      kafka: platform.kafka,
      topics,
      handler,
      logger: platform.logger,
      metrics,
      groupId,
      fromBeginning: true,
    });
    await consumer.start();
    try {
      const plays = Array.from({ length: 12 }, (_, n) => ({
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
});
