import type { Client } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';
import {
  ListStore,
  type BlobStore,
  type Cache,
  type CatalogRepository,
  type ListsRepository,
  type ModelsRepository,
  type PlaysRepository,
  type RegistrationsRepository,
} from '@marquee/storage';
import { BatchHandler } from './batch-handler';
import { BecauseYouWatchedWriter } from './because-you-watched-writer';
import { CacheRepair } from './cache-repair';
import { CatalogFollower } from './catalog-follower';
import { ChampionModels, type ModelSet } from './champion-models';
import { ConsumerLagProbe } from './consumer-lag';
import { KnownItems } from './known-items';
import { Limiter } from './limiter';
import { MemberLocks } from './member-locks';
import { ModelSwitcher } from './model-switcher';
import { nearlineMetrics } from './nearline-metrics';
import { PlayDedupe } from './play-dedupe';
import { PlayProcessor } from './play-processor';
import { PlaysConsumer } from './plays-consumer';
import { RecentMembers } from './recent-members';
import { FOLD_IN_HISTORY, TopPicksWriter } from './top-picks-writer';
import { MemberHistories } from './member-histories';
import { WatchHistoryWriter } from './watch-history-writer';

/** The stores and streams nearline works with, connected by the process that runs it. */
export interface NearlineStores {
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
}

export interface NearlineOptions {
  /** The plays consumer group (see nearlineGroup). */
  groupId?: string;
  fromBeginning?: boolean;
  /** Members applied concurrently across all partitions. */
  concurrency?: number;
  /** Members of the plays consumer group in this process (see PlaysConsumer). */
  consumers?: number;
  /** Champion models are also reloaded on this period (announcements are the fast path). */
  modelRefreshMs?: number;
  /** The item-kNN registration for "Because you watched" (as the online's MARQUEE_SIMILAR_REGISTRATION). */
  neighboursRegistration?: string;
}

export interface NearlineService {
  /** The champion models plays are applied against right now. */
  models: () => ModelSet;
  /** Members waiting for a memcached refill. */
  cacheRepairPending: () => number;
  stop: () => Promise<void>;
}

/**
 * The nearline side as one unit: the plays consumer group wired to the signals, the champion models
 * and their switches on results.published, the memcached refill, and the metrics.
 */
export async function startNearlineService(
  stores: NearlineStores,
  registry: Registry,
  options: NearlineOptions & { groupId: string },
): Promise<NearlineService> {
  const { groupId } = options;
  const { logger, kafka, topics, producer } = stores;
  const metrics = nearlineMetrics(registry);
  const locks = new MemberLocks();
  const recentMembers = new RecentMembers();
  const models = new ChampionModels({
    registrations: stores.registrations,
    lists: stores.lists,
    models: stores.models,
    blobs: stores.blobs,
    logger,
    ...(options.neighboursRegistration ? { neighboursRegistration: options.neighboursRegistration } : {}),
  });
  const knownItems = new KnownItems(stores.catalog);
  const titles = await knownItems.load();
  const catalogFollower = new CatalogFollower({ kafka, topics, knownItems, logger, groupPrefix: groupId });
  await catalogFollower.start();
  const dedupe = new PlayDedupe(stores.plays);
  const histories = new MemberHistories(stores.plays, FOLD_IN_HISTORY);
  const processor: PlayProcessor = new PlayProcessor({
    cassandra: stores.cassandra,
    cache: stores.cache,
    histories,
    watchHistory: new WatchHistoryWriter(
      stores.plays,
      stores.recentPlays,
      stores.continueWatching,
      histories.limit,
    ),
    topPicks: new TopPicksWriter({
      lists: new ListStore(stores.lists, stores.cache),
      logger,
      foldIns: metrics.foldIns,
      shows: (itemId) => knownItems.shows(itemId),
    }),
    becauseYouWatched: new BecauseYouWatchedWriter(stores.becauseYouWatched, metrics.becauseYouWatched),
    models: () => models.current(),
    // Called only once plays flow, after cacheRepair below exists.
    onCacheMiss: (memberId) => cacheRepair.mark(memberId),
  });
  const cacheRepair = new CacheRepair({
    cache: stores.cache,
    processor,
    locks,
    gauge: metrics.cacheRepairPending,
    logger,
  });
  const switcher = new ModelSwitcher({
    kafka,
    topics,
    models,
    processor,
    locks,
    recentMembers,
    metrics,
    logger,
    groupPrefix: groupId,
    refreshMs: options.modelRefreshMs ?? 60_000,
  });
  await switcher.start();
  const handler = new BatchHandler({
    producer,
    topics,
    knownItems,
    dedupe,
    histories,
    processor,
    trending: stores.trending,
    locks,
    limiter: new Limiter(options.concurrency ?? 64),
    recentMembers,
    metrics,
    logger,
  });
  const consumer = new PlaysConsumer({
    kafka,
    topics,
    handler,
    logger,
    metrics,
    groupId,
    fromBeginning: options.fromBeginning ?? true,
    onRebalance: () => histories.clear(),
    ...(options.consumers ? { consumers: options.consumers } : {}),
  });
  await consumer.start();
  const lag = new ConsumerLagProbe({
    kafka,
    groupId,
    topic: topics.plays.name,
    gauge: metrics.lag,
    logger,
  });
  lag.start();
  cacheRepair.start();
  const current = models.current();
  logger.info(
    {
      groupId,
      titles,
      foldIn: current.foldIn.map((c) => `${c.registration}@${c.version}`),
      neighbours: current.neighbours
        ? `${current.neighbours.registration}@${current.neighbours.version}`
        : null,
    },
    'nearline consuming plays',
  );
  return {
    models: () => models.current(),
    cacheRepairPending: () => cacheRepair.size,
    stop: async () => {
      // Plays first (the batch in progress finishes and commits), then what serves them.
      await consumer.stop();
      await switcher.stop();
      await catalogFollower.stop();
      cacheRepair.stop();
      await lag.stop();
    },
  };
}
