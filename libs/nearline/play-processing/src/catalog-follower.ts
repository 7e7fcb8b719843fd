import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kafka } from 'kafkajs';
import { decodeCatalogUpdate, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { KnownItems } from './known-items';
import { SupervisedConsumer } from './supervised-consumer';

/**
 * Follows `catalog.updated`: announced titles are read again at once, so a play of a title added a
 * moment ago is recorded rather than refused as unknown, and Top picks leave out a title removed or
 * gone out of its window. (A title not known yet is also looked up
 * when its first play arrives; this saves that lookup and the wait on it.) Removed titles stay
 * known: plays of them are history. Every process needs every announcement, hence a group of its own.
 */
export class CatalogFollower {
  private readonly consumer: SupervisedConsumer;

  constructor(deps: {
    kafka: Kafka;
    topics: Topics;
    knownItems: KnownItems;
    logger: Logger;
    groupPrefix: string;
  }) {
    this.consumer = new SupervisedConsumer({
      kafka: deps.kafka,
      name: 'catalog.updated',
      topic: deps.topics.catalogUpdated.name,
      fromBeginning: false,
      logger: deps.logger,
      config: {
        groupId: `${deps.groupPrefix}-catalog-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
        maxWaitTimeInMs: 1000,
        retry: { retries: 10, initialRetryTime: 300 },
      },
      run: {
        autoCommit: false,
        eachMessage: async ({ message }) => {
          let itemIds: string[] | null = null;
          try {
            itemIds = decodeCatalogUpdate(JSON.parse(message.value?.toString('utf8') ?? ''));
          } catch {
            // Unreadable: skipped below.
          }
          if (!itemIds) {
            deps.logger.warn({ offset: message.offset }, 'unreadable catalog.updated message skipped');
            return;
          }
          try {
            const found = await deps.knownItems.reload(itemIds);
            deps.logger.info({ titles: itemIds.length, found }, 'catalog titles reloaded');
          } catch (error) {
            // Plays of these titles look them up themselves; nothing is lost.
            deps.logger.warn({ error: (error as Error).message }, 'catalog titles not looked up');
          }
        },
      },
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
