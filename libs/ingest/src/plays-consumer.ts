import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { BatchHandler } from './batch-handler';
import type { NearlineMetrics } from './nearline-metrics';
import { SupervisedConsumer } from './supervised-consumer';

export const NEARLINE_GROUP = 'marquee-nearline';

/**
 * The nearline consumer group of an environment. Groups are cluster-wide, not per topic: two
 * environments on one cluster (a test run's topic prefix beside the running platform) sharing a
 * group would take each other's partitions away, so the prefix is part of the name.
 */
export function nearlineGroup(topicPrefix: string): string {
  return `${topicPrefix}${NEARLINE_GROUP}`;
}

/** How long a partition waits after a failed batch: doubling from the first, up to the last. */
const PAUSE_MS = { first: 250, max: 15_000 };

/**
 * The consumer group on `plays`. Each fetched batch is handled as a whole (see BatchHandler);
 * offsets are resolved only through the last message whose writes succeeded, so kafkajs commits
 * exactly that (at least once). When a store is down the partition is paused with backoff instead
 * of dropping or skipping plays, and resumes from the first play not yet stored.
 *
 * A process runs several members of the group: kafkajs fetches again only once every batch of the
 * previous fetch is done, so with one consumer a slow batch of one partition held back the plays
 * of all the others; each consumer here has its own fetch loop over its share of the partitions.
 */
export class PlaysConsumer {
  private readonly consumers: SupervisedConsumer[];
  private readonly pauses = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: {
      kafka: Kafka;
      topics: Topics;
      handler: BatchHandler;
      logger: Logger;
      metrics: NearlineMetrics;
      groupId: string;
      fromBeginning: boolean;
      /** The group rebalanced: what was kept about members of other partitions may be stale. */
      onRebalance?: () => void;
      /** Group members in this process (each with its own fetch loop); at most the partition count. */
      consumers?: number;
    },
  ) {
    const partitions = options.topics.plays.partitions;
    const count = Math.max(1, Math.min(partitions, options.consumers ?? 3));
    this.consumers = Array.from({ length: count }, (_, i) => this.consumer(i, Math.ceil(partitions / count)));
  }

  private consumer(index: number, partitions: number): SupervisedConsumer {
    const { options } = this;
    return new SupervisedConsumer({
      kafka: options.kafka,
      name: `plays#${index + 1}`,
      topic: options.topics.plays.name,
      fromBeginning: options.fromBeginning,
      logger: options.logger,
      ...(options.onRebalance ? { onGroupJoin: options.onRebalance } : {}),
      config: {
        groupId: options.groupId,
        // Heartbeats continue through long batches, so a short session only speeds up taking over
        // the partitions of a process that died.
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        // An idle fetch waits this long at the broker; one with data returns at once.
        maxWaitTimeInMs: 250,
        retry: { retries: 10, initialRetryTime: 300 },
      },
      run: {
        partitionsConsumedConcurrently: partitions,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.eachBatch(payload),
      },
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, pause }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    // Long batches (a slow store, retries) must not cost the group membership.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      const outcome = await this.options.handler
        .handle(batch.topic, partition, batch.messages)
        .catch((error: unknown) => ({ resolveThrough: null, failure: error as Error }));
      if (outcome.resolveThrough !== null) resolveOffset(outcome.resolveThrough);
      if (!outcome.failure) {
        this.pauses.delete(partition);
        return;
      }
      const delay = this.pauses.get(partition) ?? PAUSE_MS.first;
      this.pauses.set(partition, Math.min(PAUSE_MS.max, delay * 2));
      this.options.metrics.pauses.inc({ partition: String(partition) });
      this.options.logger.warn(
        { partition, resumeInMs: delay, error: outcome.failure.message },
        'partition paused until its writes can succeed',
      );
      const resume = pause();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resume();
      }, delay);
      this.timers.add(timer);
    } finally {
      clearInterval(beat);
    }
  }
}
