import type { Client } from 'cassandra-driver';
import type { ScoredList } from '@marquee/domain';
import { writeTimestampMicros } from './client';
import { rankedList } from './lists-repository';
import { encodeRankedList } from './ranked-list-codec';
import type { Statement } from './statements';

/** "Because you watched <title>": titles similar to the member's latest play. */
export interface BecauseYouWatched {
  sourceItemId: string;
  list: ScoredList;
  modelVersion: string;
  updatedAt: string;
}

/**
 * `because_you_watched`: one row per member, written with the play's time as write timestamp, so
 * the latest play wins whatever order writes arrive in.
 */
export class BecauseYouWatchedRepository {
  constructor(private readonly client: Client) {}

  async write(memberId: string, value: BecauseYouWatched): Promise<void> {
    const { query, params } = this.writeStatement(memberId, value);
    await this.client.execute(query, params, { prepare: true });
  }

  writeStatement(memberId: string, value: BecauseYouWatched): Statement {
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

  async read(memberId: string): Promise<BecauseYouWatched | null> {
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
