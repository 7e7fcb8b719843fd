import type { Client } from 'cassandra-driver';
import { isFinished, type Play } from '@marquee/domain';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/cache';
import { writeTimestampMicros } from '@marquee/cassandra';

/**
 * Signal: titles the member started and has not finished, with their positions.
 * Stored: Cassandra `continue_watching` (one row per member and title), hot copy in memcached.
 * Nearline: each play upserts the position, or deletes the row once the title is played to the end.
 *   Writes carry the play's time as the Cassandra write timestamp, so redelivered or reordered
 *   plays resolve to the latest position and retries are idempotent.
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
    const at = writeTimestampMicros(play.timestamp);
    if (isFinished(play)) {
      await this.client.execute(
        'DELETE FROM continue_watching USING TIMESTAMP ? WHERE member_id = ? AND item_id = ?',
        [at, play.userId, play.itemId],
        { prepare: true },
      );
    } else {
      await this.client.execute(
        `INSERT INTO continue_watching (member_id, item_id, position_ms, duration_ms, device, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
        [
          play.userId,
          play.itemId,
          play.positionMs,
          play.durationMs,
          play.device,
          new Date(play.timestamp),
          at,
        ],
        { prepare: true },
      );
    }
    return this.refresh(play.userId);
  }

  async read(memberId: string): Promise<ContinueWatchingEntry[]> {
    const cached = await this.cache.getJson<ContinueWatchingEntry[]>(cacheKeys.continueWatching(memberId));
    return cached ?? this.refresh(memberId);
  }

  async refresh(memberId: string): Promise<ContinueWatchingEntry[]> {
    const result = await this.client.execute(
      'SELECT item_id, position_ms, duration_ms, device, updated_at FROM continue_watching WHERE member_id = ?',
      [memberId],
      { prepare: true },
    );
    const entries = result.rows
      .map((row) => ({
        itemId: row['item_id'] as string,
        positionMs: row['position_ms'] as number,
        durationMs: row['duration_ms'] as number,
        device: row['device'] as string,
        updatedAt: (row['updated_at'] as Date).toISOString(),
      }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    await this.cache.setJson(cacheKeys.continueWatching(memberId), entries, CACHE_TTL_SECONDS.signal);
    return entries;
  }
}
