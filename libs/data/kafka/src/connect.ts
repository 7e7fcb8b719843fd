import type { Kafka, Producer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import type { Logger } from '@marquee/observability';
import { LOCAL_DURABILITY, createKafka, ensureTopics, type TopicDurability } from './client';
import { PRODUCER_OPTIONS } from './plays-producer';
import { topicsFor, type Topics } from './topics';

/** Creates the topics where missing (idempotent); returns the ones it created. */
export async function prepareTopics(
  kafka: Kafka,
  topics: Topics,
  logger: Logger,
  durability: TopicDurability = LOCAL_DURABILITY,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, topics, durability);
    if (created.length > 0) logger.info({ created }, 'kafka topics created');
    return created;
  } finally {
    await admin.disconnect();
  }
}

/** An idempotent producer, with the topics it writes to created where missing. */
export async function connectProducer(
  config: MarqueeConfig,
  logger: Logger,
  kafka: Kafka = createKafka(config.kafka, logger),
): Promise<{ kafka: Kafka; producer: Producer; topics: Topics }> {
  const topics = topicsFor(config.kafka.topicPrefix);
  await prepareTopics(kafka, topics, logger, config.kafka);
  const producer = kafka.producer(PRODUCER_OPTIONS);
  await producer.connect();
  return { kafka, producer, topics };
}
