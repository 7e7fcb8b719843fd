import type { Play } from '@marquee/domain';
import type { PlaysRepository, StoredPlay } from '@marquee/storage';
import type { ContinueWatchingSignal, RecentPlaysSignal } from '@marquee/signals';
import type { SignalWrite } from './signal-write';

/**
 * What a play adds to the member's watch history: the play in `plays_by_member`, the Continue
 * watching row, and the hot copies of both Continue watching and recently watched.
 */
export class WatchHistoryWriter {
  constructor(
    private readonly plays: PlaysRepository,
    private readonly recentPlays: RecentPlaysSignal,
    private readonly continueWatching: ContinueWatchingSignal,
    /** Plays kept per member in process (see MemberHistories): a history shorter than this is all of it. */
    private readonly historyLimit: number,
  ) {}

  /** The writes of `applied` plays; `history` is the member's newest plays including them. */
  write(memberId: string, history: readonly StoredPlay[], applied: readonly Play[]): SignalWrite {
    return {
      statements: applied.flatMap((play) => [
        this.plays.recordStatement(play),
        this.continueWatching.writeStatement(play),
      ]),
      cache: (stored) =>
        Promise.all([
          applied.length > 0 ? this.continueWatchingCopy(memberId, history, applied, stored) : undefined,
          this.recentPlays.cacheHistory(memberId, history),
        ]),
    };
  }

  /** Rewrites the member's hot copies from Cassandra (after memcached was unavailable). */
  async refill(memberId: string): Promise<void> {
    await Promise.all([this.recentPlays.refresh(memberId), this.continueWatching.refresh(memberId)]);
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
    const newest = history.slice(0, ids.size).every((p) => ids.has(p.eventId));
    // A member whose history is just these plays had no row before them (Continue watching is
    // written with the plays, in the same partition): no read of the hot copy or the partition.
    const fresh = newest && history.length === ids.size && history.length < this.historyLimit;
    const before = fresh ? [] : undefined;
    if (newest && (await this.continueWatching.applyToHotCopy(memberId, applied, before))) return;
    await stored;
    await this.continueWatching.refresh(memberId);
  }
}
