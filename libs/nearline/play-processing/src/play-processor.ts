import type { Play } from '@marquee/domain';
import type { Cache } from '@marquee/storage';
import type { Client } from 'cassandra-driver';
import { executeUnlogged, type PlaysRepository, type StoredPlay } from '@marquee/storage';
import type {
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
  BecauseYouWatchedSignal,
} from '@marquee/signals';
import type { BecauseYouWatchedWriter } from './because-you-watched-writer';
import type { ModelSet } from './champion-models';
import { insertPlays, type MemberHistories } from './member-histories';
import type { TopPicksWriter } from './top-picks';

export interface PlayProcessorDeps {
  client: Client;
  plays: PlaysRepository;
  /** The members' newest plays, kept in process (see MemberHistories). */
  histories: MemberHistories;
  recentPlays: RecentPlaysSignal;
  continueWatching: ContinueWatchingSignal;
  trending: TrendingSignal;
  becauseYouWatched: BecauseYouWatchedSignal;
  cache: Cache;
  topPicks: TopPicksWriter;
  becauseYouWatchedWriter: BecauseYouWatchedWriter;
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
   * Trending counts of a batch's new plays (one counter update per title and bucket for the whole
   * batch). Counters are the one write that is not idempotent: the dedupe by event id keeps them to
   * one count per play, except when a member's writes fail after the batch was counted (its plays
   * are counted again when the partition re-reads them).
   */
  async countTrending(plays: readonly Play[]): Promise<void> {
    await this.deps.trending.countNew(plays);
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
   * `applied` plays and what derives from `history` (which includes them): every Cassandra write of
   * the member in one request and, at the same time, the hot copies. Pages read the hot copies, so
   * a play shows without waiting for Cassandra (whose GC pauses and compactions would otherwise be
   * every play's latency). When the Cassandra write fails the whole member is retried, rewriting
   * both (idempotent), and the plays count as stored only after it succeeded. (`applyMember`
   * forgets the member's kept history if it did not.)
   */
  private async write(
    memberId: string,
    history: StoredPlay[],
    models: ModelSet,
    applied: readonly Play[],
    onVisible?: () => void,
  ): Promise<void> {
    const { plays, continueWatching, becauseYouWatched, topPicks, becauseYouWatchedWriter } = this.deps;
    const picks = topPicks.compute(memberId, history, models.foldIn);
    const because = becauseYouWatchedWriter.compute(history, models.neighbours);
    const stored = executeUnlogged(this.deps.client, [
      ...applied.flatMap((play) => [plays.recordStatement(play), continueWatching.writeStatement(play)]),
      ...topPicks.statements(memberId, picks),
      ...(because ? [becauseYouWatched.insertStatement(memberId, because)] : []),
    ]).then(() => this.deps.histories.set(memberId, history));
    const cached = Promise.all([
      applied.length > 0 ? this.continueWatchingCopy(memberId, history, applied, stored) : undefined,
      this.deps.recentPlays.cacheHistory(memberId, history),
      topPicks.cacheAndCount(memberId, picks),
      because
        ? becauseYouWatched.cacheLatest(memberId, because).then(() => becauseYouWatchedWriter.written())
        : undefined,
    ]).then(() => onVisible?.());
    await Promise.all([stored, cached]);
  }

  /**
   * The Continue watching hot copy after `applied` plays: updated in place when they are the
   * member's newest stored plays (the common case, and one Cassandra read less per play), made from
   * them alone for a member with no earlier plays, else rebuilt from the partition once `stored` (a
   * late play, or no hot copy).
   */
  private async continueWatchingCopy(
    memberId: string,
    history: readonly StoredPlay[],
    applied: readonly Play[],
    stored: Promise<void>,
  ): Promise<void> {
    const ids = new Set(applied.map((p) => p.eventId));
    const newest = applied.length > 0 && history.slice(0, ids.size).every((p) => ids.has(p.eventId));
    // A member whose history is just these plays had no row before them (Continue watching is
    // written with the plays, in the same partition): no read of the hot copy or the partition.
    const fresh = newest && history.length === ids.size && history.length < this.deps.histories.limit;
    const before = fresh ? [] : undefined;
    if (newest && (await this.deps.continueWatching.applyToHotCopy(memberId, applied, before))) return;
    await stored;
    await this.deps.continueWatching.refresh(memberId);
  }

  /** Rewrites every hot copy of the member from Cassandra (after memcached was unavailable). */
  async refillCache(memberId: string): Promise<boolean> {
    let clean = true;
    await this.watchingCache(
      memberId,
      async () => {
        await Promise.all([
          this.deps.recentPlays.refresh(memberId),
          this.deps.continueWatching.refresh(memberId),
          this.deps.becauseYouWatched.refresh(memberId),
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
