import type { Client } from 'cassandra-driver';
import type { Play } from '@marquee/domain';
import { executeUnlogged, type Cache, type StoredPlay } from '@marquee/storage';
import type { BecauseYouWatchedWriter } from './because-you-watched-writer';
import type { ModelSet } from './champion-models';
import { insertPlays, type MemberHistories } from './member-histories';
import type { TopPicksWriter } from './top-picks-writer';
import type { WatchHistoryWriter } from './watch-history-writer';

export interface PlayProcessorDeps {
  cassandra: Client;
  /** Hot copies are written through the signals; this only tells whether memcached kept up. */
  cache: Cache;
  /** The members' newest plays, kept in process (see MemberHistories). */
  histories: MemberHistories;
  watchHistory: WatchHistoryWriter;
  topPicks: TopPicksWriter;
  becauseYouWatched: BecauseYouWatchedWriter;
  models: () => ModelSet;
  /** A member whose hot copies may be missing or stale in memcached (it failed during a write). */
  onCacheMiss: (memberId: string) => void;
}

/**
 * Nearline handling of one member's new plays (already validated, deduplicated, in offset order).
 * These writes are idempotent: history is keyed by (time, event id), Continue watching and "Because
 * you watched" carry the play time as write timestamp, and Top picks are recomputed from the stored
 * history. So a redelivery after a crash (offsets are committed only after `finish`) changes nothing.
 */
export class PlayProcessor {
  constructor(private readonly deps: PlayProcessorDeps) {}

  /**
   * `onVisible` is called once the member's hot copies (what pages read) are written, which may be
   * before Cassandra has the plays; the promise resolves only once both are done.
   */
  async applyMember(memberId: string, plays: readonly Play[], onVisible?: () => void): Promise<void> {
    await this.watchingCache(memberId, async () => {
      const { histories } = this.deps;
      const history = insertPlays(await histories.get(memberId), plays, histories.limit);
      try {
        // Derived state once per member and batch: a burst of plays costs one fold-in.
        await this.write(memberId, history, this.deps.models(), plays, onVisible);
      } catch (error) {
        histories.forget(memberId);
        throw error;
      }
    });
  }

  /**
   * Recomputes what derives from the member's history against the current champions: Top picks of
   * every fold-in champion, "Because you watched" from the latest play, and the hot copies. Used to
   * re-fold a member after a version switch.
   */
  async refreshDerived(memberId: string, models: ModelSet = this.deps.models()): Promise<void> {
    await this.write(memberId, await this.deps.histories.get(memberId), models, []);
  }

  /**
   * The `applied` plays and what derives from `history` (which includes them): the watch history,
   * Top picks and "Because you watched". Their Cassandra statements go in one request and, at the
   * same time, their hot copies are written. Pages read the hot copies, so a play shows without
   * waiting for Cassandra (whose GC pauses and compactions would otherwise be every play's
   * latency). When the Cassandra write fails the whole member is retried, rewriting both
   * (idempotent), and the kept history is updated only after it succeeded (`applyMember` forgets
   * it otherwise).
   */
  private async write(
    memberId: string,
    history: StoredPlay[],
    models: ModelSet,
    applied: readonly Play[],
    onVisible?: () => void,
  ): Promise<void> {
    const { watchHistory, topPicks, becauseYouWatched, histories } = this.deps;
    const parts = [
      watchHistory.write(memberId, history, applied),
      topPicks.write(memberId, history, models.foldIn),
      becauseYouWatched.write(memberId, history, models.neighbours),
    ];
    const stored = executeUnlogged(
      this.deps.cassandra,
      parts.flatMap((part) => part.statements),
    ).then(() => histories.set(memberId, history));
    const visible = Promise.all(parts.map((part) => part.cache(stored))).then(() => onVisible?.());
    await Promise.all([stored, visible]);
  }

  /** Rewrites every hot copy of the member from Cassandra (after memcached was unavailable). */
  async refillCache(memberId: string): Promise<boolean> {
    let clean = true;
    await this.watchingCache(
      memberId,
      async () => {
        await Promise.all([
          this.deps.watchHistory.refill(memberId),
          this.deps.becauseYouWatched.refill(memberId),
          this.deps.topPicks.refill(memberId, this.deps.models().foldIn),
        ]);
      },
      () => {
        clean = false;
      },
    );
    return clean;
  }

  /**
   * Runs writes and reports the member when memcached failed meanwhile: the cache swallows its
   * errors (the system is correct without it), so a hot copy that was not updated would otherwise
   * stay stale until its TTL. Failures of other members' calls in the same moment mark this one
   * too; a needless refill is cheap.
   */
  private async watchingCache(
    memberId: string,
    writes: () => Promise<void>,
    onMiss: (memberId: string) => void = this.deps.onCacheMiss,
  ): Promise<void> {
    const { cache } = this.deps;
    const errors = cache.stats.errors;
    const wasAvailable = cache.available;
    try {
      await writes();
    } finally {
      if (!wasAvailable || !cache.available || cache.stats.errors !== errors) onMiss(memberId);
    }
  }
}
