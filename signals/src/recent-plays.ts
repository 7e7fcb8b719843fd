import {
  CACHE_TTL_SECONDS,
  cacheKeys,
  type Cache,
  type PlaysRepository,
  type StoredPlay,
} from '@marquee/storage';

/**
 * Signal: the member's most recent plays.
 * Stored: Cassandra `plays_by_member` (the full history) with a hot copy in memcached.
 * Nearline: records each play, then rewrites the hot copy from the partition (`cacheHistory` when
 *   the caller has read it already).
 * Online: reads the hot copy, falling back to the partition. Fresh within a second of the play.
 */
export interface RecentPlay {
  itemId: string;
  device: string;
  playedAt: string;
  positionMs: number;
  durationMs: number;
}

export const RECENT_PLAYS_LIMIT = 50;

export class RecentPlaysSignal {
  constructor(
    private readonly plays: PlaysRepository,
    private readonly cache: Cache,
  ) {}

  /** The hot copy, or the partition on a miss (refilling the hot copy unless a writer got there first). */
  async read(memberId: string): Promise<RecentPlay[]> {
    const key = cacheKeys.recentPlays(memberId);
    const cached = await this.cache.getJson<RecentPlay[]>(key);
    if (cached) return cached;
    const recent = toRecent(await this.plays.recent(memberId, RECENT_PLAYS_LIMIT));
    await this.cache.addJson(key, recent, CACHE_TTL_SECONDS.signal);
    return recent;
  }

  /** Rewrites the hot copy from the partition: for writers, after their writes succeeded. */
  async refresh(memberId: string): Promise<RecentPlay[]> {
    return this.cacheHistory(memberId, await this.plays.recent(memberId, RECENT_PLAYS_LIMIT));
  }

  /**
   * Rewrites the hot copy from history the caller has just read (newest first), so nearline reads
   * the partition once per play for both this signal and the fold-in.
   */
  async cacheHistory(memberId: string, history: readonly StoredPlay[]): Promise<RecentPlay[]> {
    const recent = toRecent(history);
    await this.cache.setJson(cacheKeys.recentPlays(memberId), recent, CACHE_TTL_SECONDS.signal);
    return recent;
  }
}

function toRecent(history: readonly StoredPlay[]): RecentPlay[] {
  return history.slice(0, RECENT_PLAYS_LIMIT).map((p) => ({
    itemId: p.itemId,
    device: p.device,
    playedAt: p.playedAt.toISOString(),
    positionMs: p.positionMs,
    durationMs: p.durationMs,
  }));
}
