import { isFinished, type Play } from '@marquee/domain';
import {
  CACHE_TTL_SECONDS,
  cacheKeys,
  type Cache,
  type ContinueWatchingEntry,
  type ContinueWatchingRepository,
  type Statement,
} from '@marquee/storage';

export type { ContinueWatchingEntry } from '@marquee/storage';

/**
 * Signal: titles the member started and has not finished, with their positions.
 * Stored: Cassandra `continue_watching` (one row per member and title), hot copy in memcached.
 * Nearline: each play upserts the position, or deletes the row once the title is played to the end.
 *   Writes carry the play's time as the Cassandra write timestamp, so redelivered or reordered
 *   plays resolve to the latest position and retries are idempotent. The hot copy is rebuilt from
 *   the partition, or, for a member's newest plays, updated in place (`applyToHotCopy`).
 * Online: reads the hot copy, falling back to the partition; newest first.
 */
export class ContinueWatchingSignal {
  constructor(
    private readonly stored: ContinueWatchingRepository,
    private readonly cache: Cache,
  ) {}

  /** The Cassandra write of one play: the position, or a delete once the title is finished. */
  writeStatement(play: Play): Statement {
    return this.stored.writeStatement(play);
  }

  /**
   * Applies written plays to the hot copy without reading the partition back, for plays that are
   * the member's newest (no stored play is later): then each one's write is the one that wins for
   * its title, and the rest of the row is unchanged. `before` is the row before these plays when the
   * caller knows it (a member with no earlier plays has an empty one); otherwise it is the hot copy.
   * Returns false, changing nothing, when there is no hot copy to apply them to; the caller
   * refreshes instead.
   */
  async applyToHotCopy(
    memberId: string,
    newest: readonly Play[],
    before?: readonly ContinueWatchingEntry[],
  ): Promise<boolean> {
    const key = cacheKeys.continueWatching(memberId);
    const cached = before ?? (await this.cache.getJson<ContinueWatchingEntry[]>(key));
    if (!cached) return false;
    const byTitle = new Map(cached.map((entry) => [entry.itemId, entry]));
    for (const play of [...newest].sort((a, b) => a.timestamp.localeCompare(b.timestamp))) {
      if (isFinished(play)) byTitle.delete(play.itemId);
      else
        byTitle.set(play.itemId, {
          itemId: play.itemId,
          positionMs: play.positionMs,
          durationMs: play.durationMs,
          device: play.device,
          updatedAt: new Date(play.timestamp).toISOString(),
        });
    }
    const entries = [...byTitle.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return this.cache.setJson(key, entries, CACHE_TTL_SECONDS.signal);
  }

  /** The hot copy, or the partition on a miss (refilling the hot copy unless a writer got there first). */
  async read(memberId: string): Promise<ContinueWatchingEntry[]> {
    const key = cacheKeys.continueWatching(memberId);
    const cached = await this.cache.getJson<ContinueWatchingEntry[]>(key);
    if (cached) return cached;
    const entries = await this.stored.read(memberId);
    await this.cache.addJson(key, entries, CACHE_TTL_SECONDS.signal);
    return entries;
  }

  /** Rewrites the hot copy from the partition: for writers, after their writes succeeded. */
  async refresh(memberId: string): Promise<ContinueWatchingEntry[]> {
    const entries = await this.stored.read(memberId);
    await this.cache.setJson(cacheKeys.continueWatching(memberId), entries, CACHE_TTL_SECONDS.signal);
    return entries;
  }
}
