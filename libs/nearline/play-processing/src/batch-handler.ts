import type { KafkaMessage, Producer } from 'kafkajs';
import type { Play } from '@marquee/domain';
import { sendToDeadLetters, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { TrendingSignal } from '@marquee/signals';
import { admitMessage, unknownItemReason, type Admission } from './admission';
import type { KnownItems } from './known-items';
import { InFlight } from './in-flight';
import type { Limiter } from './limiter';
import type { MemberHistories } from './member-histories';
import type { MemberLocks } from './member-locks';
import { announceMembersUpdated } from './members-updated';
import type { NearlineMetrics } from './nearline-metrics';
import type { PlayDedupe } from './play-dedupe';
import type { PlayProcessor } from './play-processor';
import type { RecentMembers } from './recent-members';
import { withBackoff } from './retry';

export interface BatchOutcome {
  /** The last offset whose message and every earlier one is done (null: none is). */
  resolveThrough: string | null;
  /** Why the rest of the batch was not done; the partition should pause and retry from there. */
  failure: Error | null;
}

export interface BatchHandlerDeps {
  producer: Producer;
  topics: Topics;
  knownItems: KnownItems;
  dedupe: PlayDedupe;
  histories: MemberHistories;
  processor: PlayProcessor;
  trending: TrendingSignal;
  locks: MemberLocks;
  limiter: Limiter;
  recentMembers: RecentMembers;
  metrics: Pick<
    NearlineMetrics,
    'batchSize' | 'plays' | 'deadLetters' | 'retries' | 'processing' | 'latency'
  >;
  logger: Logger;
}

interface Entry {
  message: KafkaMessage;
  offset: number;
  admission: Admission;
}

/**
 * One fetched batch of a partition of `plays`: bad messages go to `plays.dlq` with their reason,
 * duplicates are dropped, and the plays of different members are applied concurrently while each
 * member's plays stay in offset order. A member whose writes keep failing stops there; the outcome
 * says how far the partition is done, so the consumer commits exactly that and re-reads the rest.
 */
export class BatchHandler {
  /** Announcements sent and not yet acknowledged (a batch does not wait for its own). */
  private readonly announcing = new InFlight();
  /**
   * Per partition, the highest offset whose bad messages are on `plays.dlq`: a batch re-read after a
   * failed member write does not send them again. (After a restart the `x-dlq-id` header, the
   * message's origin, lets a reader of the dead letters drop a second copy.)
   */
  private readonly deadLetteredThrough = new Map<string, number>();

  constructor(private readonly deps: BatchHandlerDeps) {}

  /** Resolves once every announcement sent so far is acknowledged or given up (for shutdown). */
  settled(): Promise<void> {
    return this.announcing.settled();
  }

  async handle(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<BatchOutcome> {
    const receivedAt = Date.now();
    this.deps.metrics.batchSize.observe(messages.length);
    const entries: Entry[] = messages.map((message) => ({
      message,
      offset: Number(message.offset),
      admission: admitMessage(message),
    }));
    // The earliest offset that is not done, and why.
    const failed = { at: Number.POSITIVE_INFINITY, error: null as Error | null };
    const fail = (offset: number, error: unknown) => {
      if (offset < failed.at) {
        failed.at = offset;
        failed.error = error instanceof Error ? error : new Error(String(error));
      }
    };
    const first = entries[0]?.offset ?? 0;

    try {
      await this.rejectUnknownItems(entries);
      await this.deadLetter(topic, partition, entries);
      const lanes = await this.lanes(entries);
      const applied: Array<{ lane: Entry[]; doneAt: number }> = [];
      // Online is told about the members as soon as their pages can show the plays (hot copies
      // written), not after Cassandra has them too.
      const visible: string[] = [];
      const shown = [...lanes].map(([memberId, lane]) => {
        let show: () => void = () => undefined;
        const shownOrFailed = new Promise<void>((resolve) => (show = resolve));
        const done = this.deps.limiter
          .run(() =>
            this.deps.locks.run(memberId, () =>
              this.applyLane(memberId, lane, () => {
                if (!visible.includes(memberId)) visible.push(memberId);
                show();
              }),
            ),
          )
          .then((doneAt) => applied.push({ lane, doneAt }))
          .catch((error: unknown) => fail((lane[0] as Entry).offset, error))
          .finally(show);
        return { shownOrFailed, done };
      });
      // The batch does not wait for the broker's acknowledgement of its announcement (about 10 ms
      // under load, and the last thing the partition's next fetch waited for).
      void this.announcing.track(
        Promise.all(shown.map((s) => s.shownOrFailed)).then(() =>
          announceMembersUpdated(this.deps.producer, this.deps.topics, this.deps.logger, visible),
        ),
      );
      await Promise.all(shown.map((s) => s.done));
      // Trending counts only plays whose member writes are done: a member that failed is re-read
      // and counted then, once.
      const counting = this.countTrending(applied.flatMap(({ lane }) => lane));
      await this.finish(applied, counting, receivedAt, fail);
    } catch (error) {
      fail(first, error);
    }

    let resolveThrough: string | null = null;
    for (const entry of entries) {
      if (entry.offset >= failed.at) break;
      resolveThrough = entry.message.offset;
    }
    if (failed.error)
      this.deps.logger.warn(
        { topic, partition, offset: failed.at, error: failed.error.message },
        'plays not stored yet; the partition pauses and retries from this offset',
      );
    return { resolveThrough, failure: failed.error };
  }

  /** The catalog check, batched: one lookup for the titles not seen before. */
  private async rejectUnknownItems(entries: Entry[]): Promise<void> {
    const plays = entries.flatMap((e) => (e.admission.ok ? [e.admission.play] : []));
    if (plays.length === 0) return;
    const unknown = await this.deps.knownItems.unknownAmong(plays.map((p) => p.itemId));
    if (unknown.size === 0) return;
    for (const entry of entries) {
      if (entry.admission.ok && unknown.has(entry.admission.play.itemId))
        entry.admission = {
          ok: false,
          kind: 'unknown-item',
          reason: unknownItemReason(entry.admission.play.itemId),
        };
    }
  }

  /** Sends every bad message of the batch to `plays.dlq` in one request, original bytes and reason. */
  private async deadLetter(topic: string, partition: number, entries: Entry[]): Promise<void> {
    const source = `${topic}/${partition}`;
    const through = this.deadLetteredThrough.get(source) ?? -1;
    const bad = entries.filter((e) => !e.admission.ok && e.offset > through);
    if (bad.length === 0) return;
    const letters = bad.map(({ message, admission }) => ({
      message,
      reason: admission.ok ? '' : admission.reason,
    }));
    await withBackoff(
      () => sendToDeadLetters(this.deps.producer, this.deps.topics, { topic, partition }, letters),
      { attempts: 3, initialMs: 100, maxMs: 1000 },
    );
    this.deadLetteredThrough.set(source, Math.max(...bad.map((e) => e.offset)));
    for (const { message, admission } of bad) {
      if (admission.ok) continue;
      this.deps.metrics.deadLetters.inc({ reason: admission.kind });
      this.deps.metrics.plays.inc({ outcome: 'dead-lettered' });
      this.deps.logger.warn(
        { topic, partition, offset: message.offset, kind: admission.kind, reason: admission.reason },
        'play dead-lettered',
      );
    }
  }

  /**
   * Good plays by member in offset order, without the ones processed before (or twice in this
   * batch). A play is processed once the member's history holds it: the history kept in memory
   * answers, and only a play older than all of it costs a read.
   */
  private async lanes(entries: Entry[]): Promise<Map<string, Entry[]>> {
    const { dedupe, histories, limiter } = this.deps;
    const good = entries.filter((e) => e.admission.ok);
    const playOf = (entry: Entry) => (entry.admission as { play: Play }).play;
    const members = [...new Set(good.map((e) => playOf(e).userId))];
    const kept = new Map(
      await Promise.all(
        members.map((memberId) =>
          limiter.run(async () => [memberId, await histories.get(memberId)] as const),
        ),
      ),
    );
    const processed = new Set<string>();
    const suspects: Play[] = [];
    for (const entry of good) {
      const play = playOf(entry);
      const history = kept.get(play.userId) ?? [];
      if (dedupe.seen(play.eventId) || histories.holds(history, play)) processed.add(play.eventId);
      else if (histories.mayBeOlderThanKept(history, play)) suspects.push(play);
    }
    for (const eventId of await dedupe.recordedAmong(suspects)) processed.add(eventId);
    const lanes = new Map<string, Entry[]>();
    for (const entry of good) {
      const play = playOf(entry);
      if (processed.has(play.eventId)) {
        this.deps.metrics.plays.inc({ outcome: 'duplicate' });
        continue;
      }
      processed.add(play.eventId);
      const lane = lanes.get(play.userId);
      if (lane) lane.push(entry);
      else lanes.set(play.userId, [entry]);
    }
    return lanes;
  }

  /** A store write, retried with backoff a few times (each retry counted) before it counts as failed. */
  private retried<T>(write: () => Promise<T>): Promise<T> {
    return withBackoff(write, {
      attempts: 3,
      initialMs: 100,
      maxMs: 1000,
      onRetry: () => this.deps.metrics.retries.inc(),
    });
  }

  /** Applies one member's plays; resolves with when they were done. */
  private async applyLane(memberId: string, lane: Entry[], onVisible: () => void): Promise<number> {
    const plays = lane.map((e) => (e.admission as { play: Play }).play);
    await this.retried(() => this.deps.processor.applyMember(memberId, plays, onVisible));
    const doneAt = Date.now();
    this.deps.recentMembers.touch(memberId, doneAt);
    return doneAt;
  }

  /** Counts the stored plays of the batch into trending, retrying; resolves with the failure, if any. */
  private async countTrending(stored: readonly Entry[]): Promise<Error | null> {
    const plays = stored.map((e) => (e.admission as { play: Play }).play);
    if (plays.length === 0) return null;
    try {
      // Counters are the one write that is not idempotent: `countOnce` claims the set of plays
      // first, so a retry after a write that timed out but landed does not count it again.
      await this.retried(() => this.deps.trending.countOnce(plays));
      return null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Once trending is counted, the applied plays count as stored. A batch whose trending update kept
   * failing is read again; its plays are duplicates by then (recorded), so trending may miss that
   * batch rather than count it twice.
   */
  private async finish(
    applied: ReadonlyArray<{ lane: Entry[]; doneAt: number }>,
    counting: Promise<Error | null>,
    receivedAt: number,
    fail: (offset: number, error: unknown) => void,
  ): Promise<void> {
    const countFailure = await counting;
    if (applied.length === 0) return;
    const { metrics, dedupe } = this.deps;
    for (const { lane } of applied) dedupe.remember(lane.map((e) => (e.admission as { play: Play }).play));
    if (countFailure) {
      fail(Math.min(...applied.map(({ lane }) => (lane[0] as Entry).offset)), countFailure);
      return;
    }
    for (const { lane, doneAt } of applied) {
      for (const entry of lane) {
        metrics.plays.inc({ outcome: 'stored' });
        metrics.processing.observe((doneAt - receivedAt) / 1000);
        const publishedAt = Number(entry.message.timestamp);
        if (Number.isFinite(publishedAt)) metrics.latency.observe(Math.max(0, doneAt - publishedAt) / 1000);
      }
    }
  }
}
