import {
  CACHE_TTL_SECONDS,
  cacheKeys,
  type BecauseYouWatched,
  type BecauseYouWatchedRepository,
  type Cache,
  type Statement,
} from '@marquee/storage';

export type { BecauseYouWatched } from '@marquee/storage';

/**
 * Signal: "Because you watched <title>": titles similar to the member's latest play.
 * Stored: Cassandra `because_you_watched` (one row per member) with a hot copy in memcached.
 * Nearline: on each play, the played title's item-to-item neighbours (champion item-kNN model) minus
 *   what the member has watched; written with the play's time as write timestamp (idempotent,
 *   latest play wins).
 * Online: reads the hot copy, falling back to Cassandra. Fresh within a second of the play.
 */
export class BecauseYouWatchedSignal {
  constructor(
    private readonly stored: BecauseYouWatchedRepository,
    private readonly cache: Cache,
  ) {}

  async write(memberId: string, value: BecauseYouWatched): Promise<void> {
    await this.stored.write(memberId, value);
    // Re-read so the hot copy holds what won (a later play may have landed first).
    await this.refresh(memberId);
  }

  /** The Cassandra write of a value, with its time as write timestamp (the latest play wins). */
  insertStatement(memberId: string, value: BecauseYouWatched): Statement {
    return this.stored.writeStatement(memberId, value);
  }

  /**
   * Sets the hot copy, without reading back, to a value computed from the member's newest stored
   * play once its `insertStatement` succeeded: nothing newer can be stored for the member at that
   * moment (nearline applies one member at a time), so the value written is the one that wins.
   */
  async cacheLatest(memberId: string, value: BecauseYouWatched): Promise<void> {
    await this.cache.setJson(cacheKeys.becauseYouWatched(memberId), value, CACHE_TTL_SECONDS.signal);
  }

  /** The hot copy, or Cassandra on a miss (refilling the hot copy unless a writer got there first). */
  async read(memberId: string): Promise<BecauseYouWatched | null> {
    const key = cacheKeys.becauseYouWatched(memberId);
    const cached = await this.cache.getJson<BecauseYouWatched | { none: true }>(key);
    if (cached) return 'none' in cached ? null : cached;
    const value = await this.stored.read(memberId);
    await this.cache.addJson(key, value ?? { none: true }, CACHE_TTL_SECONDS.signal);
    return value;
  }

  /** Rewrites the hot copy from Cassandra: for writers, after their write succeeded. */
  async refresh(memberId: string): Promise<BecauseYouWatched | null> {
    const value = await this.stored.read(memberId);
    await this.cache.setJson(
      cacheKeys.becauseYouWatched(memberId),
      value ?? { none: true },
      CACHE_TTL_SECONDS.signal,
    );
    return value;
  }
}
