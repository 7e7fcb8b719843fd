import type { Play } from '@marquee/domain';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/cache';
import type { PlaysRepository, StoredPlay } from '@marquee/cassandra';

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

  async record(play: Play): Promise<RecentPlay[]> {
    await this.plays.record(play);
    return this.refresh(play.userId);
  }

  async read(memberId: string): Promise<RecentPlay[]> {
    const cached = await this.cache.getJson<RecentPlay[]>(cacheKeys.recentPlays(memberId));
    return cached ?? this.refresh(memberId);
  }

  /** Rebuilds the hot copy from Cassandra (after a write, or on a cache miss). */
  async refresh(memberId: string): Promise<RecentPlay[]> {
    return this.cacheHistory(memberId, await this.plays.recent(memberId, RECENT_PLAYS_LIMIT));
  }

  /**
   * Rewrites the hot copy from history the caller has just read (newest first), so nearline reads
   * the partition once per play for both this signal and the fold-in.
   */
  async cacheHistory(memberId: string, history: readonly StoredPlay[]): Promise<RecentPlay[]> {
    const recent = history.slice(0, RECENT_PLAYS_LIMIT).map((p) => ({
      itemId: p.itemId,
      device: p.device,
      playedAt: p.playedAt.toISOString(),
      positionMs: p.positionMs,
      durationMs: p.durationMs,
    }));
    await this.cache.setJson(cacheKeys.recentPlays(memberId), recent, CACHE_TTL_SECONDS.signal);
    return recent;
  }
}
