import type { Kafka } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import { decodeCatalogUpdate, decodeRulesUpdate, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';

export interface TopicListener {
  /** Resolves once the consumer has joined its group and been given the topic's partitions. */
  joined: Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long an idle fetch waits at the broker. A message ends the wait the moment it is appended, so
 * delivery does not depend on it (5 ms at p50 with 100 ms and with 2,000 ms); only the idle
 * process's empty fetches do.
 */
const LONG_POLL_MS = 1000;

/**
 * Follows a broadcast topic: every instance hears every message, so the group id must be unique per
 * instance; a new group starts at the end of the topic. Messages are JSON; an unreadable one is
 * logged and skipped, and a failing handler never stops the consumer.
 */
async function listen<T>(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  logger: Logger;
  onMessage: (value: T) => Promise<void> | void;
}): Promise<TopicListener> {
  const { logger, topic } = options;
  const consumer = options.kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: LONG_POLL_MS });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let value: T;
      try {
        value = JSON.parse(message.value?.toString('utf8') ?? '') as T;
      } catch (error) {
        logger.warn(
          { topic, offset: message.offset, error: (error as Error).message },
          'unreadable message skipped',
        );
        return;
      }
      try {
        await options.onMessage(value);
      } catch (error) {
        logger.warn(
          { topic, offset: message.offset, error: (error as Error).message },
          'message not handled',
        );
      }
    },
  });
  return { joined, stop: () => consumer.disconnect() };
}

/**
 * Follows `results.published` so this instance switches to a new version as soon as it is announced
 * (older versions are loaded by the periodic refresh, which also catches up after a failed switch).
 */
export function listenToPublishedResults(options: {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  logger: Logger;
  onResult: (result: PublishedResult) => Promise<void>;
}): Promise<TopicListener> {
  return listen<PublishedResult>({
    ...options,
    topic: options.topics.resultsPublished.name,
    onMessage: options.onResult,
  });
}

/**
 * Follows `members.updated`: nearline has rewritten these members' rows, so pages this instance
 * keeps in memory for them are dropped at once instead of at the end of their TTL.
 */
export function listenToMemberUpdates(options: {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  logger: Logger;
  onMember: (memberId: string) => void;
}): Promise<TopicListener> {
  return listen<{ members?: unknown }>({
    ...options,
    topic: options.topics.membersUpdated.name,
    onMessage: ({ members }) => {
      if (!Array.isArray(members)) return;
      for (const memberId of members) if (typeof memberId === 'string') options.onMember(memberId);
    },
  });
}

/**
 * Follows `catalog.updated`: titles were added, changed or removed, so this instance reloads them
 * and pages it keeps in memory are blended afresh (a removed title leaves every page within seconds).
 */
export function listenToCatalogUpdates(options: {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  logger: Logger;
  onTitles: (itemIds: string[]) => Promise<void>;
}): Promise<TopicListener> {
  return listen<unknown>({
    ...options,
    topic: options.topics.catalogUpdated.name,
    onMessage: async (value) => {
      const itemIds = decodeCatalogUpdate(value);
      if (itemIds && itemIds.length > 0) await options.onTitles(itemIds);
    },
  });
}

/**
 * Follows `rules.updated`: a merchandising rule was put or deleted, so this instance reloads the rule
 * set and pages it keeps in memory are blended afresh.
 */
export function listenToRuleUpdates(options: {
  kafka: Kafka;
  topics: Topics;
  groupId: string;
  logger: Logger;
  onUpdate: () => Promise<void>;
}): Promise<TopicListener> {
  return listen<unknown>({
    ...options,
    topic: options.topics.rulesUpdated.name,
    onMessage: async (value) => {
      if (decodeRulesUpdate(value)) await options.onUpdate();
    },
  });
}
