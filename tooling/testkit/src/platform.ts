import type { Client } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
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
  connectCassandra,
  openCache,
  type Cache,
} from '@marquee/storage';
import { connectProducer, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';

/** Every client, repository and signal, connected at once: for tests, the demo and the benchmarks. */
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

/** Prepares the schema and topics (idempotent) and connects every client. */
export async function connectPlatform(
  config: MarqueeConfig,
  logger: Logger,
  options: { cacheTimeoutMs?: number } = {},
): Promise<Platform> {
  const cassandra = await connectCassandra(config, logger);
  const { kafka, producer, topics } = await connectProducer(config, logger);
  const cache = openCache(config, logger, options.cacheTimeoutMs);
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
