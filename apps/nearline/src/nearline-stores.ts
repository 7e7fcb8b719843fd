import type { MarqueeConfig } from '@marquee/config';
import { PRODUCER_OPTIONS, createKafka, ensureTopics, topicsFor } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { NearlineStores } from '@marquee/play-processing';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';
import {
  BlobStore,
  Cache,
  BecauseYouWatchedRepository,
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

/**
 * How long nearline waits for memcached before counting it unavailable. Nearline writes hot copies
 * in bursts (a batch of members at once) on a busy event loop; the online's 50 ms read deadline
 * would count those as memcached failures and skip the cache for a while, so nearline gives
 * memcached longer. A down memcached still fails at once (refused).
 */
const CACHE_TIMEOUT_MS = 500;

export interface ConnectedStores extends NearlineStores {
  close(): Promise<void>;
}

/**
 * Prepares the schema and topics (idempotent, so any order of starting the processes works), then
 * connects Cassandra, Kafka and memcached and the repositories and signals nearline uses.
 */
export async function connectNearlineStores(config: MarqueeConfig, logger: Logger): Promise<ConnectedStores> {
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
    timeoutMs: CACHE_TIMEOUT_MS,
    namespace: config.cassandra.keyspace,
  });
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
