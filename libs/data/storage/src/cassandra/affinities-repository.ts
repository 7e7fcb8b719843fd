import type { Client } from 'cassandra-driver';
import { rowStream } from './client';
import { forEachLimited } from './statements';
import type { AffinityCell, AffinityDimension } from '@marquee/domain';

/**
 * The champion-pointer name of the affinities (in `list_champions`): they are published under a
 * version like a precomputed list, so a switch is one row write and a rerun never shows half a set.
 */
export const AFFINITIES_LIST = 'genre-affinities';

/** `genre_affinities` (migration 4): one partition per version, read whole by the online service. */
export class AffinitiesRepository {
  constructor(private readonly client: Client) {}

  /** Writes a version's cells; rewriting the same version on a retry writes identical rows. */
  async write(version: string, cells: readonly AffinityCell[], concurrency = 64): Promise<void> {
    const query =
      'INSERT INTO genre_affinities (version, dimension, context, genre, plays, lift) VALUES (?, ?, ?, ?, ?, ?)';
    await forEachLimited(cells, concurrency, async (cell) => {
      await this.client.execute(
        query,
        [version, cell.dimension, cell.context, cell.genre, cell.plays, cell.lift],
        { prepare: true },
      );
    });
  }

  async read(version: string): Promise<AffinityCell[]> {
    const cells: AffinityCell[] = [];
    for await (const row of rowStream(
      this.client,
      'SELECT dimension, context, genre, plays, lift FROM genre_affinities WHERE version = ?',
      [version],
      { prepare: true, fetchSize: 5000 },
    )) {
      cells.push({
        dimension: row['dimension'] as AffinityDimension,
        context: row['context'] as string,
        genre: row['genre'] as string,
        plays: Number(row['plays']),
        lift: Number(row['lift']),
      });
    }
    return cells;
  }
}
