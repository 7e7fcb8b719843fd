import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { retryOffset, type BatchHandler, type BatchOutcome } from './batch-handler';
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

/** Offsets to commit for a partition: the newest wanted and the newest done (commits never go back). */
interface CommitState {
  wanted: number;
  done: number;
  running: Promise<void> | null;
}

/**
 * The consumer group on `plays`. Each fetched batch is handled as a whole (see BatchHandler).
 *
 * A partition moves on to its next batch as soon as the plays of this one are visible (the hot
 * copies pages read are written), while Cassandra is still storing them: waiting for those writes
 * put Cassandra's slowest moments (a GC pause, a compaction) into the latency of every play queued
 * behind the batch. Offsets are committed separately (kafkajs autoCommit is off) and only through
 * plays whose writes all succeeded, in batch order, so a crash re-reads at most what was not stored
 * (at least once; dedupe drops the rest). At most one batch per partition is stored in the
 * background: the next one finishes only once the one before it is settled. When a batch's writes
 * fail the partition seeks back to the first play not stored and is paused with backoff, instead
 * of dropping or skipping plays; a later batch already under way is handled but not committed.
 *
 * A process runs several members of the group: kafkajs fetches again only once every batch of the
 * previous fetch is done, so with one consumer a slow batch of one partition held back the plays
 * of all the others; each consumer here has its own fetch loop over its share of the partitions.
 */
export class PlaysConsumer {
  private readonly consumers: SupervisedConsumer[];
  private readonly pauses = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per consumer and partition, the settling of the batch stored in the background (true: stored). */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly commits = new Map<string, CommitState>();
  /** Per consumer, bumped at each group join: what was in flight before belongs to an old assignment. */
  private readonly epochs: number[];
  private stopping = false;

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
    this.epochs = Array.from({ length: count }, () => 0);
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
      onGroupJoin: () => {
        this.rejoined(index);
        options.onRebalance?.();
      },
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
        // Resolving an offset only moves the fetch position here; commits follow the stored plays.
        autoCommit: false,
        eachBatch: (payload) => this.eachBatch(index, payload),
      },
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
  }

  /** Lets the batches in flight finish and commits them, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.inFlight.values());
    await this.commitsDone();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private rejoined(index: number): void {
    this.epochs[index] = (this.epochs[index] ?? 0) + 1;
    for (const key of [...this.inFlight.keys(), ...this.commits.keys()])
      if (key.startsWith(`${index}:`)) {
        this.inFlight.delete(key);
        this.commits.delete(key);
      }
  }

  private async eachBatch(
    index: number,
    { batch, resolveOffset, heartbeat, isStale }: EachBatchPayload,
  ): Promise<void> {
    const { partition, topic, messages } = batch;
    // A failed batch before this one rewound the partition: it is read again from there.
    if (isStale()) return;
    const key = `${index}:${partition}`;
    const previous = this.inFlight.get(key);
    // Long batches (a slow store, retries) must not cost the group membership.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      const work = this.options.handler.start(topic, partition, messages);
      await work.visible;
      if (previous && !(await previous)) {
        // The batch before failed meanwhile; this one is read again after it (dedupe drops what it stored).
        await work.outcome;
        return;
      }
      const epoch = this.epochs[index] ?? 0;
      const settled: Promise<boolean> = work.outcome.then((outcome) => {
        if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
        return this.settle(index, epoch, topic, partition, messages, outcome);
      });
      this.inFlight.set(key, settled);
      const last = messages[messages.length - 1];
      if (last) resolveOffset(last.offset);
      if (this.stopping) {
        await settled;
        await this.commitsDone();
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** Commits what a stored batch finished; after a failure seeks back and pauses. True when all is stored. */
  private settle(
    index: number,
    epoch: number,
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    outcome: BatchOutcome,
  ): boolean {
    // Partitions were reassigned meanwhile: their new owner reads from the last commit.
    if (epoch !== this.epochs[index]) return outcome.failure === null;
    if (outcome.resolveThrough !== null)
      this.commit(index, topic, partition, Number(outcome.resolveThrough) + 1);
    if (!outcome.failure) {
      this.pauses.delete(partition);
      return true;
    }
    const delay = this.pauses.get(partition) ?? PAUSE_MS.first;
    this.pauses.set(partition, Math.min(PAUSE_MS.max, delay * 2));
    this.options.metrics.pauses.inc({ partition: String(partition) });
    this.options.logger.warn(
      { partition, resumeInMs: delay, error: outcome.failure.message },
      'partition paused until its writes can succeed',
    );
    const consumer = this.consumers[index]?.current;
    const from = retryOffset(messages, outcome);
    if (!consumer || from === null) return false;
    try {
      consumer.seek({ topic, partition, offset: from });
      consumer.pause([{ topic, partitions: [partition] }]);
    } catch (error) {
      // Not running (stopping or rebuilding): the next run reads from the last commit anyway.
      this.options.logger.warn(
        { partition, error: (error as Error).message },
        'could not rewind the partition',
      );
      return false;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.consumers[index]?.current === consumer && epoch === this.epochs[index])
        consumer.resume([{ topic, partitions: [partition] }]);
    }, delay);
    this.timers.add(timer);
    return false;
  }

  /** Commits `offset` (the next to read) for a partition; one commit at a time, the newest wanted. */
  private commit(index: number, topic: string, partition: number, offset: number): void {
    const key = `${index}:${partition}`;
    let state = this.commits.get(key);
    if (!state) {
      state = { wanted: -1, done: -1, running: null };
      this.commits.set(key, state);
    }
    state.wanted = Math.max(state.wanted, offset);
    if (state.running) return;
    const current = state;
    const epoch = this.epochs[index];
    current.running = (async () => {
      while (current.done < current.wanted && epoch === this.epochs[index]) {
        const next = current.wanted;
        const consumer = this.consumers[index]?.current;
        if (!consumer) return;
        try {
          await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
          current.done = next;
        } catch (error) {
          // The next stored batch commits again (offsets are cumulative); a crash meanwhile only re-reads.
          this.options.logger.warn(
            { partition, offset: next, error: (error as Error).message },
            'offset commit failed',
          );
          return;
        }
      }
    })().finally(() => {
      current.running = null;
    });
  }

  private async commitsDone(): Promise<void> {
    await Promise.all([...this.commits.values()].map((state) => state.running));
  }
}
