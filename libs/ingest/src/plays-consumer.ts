import type { Consumer, Kafka } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { PlayProcessor } from './play-processor';
import { withBackoff } from './retry';

export const NEARLINE_GROUP = 'marquee-nearline';

/**
 * Runs the consumer group on `plays`. Each partition is handled in order; a message whose writes
 * keep failing is retried with backoff and then rethrown, so kafkajs re-delivers it rather than
 * committing past it (at least once; nothing dropped).
 */
export async function runPlaysConsumer(options: {
  kafka: Kafka;
  topics: Topics;
  processor: PlayProcessor;
  logger: Logger;
  groupId?: string;
  fromBeginning?: boolean;
}): Promise<Consumer> {
  const consumer = options.kafka.consumer({
    groupId: options.groupId ?? NEARLINE_GROUP,
    sessionTimeout: 15000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 50,
    retry: { retries: 10, initialRetryTime: 300 },
  });
  await consumer.connect();
  await consumer.subscribe({
    topic: options.topics.plays.name,
    fromBeginning: options.fromBeginning ?? true,
  });
  await consumer.run({
    partitionsConsumedConcurrently: options.topics.plays.partitions,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      await withBackoff(() => options.processor.handle(topic, partition, message), {
        attempts: 6,
        initialMs: 100,
        maxMs: 3000,
        onRetry: (error, attempt) => {
          options.logger.warn(
            { topic, partition, offset: message.offset, attempt, error: (error as Error).message },
            'play not stored yet; retrying',
          );
          void heartbeat();
        },
      });
    },
  });
  return consumer;
}
