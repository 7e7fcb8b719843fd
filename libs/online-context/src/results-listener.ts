import type { Kafka } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';

export interface ResultsListener {
  /** Resolves once the consumer has joined its group and been given the topic's partition. */
  joined: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows `results.published` so this instance switches to a new version as soon as it is announced.
 * The group id must be unique per instance: every replica needs every announcement. A new group
 * starts at the end of the topic (older versions are loaded by the periodic refresh).
 */
export async function listenToPublishedResults(options: {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  logger: Logger;
  onResult: (result: PublishedResult) => Promise<void>;
}): Promise<ResultsListener> {
  const consumer = options.kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topics.resultsPublished.name, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let result: PublishedResult;
      try {
        result = JSON.parse(message.value?.toString('utf8') ?? '') as PublishedResult;
      } catch (error) {
        options.logger.warn(
          { offset: message.offset, error: (error as Error).message },
          'unreadable results.published message skipped',
        );
        return;
      }
      try {
        await options.onResult(result);
      } catch (error) {
        // The periodic refresh catches up; an announcement never stops the consumer.
        options.logger.warn(
          { list: result.list, version: result.version, error: (error as Error).message },
          'could not switch to an announced version; the periodic refresh will retry',
        );
      }
    },
  });
  return { joined, stop: () => consumer.disconnect() };
}
