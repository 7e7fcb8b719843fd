import type { Client } from 'cassandra-driver';
import type { Play } from '@marquee/domain';
import { executeInBatches } from '@marquee/cassandra';

/**
 * Drops plays whose event id was processed already: a redelivery after a crash or a rebalance, or
 * a producer that sent an event twice. `plays_processed` (migration 5) is written only after a
 * play's writes succeed, so a play that failed half-way is never mistaken for done; the recent
 * ids are also kept in process so the common redelivery costs no read. Nearline asks only about
 * plays the member's stored history may hold: a play that was never recorded was never processed.
 */
export class PlayDedupe {
  private readonly recent = new Map<string, true>();

  constructor(
    private readonly client: Client,
    private readonly capacity = 200_000,
  ) {}

  /** Whether this process marked the event processed (no read). */
  seen(eventId: string): boolean {
    return this.recent.has(eventId);
  }

  /** The event ids among `eventIds` that were processed before. Throws when Cassandra cannot answer. */
  async processedAmong(eventIds: readonly string[]): Promise<Set<string>> {
    const done = new Set(eventIds.filter((id) => this.recent.has(id)));
    const unknown = [...new Set(eventIds.filter((id) => !done.has(id)))];
    const chunks: string[][] = [];
    for (let i = 0; i < unknown.length; i += 50) chunks.push(unknown.slice(i, i + 50));
    const results = await Promise.all(
      chunks.map((chunk) =>
        this.client.execute('SELECT event_id FROM plays_processed WHERE event_id IN ?', [chunk], {
          prepare: true,
        }),
      ),
    );
    for (const result of results) for (const row of result.rows) done.add(row['event_id'] as string);
    return done;
  }

  /** Marks plays processed, after all of their writes succeeded (unlogged batches: one request per
   * hundred marks). */
  async remember(plays: readonly Play[]): Promise<void> {
    const query = 'INSERT INTO plays_processed (event_id, member_id, item_id, played_at) VALUES (?, ?, ?, ?)';
    await executeInBatches(
      this.client,
      plays.map((play) => ({
        query,
        params: [play.eventId, play.userId, play.itemId, new Date(play.timestamp)],
      })),
      100,
    );
    for (const play of plays) {
      this.recent.set(play.eventId, true);
      if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value as string);
    }
  }
}
