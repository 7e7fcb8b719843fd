import type { Consumer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { counter, histogram } from '@marquee/observability';
import type { Platform } from '@marquee/runtime';
import { PlayProcessor } from './play-processor';
import { runPlaysConsumer } from './plays-consumer';

/** The nearline side as one unit: the plays consumer group wired to the signals, with metrics. */
export async function startNearlineService(
  platform: Platform,
  registry: Registry,
  options: { groupId?: string } = {},
): Promise<{ consumer: Consumer; stop: () => Promise<void> }> {
  const processor = new PlayProcessor({
    recentPlays: platform.recentPlays,
    continueWatching: platform.continueWatching,
    producer: platform.producer,
    topics: platform.topics,
    logger: platform.logger,
    metrics: {
      processed: counter(registry, 'marquee_nearline_plays_total', 'Plays handled by outcome', ['outcome']),
      latency: histogram(
        registry,
        'marquee_nearline_play_latency_seconds',
        'Time from publish to the play being stored in the signals',
      ),
    },
  });
  const consumer = await runPlaysConsumer({
    kafka: platform.kafka,
    topics: platform.topics,
    processor,
    logger: platform.logger,
    ...(options.groupId ? { groupId: options.groupId } : {}),
  });
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
