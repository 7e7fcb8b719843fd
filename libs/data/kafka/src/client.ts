import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import type { Logger } from '@marquee/observability';
import type { Topics } from './topics';

/** A kafkajs client whose logs go through the process logger. */
export function createKafka(config: MarqueeConfig['kafka'], logger: Logger): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, ...extra } = log;
        const line = { kafka: namespace, ...extra };
        if (level <= logLevel.ERROR) logger.error(line, message);
        else logger.warn(line, message);
      },
  });
}

/** How many copies of each partition the brokers keep, and how many must have a write before it is acknowledged. */
export interface TopicDurability {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** One broker, as the local stack runs it. Production: 3 replicas, 2 in sync (MARQUEE_KAFKA_REPLICATION). */
export const LOCAL_DURABILITY: TopicDurability = { replicationFactor: 1, minInsyncReplicas: 1 };

/** Creates the platform's topics where missing (idempotent). */
export async function ensureTopics(
  admin: Admin,
  topics: Topics,
  durability: TopicDurability = LOCAL_DURABILITY,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = Object.values(topics).filter((topic) => !existing.has(topic.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: durability.replicationFactor,
        configEntries: [{ name: 'min.insync.replicas', value: String(durability.minInsyncReplicas) }],
      })),
    });
  }
  return missing.map((topic) => topic.name);
}
