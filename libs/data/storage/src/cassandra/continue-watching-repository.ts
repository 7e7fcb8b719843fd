import type { Client } from 'cassandra-driver';
import { isFinished, type Play } from '@marquee/domain';
import { writeTimestampMicros } from './client';
import type { Statement } from './statements';

/** A title the member started and has not finished, with the position reached. */
export interface ContinueWatchingEntry {
  itemId: string;
  positionMs: number;
  durationMs: number;
  device: string;
  updatedAt: string;
}

/**
 * `continue_watching`: one partition per member, one row per started title. Writes carry the play's
 * time as write timestamp, so redelivered or reordered plays resolve to the latest position.
 */
export class ContinueWatchingRepository {
  constructor(private readonly client: Client) {}

  /** The write of one play: the position, or a delete once the title is finished. */
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

  /** The member's row, newest first. */
  async read(memberId: string): Promise<ContinueWatchingEntry[]> {
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
