import type { Client } from 'cassandra-driver';
import { isFinished, type Play } from '@marquee/domain';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/storage';
import { writeTimestampMicros, type Statement } from '@marquee/storage';

/**
 * Signal: titles the member started and has not finished, with their positions.
 * Stored: Cassandra `continue_watching` (one row per member and title), hot copy in memcached.
 * Nearline: each play upserts the position, or deletes the row once the title is played to the end.
 *   Writes carry the play's time as the Cassandra write timestamp, so redelivered or reordered
 *   plays resolve to the latest position and retries are idempotent. The hot copy is rebuilt from
 *   the partition, or, for a member's newest plays, updated in place (`applyToHotCopy`).
 * Online: reads the hot copy, falling back to the partition; newest first.
 */
export interface ContinueWatchingEntry {
  itemId: string;
  positionMs: number;
  durationMs: number;
  device: string;
  updatedAt: string;
}

export class ContinueWatchingSignal {
  constructor(
    private readonly client: Client,
    private readonly cache: Cache,
  ) {}

  async apply(play: Play): Promise<ContinueWatchingEntry[]> {
    await this.write(play);
    return this.refresh(play.userId);
  }

  /** The Cassandra write of one play: the position, or a delete once the title is finished. */
  async write(play: Play): Promise<void> {
    const { query, params } = this.writeStatement(play);
    await this.client.execute(query, params, { prepare: true });
  }

  writeStatement(play: Play): Statement {
    const at = writeTimestampMicros(play.timestamp);
    if (isFinished(play))
      return {
        query: 'DELETE FROM continue_watching USING TIMESTAMP ? WHERE member_id = ? AND item_id = ?',
        params: [at, play.userId, play.itemId],
      };
    return {
      query: `INSERT INTO continue_watching (member_id, item_id, position_ms, duration_ms, device, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
      params: [
        play.userId,
        play.itemId,
        play.positionMs,
        play.durationMs,
        play.device,
        new Date(play.timestamp),
        at,
      ],
    };
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
    const entries = await this.load(memberId);
    await this.cache.addJson(key, entries, CACHE_TTL_SECONDS.signal);
    return entries;
  }

  /** Rewrites the hot copy from the partition: for writers, after their writes succeeded. */
  async refresh(memberId: string): Promise<ContinueWatchingEntry[]> {
    const entries = await this.load(memberId);
    await this.cache.setJson(cacheKeys.continueWatching(memberId), entries, CACHE_TTL_SECONDS.signal);
    return entries;
  }

  private async load(memberId: string): Promise<ContinueWatchingEntry[]> {
    const result = await this.client.execute(
      'SELECT item_id, position_ms, duration_ms, device, updated_at FROM continue_watching WHERE member_id = ?',
      [memberId],
      { prepare: true },
    );
    return result.rows
      .map((row) => ({
        itemId: row['item_id'] as string,
        positionMs: row['position_ms'] as number,
        durationMs: row['duration_ms'] as number,
        device: row['device'] as string,
        updatedAt: (row['updated_at'] as Date).toISOString(),
      }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }
}
