import type { Client } from 'cassandra-driver';
import type { ScoredList } from '@marquee/domain';
import { CACHE_TTL_SECONDS, type Cache } from '@marquee/storage';
import { encodeRankedList, rankedList, writeTimestampMicros, type Statement } from '@marquee/storage';

/**
 * Signal: "Because you watched <title>": titles similar to the member's latest play.
 * Stored: Cassandra `because_you_watched` (one row per member) with a hot copy in memcached.
 * Nearline: on each play, the played title's item-to-item neighbours (champion item-kNN model) minus
 *   what the member has watched; written with the play's time as write timestamp (idempotent,
 *   latest play wins).
 * Online: reads the hot copy, falling back to Cassandra. Fresh within a second of the play.
 */
export interface BecauseYouWatched {
  sourceItemId: string;
  list: ScoredList;
  modelVersion: string;
  updatedAt: string;
}

const key = (memberId: string) => `mq:byw:${memberId}`;

export class BecauseYouWatchedSignal {
  constructor(
    private readonly client: Client,
    private readonly cache: Cache,
  ) {}

  async write(memberId: string, value: BecauseYouWatched): Promise<void> {
    await this.insert(memberId, value);
    // Re-read so the hot copy holds what won (a later play may have landed first).
    await this.refresh(memberId);
  }

  private async insert(memberId: string, value: BecauseYouWatched): Promise<void> {
    const { query, params } = this.insertStatement(memberId, value);
    await this.client.execute(query, params, { prepare: true });
  }

  /** The Cassandra write of a value, with its time as write timestamp (the latest play wins). */
  insertStatement(memberId: string, value: BecauseYouWatched): Statement {
    return {
      query: `INSERT INTO because_you_watched (member_id, source_item_id, ranked, model_version, updated_at)
       VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?`,
      params: [
        memberId,
        value.sourceItemId,
        encodeRankedList(value.list),
        value.modelVersion,
        new Date(value.updatedAt),
        writeTimestampMicros(value.updatedAt),
      ],
    };
  }

  /**
   * Sets the hot copy, without reading back, to a value computed from the member's newest stored
   * play once its `insertStatement` succeeded: nothing newer can be stored for the member at that
   * moment (nearline applies one member at a time), so the value written is the one that wins.
   */
  async cacheLatest(memberId: string, value: BecauseYouWatched): Promise<void> {
    await this.cache.setJson(key(memberId), value, CACHE_TTL_SECONDS.signal);
  }

  /** The hot copy, or Cassandra on a miss (refilling the hot copy unless a writer got there first). */
  async read(memberId: string): Promise<BecauseYouWatched | null> {
    const cached = await this.cache.getJson<BecauseYouWatched | { none: true }>(key(memberId));
    if (cached) return 'none' in cached ? null : cached;
    const value = await this.load(memberId);
    await this.cache.addJson(key(memberId), value ?? { none: true }, CACHE_TTL_SECONDS.signal);
    return value;
  }

  /** Rewrites the hot copy from Cassandra: for writers, after their write succeeded. */
  async refresh(memberId: string): Promise<BecauseYouWatched | null> {
    const value = await this.load(memberId);
    await this.cache.setJson(key(memberId), value ?? { none: true }, CACHE_TTL_SECONDS.signal);
    return value;
  }

  private async load(memberId: string): Promise<BecauseYouWatched | null> {
    const row = (
      await this.client.execute('SELECT * FROM because_you_watched WHERE member_id = ?', [memberId], {
        prepare: true,
      })
    ).first();
    return row
      ? {
          sourceItemId: row['source_item_id'] as string,
          list: rankedList(row as unknown as Record<string, unknown>),
          modelVersion: row['model_version'] as string,
          updatedAt: (row['updated_at'] as Date).toISOString(),
        }
      : null;
  }
}
