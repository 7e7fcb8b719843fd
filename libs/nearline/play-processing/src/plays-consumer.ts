import type { EachBatchPayload, Kafka } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { BatchHandler } from './batch-handler';
import { InFlight } from './in-flight';
import type { NearlineMetrics } from './nearline-metrics';
import { PeriodicCommits } from './periodic-commits';
import { SupervisedConsumer } from './supervised-consumer';

const NEARLINE_GROUP = 'marquee-nearline';

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
 * Longest a stored play's offset waits to be committed (see PeriodicCommits). Consumer lag is
 * measured from committed offsets, so it includes up to this much of the stream.
 */
const COMMIT_INTERVAL_MS = 250;
/** How long stopping waits for the last commits. */
const STOP_COMMIT_MS = 5000;

interface Member {
  consumer: SupervisedConsumer;
  commits: PeriodicCommits;
}

/**
 * The consumer group on `plays`. Each fetched batch is handled as a whole (see BatchHandler);
 * offsets are resolved and marked done only through the last message whose writes succeeded, and
 * only those are committed (at least once). When a store is down the partition is paused with
 * backoff instead of dropping or skipping plays, and resumes from the first play not yet stored.
 *
 * A process runs several members of the group: kafkajs fetches again only once every batch of the
 * previous fetch is done, so with one consumer a slow batch of one partition would hold back the
 * plays of all the others; each consumer here has its own fetch loop over its share of the partitions.
 * Offsets are committed every `COMMIT_INTERVAL_MS`, not by kafkajs after each batch.
 */
export class PlaysConsumer {
  private readonly members: Member[];
  private readonly pauses = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly batches = new InFlight();
  private stopping = false;

  constructor(
    private readonly options: {
      kafka: Kafka;
      topics: Topics;
      handler: BatchHandler;
      logger: Logger;
      metrics: Pick<NearlineMetrics, 'pauses'>;
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
    this.members = Array.from({ length: count }, (_, i) => this.member(i, Math.ceil(partitions / count)));
  }

  private member(index: number, partitions: number): Member {
    const { options } = this;
    const name = `plays#${index + 1}`;
    const commits = new PeriodicCommits({
      topic: options.topics.plays.name,
      intervalMs: COMMIT_INTERVAL_MS,
      commit: (offsets) => consumer.commitOffsets(offsets),
      onError: (error, partitions) =>
        options.logger.warn(
          { consumer: name, partitions, error: error.message },
          'offsets not committed yet; retrying (plays read again meanwhile are dropped as duplicates)',
        ),
    });
    const consumer: SupervisedConsumer = new SupervisedConsumer({
      kafka: options.kafka,
      name,
      topic: options.topics.plays.name,
      fromBeginning: options.fromBeginning,
      logger: options.logger,
      onGroupJoin: () => {
        commits.forget();
        options.onRebalance?.();
      },
      config: {
        groupId: options.groupId,
        // Heartbeats continue through long batches, so a short session only speeds up taking over
        // the partitions of a process that died.
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        // An idle fetch waits this long at the broker; a play appended meanwhile ends the wait at
        // once, so this only sets how often an idle consumer asks (and how long stopping waits).
        maxWaitTimeInMs: 1000,
        retry: { retries: 10, initialRetryTime: 300 },
      },
      run: {
        partitionsConsumedConcurrently: partitions,
        eachBatchAutoResolve: false,
        autoCommit: false,
        eachBatch: (payload) => this.batches.track(this.eachBatch(payload, commits)),
      },
    });
    return { consumer, commits };
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map(({ consumer }) => consumer.start()));
  }

  /**
   * Finishes the batches in progress, takes no new ones, commits every stored play's offset while
   * the consumers still run (kafkajs commits nothing once stopped), then leaves the group.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // No timed commit may outlive the consumers, even when the final ones below time out.
    for (const { commits } of this.members) commits.stop();
    try {
      await this.batches.settled();
      // Bounded: with the broker away kafkajs retries for minutes; those plays are read again.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.finalCommits(),
        new Promise((resolve) => (timer = setTimeout(resolve, STOP_COMMIT_MS))),
      ]);
      clearTimeout(timer);
    } finally {
      await Promise.all(this.members.map(({ consumer }) => consumer.stop()));
    }
  }

  /** The last announcements acknowledged and every stored play's offset committed. */
  private async finalCommits(): Promise<void> {
    await this.options.handler.settled();
    await Promise.all(this.members.map(({ commits }) => commits.flush()));
  }

  private async eachBatch(
    { batch, resolveOffset, heartbeat, pause }: EachBatchPayload,
    commits: PeriodicCommits,
  ): Promise<void> {
    // Stopping: the batch is left unresolved and read again by whoever consumes next.
    if (this.stopping) return;
    const { partition } = batch;
    // Long batches (a slow store, retries) must not cost the group membership.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      const outcome = await this.options.handler
        .handle(batch.topic, partition, batch.messages)
        .catch((error: unknown) => ({ resolveThrough: null, failure: error as Error }));
      if (outcome.resolveThrough !== null) {
        resolveOffset(outcome.resolveThrough);
        commits.done(partition, outcome.resolveThrough);
      }
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
