import type { Client } from 'cassandra-driver';
import type { Play } from '@marquee/domain';
import { rowStream, writeTimestampMicros } from './client';
import type { Statement } from './statements';

export interface StoredPlay {
  eventId: string;
  memberId: string;
  itemId: string;
  device: string;
  playedAt: Date;
  positionMs: number;
  durationMs: number;
}

/**
 * Title and device ids shared by every stored play that names them. Nearline keeps hundreds of
 * thousands of plays in memory; a string per play and field was most of their size. Bounded: only
 * titles of the catalog are ever stored.
 */
const shared = new Map<string, string>();
export function shareId(value: string): string {
  const known = shared.get(value);
  if (known !== undefined) return known;
  shared.set(value, value);
  return value;
}

function toStoredPlay(row: Record<string, unknown>, memberId = row['member_id'] as string): StoredPlay {
  return {
    eventId: row['event_id'] as string,
    memberId,
    itemId: shareId(row['item_id'] as string),
    device: shareId(row['device'] as string),
    playedAt: row['played_at'] as Date,
    positionMs: row['position_ms'] as number,
    durationMs: row['duration_ms'] as number,
  };
}

/** The members' play history, one partition per member, newest first. */
export class PlaysRepository {
  constructor(private readonly client: Client) {}

  /** Idempotent: the key is (member, time, event id), so a redelivered play rewrites the same row. */
  async record(play: Play): Promise<void> {
    const { query, params } = this.recordStatement(play);
    await this.client.execute(query, params, { prepare: true });
  }

  recordStatement(play: Play): Statement {
    return {
      query: `INSERT INTO plays_by_member (member_id, played_at, event_id, item_id, device, position_ms, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
      params: [
        play.userId,
        new Date(play.timestamp),
        play.eventId,
        play.itemId,
        play.device,
        play.positionMs,
        play.durationMs,
        writeTimestampMicros(play.timestamp),
      ],
    };
  }

  /** Whether the play is recorded in its member's history (a read by primary key). */
  async isRecorded(play: Play): Promise<boolean> {
    const result = await this.client.execute(
      'SELECT event_id FROM plays_by_member WHERE member_id = ? AND played_at = ? AND event_id = ?',
      [play.userId, new Date(play.timestamp), play.eventId],
      { prepare: true },
    );
    return result.rowLength > 0;
  }

  async recent(memberId: string, limit: number): Promise<StoredPlay[]> {
    const result = await this.client.execute(
      'SELECT * FROM plays_by_member WHERE member_id = ? LIMIT ?',
      [memberId, limit],
      { prepare: true },
    );
    return result.rows.map((row) => toStoredPlay(row as unknown as Record<string, unknown>, memberId));
  }

  /**
   * Streams every stored play (the offline snapshot), page by page, so memory stays bounded.
   * Calls `onProgress` with the running count for heartbeats.
   */
  /**
   * Every stored play's member, title and time, page by page: the three columns a training snapshot
   * needs, without building a full play per row.
   */
  async *scanInteractions(
    onProgress?: (count: number) => void,
  ): AsyncGenerator<{ memberId: string; itemId: string; at: number }> {
    let count = 0;
    for await (const row of rowStream(
      this.client,
      'SELECT member_id, item_id, played_at FROM plays_by_member',
      [],
      { prepare: true, fetchSize: 5000 },
    )) {
      count += 1;
      if (onProgress && count % 5000 === 0) onProgress(count);
      yield {
        memberId: row['member_id'] as string,
        itemId: row['item_id'] as string,
        at: (row['played_at'] as Date).getTime(),
      };
    }
    onProgress?.(count);
  }

  async *scan(onProgress?: (count: number) => void): AsyncGenerator<StoredPlay> {
    let count = 0;
    for await (const row of rowStream(this.client, 'SELECT * FROM plays_by_member', [], {
      prepare: true,
      fetchSize: 5000,
    })) {
      count += 1;
      if (onProgress && count % 5000 === 0) onProgress(count);
      yield toStoredPlay(row as Record<string, unknown>);
    }
    onProgress?.(count);
  }
}
