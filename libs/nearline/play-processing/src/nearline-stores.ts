import type { MarqueeConfig } from '@marquee/config';
import { connectProducer } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { NearlineStores } from './nearline-service';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';
import {
  BlobStore,
  BecauseYouWatchedRepository,
  CatalogRepository,
  ContinueWatchingRepository,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  RegistrationsRepository,
  TrendingRepository,
  connectCassandra,
  openCache,
} from '@marquee/storage';

export interface ConnectedStores extends NearlineStores {
  close(): Promise<void>;
}

/**
 * Prepares the schema and topics (idempotent, so any order of starting the processes works), then
 * connects Cassandra, Kafka and memcached and the repositories and signals nearline uses.
 */
export async function connectNearlineStores(
  config: MarqueeConfig,
  logger: Logger,
  cacheTimeoutMs = config.nearline.cacheTimeoutMs,
): Promise<ConnectedStores> {
  const cassandra = await connectCassandra(config, logger);
  const { kafka, producer, topics } = await connectProducer(config, logger);
  const cache = openCache(config, logger, cacheTimeoutMs);
  const plays = new PlaysRepository(cassandra);
  return {
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
