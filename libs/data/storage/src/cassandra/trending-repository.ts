import { types, type Client } from 'cassandra-driver';
import { executeInBatches } from './statements';

/** Counter updates sent in one request. */
const COUNTER_BATCH = 200;

/** Plays to add to one title's counter of a scope and bucket. */
export interface TrendingIncrement {
  scope: string;
  bucket: Date;
  itemId: string;
  plays: number;
}

/**
 * `trending_buckets`: play counters per (scope, time bucket, title); `trending_counted`: the sets of
 * plays already counted, claimed with a lightweight transaction.
 */
export class TrendingRepository {
  constructor(private readonly client: Client) {}

  /** Claims a set of plays (by a key naming it) for counting; false when it was claimed before. */
  async claim(key: string): Promise<boolean> {
    const claim = await this.client.execute(
      'INSERT INTO trending_counted (event_id) VALUES (?) IF NOT EXISTS',
      [key],
      { prepare: true },
    );
    return claim.wasApplied();
  }

  /** Adds many counts, as counter batches: Cassandra's cost of a small write is mostly the request. */
  async add(increments: readonly TrendingIncrement[]): Promise<void> {
    const updates = increments.map(({ scope, bucket, itemId, plays }) => ({
      query: 'UPDATE trending_buckets SET plays = plays + ? WHERE scope = ? AND bucket = ? AND item_id = ?',
      params: [types.Long.fromNumber(plays), scope, bucket, itemId],
    }));
    await executeInBatches(this.client, updates, COUNTER_BATCH, { counter: true });
  }

  /** Every title's count in one scope and bucket. */
  async bucketCounts(scope: string, bucket: Date): Promise<Array<[string, number]>> {
    const result = await this.client.execute(
      'SELECT item_id, plays FROM trending_buckets WHERE scope = ? AND bucket = ?',
      [scope, bucket],
      { prepare: true },
    );
    return result.rows.map((row) => [row['item_id'] as string, Number(row['plays'])] as [string, number]);
  }
}
