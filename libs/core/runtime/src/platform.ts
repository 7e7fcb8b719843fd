import type { Client } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import { Cache } from '@marquee/storage';
import {
  BecauseYouWatchedRepository,
  BlobStore,
  CatalogRepository,
  ContinueWatchingRepository,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  RegistrationsRepository,
  TrendingRepository,
  createCassandraClient,
  migrate,
} from '@marquee/storage';
import { PRODUCER_OPTIONS, createKafka, ensureTopics, topicsFor, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';

/** The clients, repositories and signals a Marquee process works with, and how to close them. */
export interface Platform {
  config: MarqueeConfig;
  logger: Logger;
  cassandra: Client;
  cache: Cache;
  kafka: Kafka;
  topics: Topics;
  producer: Producer;
  plays: PlaysRepository;
  lists: ListsRepository;
  catalog: CatalogRepository;
  blobs: BlobStore;
  models: ModelsRepository;
  registrations: RegistrationsRepository;
  recentPlays: RecentPlaysSignal;
  continueWatching: ContinueWatchingSignal;
  trending: TrendingSignal;
  becauseYouWatched: BecauseYouWatchedSignal;
  close(): Promise<void>;
}

/**
 * Prepares the schema and topics (idempotent) and connects every client. Apps call this once at
 * start-up; the CLI's `stack up` and `demo` call it too, so any order of starting works.
 */
export async function connectPlatform(
  config: MarqueeConfig,
  logger: Logger,
  options: { cacheTimeoutMs?: number } = {},
): Promise<Platform> {
  const bootstrap = createCassandraClient(config.cassandra);
  try {
    const applied = await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    if (applied.length > 0) logger.info({ applied }, 'cassandra migrations applied');
  } finally {
    await bootstrap.shutdown();
  }
  const cassandra = createCassandraClient(config.cassandra, config.cassandra.keyspace);
  await cassandra.connect();
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
  const cache = new Cache(config.memcached.servers, logger, {
    timeoutMs: options.cacheTimeoutMs ?? config.memcached.timeoutMs,
    namespace: config.cassandra.keyspace,
  });
  const plays = new PlaysRepository(cassandra);
  return {
    config,
    logger,
    cassandra,
    cache,
    kafka,
    topics,
    producer,
    plays,
    lists: new ListsRepository(cassandra),
    catalog: new CatalogRepository(cassandra),
    blobs: new BlobStore(cassandra),
    models: new ModelsRepository(cassandra),
    registrations: new RegistrationsRepository(cassandra),
    recentPlays: new RecentPlaysSignal(plays, cache),
    continueWatching: new ContinueWatchingSignal(new ContinueWatchingRepository(cassandra), cache),
    trending: new TrendingSignal(new TrendingRepository(cassandra), cache),
    becauseYouWatched: new BecauseYouWatchedSignal(new BecauseYouWatchedRepository(cassandra), cache),
    async close() {
      await producer.disconnect().catch(() => undefined);
      cache.close();
      await cassandra.shutdown().catch(() => undefined);
    },
  };
}
