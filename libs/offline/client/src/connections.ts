import type { Client } from 'cassandra-driver';
import type { Producer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import { Cache, createCassandraClient, migrate } from '@marquee/storage';
import { PRODUCER_OPTIONS, createKafka, ensureTopics, topicsFor, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';

/**
 * Cassandra on the configured keyspace, its schema prepared first (idempotent), so the worker and the
 * `marquee` commands work in any order of starting.
 */
export async function connectCassandra(config: MarqueeConfig, logger: Logger): Promise<Client> {
  const bootstrap = createCassandraClient(config.cassandra);
  try {
    const applied = await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    if (applied.length > 0) logger.info({ applied }, 'cassandra migrations applied');
  } finally {
    await bootstrap.shutdown();
  }
  const cassandra = createCassandraClient(config.cassandra, config.cassandra.keyspace);
  await cassandra.connect();
  return cassandra;
}

/** A Kafka producer, with the topics it writes to created where missing. */
export async function connectProducer(
  config: MarqueeConfig,
  logger: Logger,
): Promise<{ producer: Producer; topics: Topics }> {
  const kafka = createKafka(config.kafka, logger);
  const topics = topicsFor(config.kafka.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, topics);
    if (created.length > 0) logger.info({ created }, 'kafka topics created');
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer(PRODUCER_OPTIONS);
  await producer.connect();
  return { producer, topics };
}

/** The memcached hot copies, in the keyspace's namespace. */
export function openCache(config: MarqueeConfig, logger: Logger): Cache {
  return new Cache(config.memcached.servers, logger, { timeoutMs: 50, namespace: config.cassandra.keyspace });
}
