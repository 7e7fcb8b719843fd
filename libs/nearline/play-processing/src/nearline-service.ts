import type { Registry } from 'prom-client';
import type { Platform } from '@marquee/runtime';
import { BatchHandler } from './batch-handler';
import { BecauseYouWatchedWriter } from './because-you-watched-writer';
import { CacheRepair } from './cache-repair';
import { ChampionModels, type ModelSet } from './champion-models';
import { ConsumerLagProbe } from './consumer-lag';
import { KnownItems } from './known-items';
import { Limiter } from './limiter';
import { MemberLocks } from './member-locks';
import { ModelSwitcher } from './model-switcher';
import { nearlineMetrics } from './nearline-metrics';
import { PlayDedupe } from './play-dedupe';
import { PlayProcessor } from './play-processor';
import { PlaysConsumer, nearlineGroup } from './plays-consumer';
import { RecentMembers } from './recent-members';
import { FOLD_IN_HISTORY, TopPicksWriter } from './top-picks';
import { MemberHistories } from './member-histories';

export interface NearlineOptions {
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
  groupId: string;
  /** The champion models plays are applied against right now. */
  models: () => ModelSet;
  /** Reloads champions now (as on results.published); resolves with the registrations that switched. */
  switchModels: () => Promise<Array<{ registration: string; from: string | null; to: string }>>;
  /** Members waiting for a memcached refill. */
  cacheRepairPending: () => number;
  stop: () => Promise<void>;
}

/**
 * The nearline side as one unit: the plays consumer group wired to the signals, the champion models
 * and their switches on results.published, the memcached refill, and the metrics.
 */
export async function startNearlineService(
  platform: Platform,
  registry: Registry,
  options: NearlineOptions = {},
): Promise<NearlineService> {
  const groupId = options.groupId ?? nearlineGroup(platform.config.kafka.topicPrefix);
  const logger = platform.logger;
  const metrics = nearlineMetrics(registry);
  const locks = new MemberLocks();
  const recentMembers = new RecentMembers();
  const models = new ChampionModels({
    ...platform,
    ...(options.neighboursRegistration ? { neighboursRegistration: options.neighboursRegistration } : {}),
  });
  const knownItems = new KnownItems(platform.catalog);
  const titles = await knownItems.load();
  const dedupe = new PlayDedupe(platform.plays);
  const histories = new MemberHistories(platform.plays, FOLD_IN_HISTORY);
  const processor: PlayProcessor = new PlayProcessor({
    ...platform,
    client: platform.cassandra,
    histories,
    topPicks: new TopPicksWriter({ ...platform, foldIns: metrics.foldIns }),
    becauseYouWatchedWriter: new BecauseYouWatchedWriter(metrics.becauseYouWatched),
    models: () => models.current(),
    // Called only once plays flow, after cacheRepair below exists.
    onCacheMiss: (memberId) => cacheRepair.mark(memberId),
  });
  const cacheRepair = new CacheRepair({
    cache: platform.cache,
    processor,
    locks,
    gauge: metrics.cacheRepairPending,
    logger,
  });
  const switcher = new ModelSwitcher({
    kafka: platform.kafka,
    topics: platform.topics,
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
    producer: platform.producer,
    topics: platform.topics,
    knownItems,
    dedupe,
    histories,
    processor,
    locks,
    limiter: new Limiter(options.concurrency ?? 64),
    recentMembers,
    metrics,
    logger,
  });
  const consumer = new PlaysConsumer({
    kafka: platform.kafka,
    topics: platform.topics,
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
    kafka: platform.kafka,
    groupId,
    topic: platform.topics.plays.name,
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
    groupId,
    models: () => models.current(),
    switchModels: () => switcher.switchModels('requested'),
    cacheRepairPending: () => cacheRepair.size,
    stop: async () => {
      // Plays first (the batch in progress finishes and commits), then what serves them.
      await consumer.stop();
      await switcher.stop();
      cacheRepair.stop();
      await lag.stop();
    },
  };
}
