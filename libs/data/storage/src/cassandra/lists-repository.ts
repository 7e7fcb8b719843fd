import type { Client } from 'cassandra-driver';
import type { ScoredList } from '@marquee/domain';
import { decodeRankedList, encodeRankedList } from './ranked-list-codec';
import { forEachLimited, type Statement } from './statements';

/**
 * A ranked list from a row of `list_entries` or `because_you_watched`: the blob (migration 7), else
 * the frozen columns (migration 6), else the per-element columns of rows written before them.
 */
export function rankedList(row: Record<string, unknown>): ScoredList {
  const blob = row['ranked'] as Buffer | null | undefined;
  if (blob) return decodeRankedList(blob);
  const items = row['ranked_items'] as string[] | null | undefined;
  if (items) return { itemIds: items, scores: (row['ranked_scores'] as number[] | null | undefined) ?? [] };
  return {
    itemIds: (row['item_ids'] as string[] | null | undefined) ?? [],
    scores: (row['scores'] as number[] | null | undefined) ?? [],
  };
}

/** The member id under which a list for everyone (popular, trending) is stored. */
export const GLOBAL_MEMBER = '_all';

export interface ListVersion {
  list: string;
  version: string;
  algorithm: string;
  status: 'candidate' | 'champion' | 'retired' | 'failed';
  location: string;
  members: number;
  items: number;
  checksum: string;
  metrics: Record<string, number>;
  workflowId: string;
  createdAt: Date;
}

export interface Champion {
  list: string;
  version: string;
  previousVersion: string | null;
  announcedAt: Date;
}

/**
 * Precomputed lists under versions. A version's entries are written first; the champion pointer is
 * switched in one row write afterwards, so readers never see half a version.
 */
export class ListsRepository {
  constructor(private readonly client: Client) {}

  async writeEntries(
    list: string,
    version: string,
    entries: ReadonlyArray<{ memberId: string; list: ScoredList }>,
    concurrency = 64,
  ): Promise<void> {
    // Each entry is a partition of its own: single writes, `concurrency` in flight at all times
    // (waves of writes would each wait for their slowest).
    await forEachLimited(entries, concurrency, async (entry) => {
      const { query, params } = this.entryStatement(list, version, entry.memberId, entry.list);
      await this.client.execute(query, params, { prepare: true });
    });
  }

  /**
   * The write of one member's entry of a version (idempotent: the same key rewrites the row). One
   * blob cell per list, no tombstone for the list it replaces (see migrations 6 and 7).
   */
  entryStatement(list: string, version: string, memberId: string, entry: ScoredList): Statement {
    return {
      query: 'INSERT INTO list_entries (list_name, version, member_id, ranked) VALUES (?, ?, ?, ?)',
      params: [list, version, memberId, encodeRankedList(entry)],
    };
  }

  async readEntry(list: string, version: string, memberId: string): Promise<ScoredList | null> {
    const row = (
      await this.client.execute(
        'SELECT ranked, ranked_items, ranked_scores, item_ids, scores FROM list_entries WHERE list_name = ? AND version = ? AND member_id = ?',
        [list, version, memberId],
        { prepare: true },
      )
    ).first();
    return row ? rankedList(row) : null;
  }

  async saveVersion(version: ListVersion): Promise<void> {
    await this.client.execute(
      `INSERT INTO list_versions (list_name, version, algorithm, status, location, members, items, checksum, metrics,
         workflow_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        version.list,
        version.version,
        version.algorithm,
        version.status,
        version.location,
        version.members,
        version.items,
        version.checksum,
        version.metrics,
        version.workflowId,
        version.createdAt,
      ],
      { prepare: true },
    );
  }

  async setStatus(list: string, version: string, status: ListVersion['status']): Promise<void> {
    await this.client.execute(
      'UPDATE list_versions SET status = ? WHERE list_name = ? AND version = ?',
      [status, list, version],
      {
        prepare: true,
      },
    );
  }

  async versions(list: string, limit = 20): Promise<ListVersion[]> {
    const result = await this.client.execute(
      'SELECT * FROM list_versions WHERE list_name = ? LIMIT ?',
      [list, limit],
      {
        prepare: true,
      },
    );
    return result.rows.map((row) => ({
      list: row['list_name'] as string,
      version: row['version'] as string,
      algorithm: row['algorithm'] as string,
      status: row['status'] as ListVersion['status'],
      location: row['location'] as string,
      members: row['members'] as number,
      items: row['items'] as number,
      checksum: row['checksum'] as string,
      metrics: (row['metrics'] as Record<string, number> | null) ?? {},
      workflowId: row['workflow_id'] as string,
      createdAt: row['created_at'] as Date,
    }));
  }

  async champion(list: string): Promise<Champion | null> {
    const row = (
      await this.client.execute('SELECT * FROM list_champions WHERE list_name = ?', [list], { prepare: true })
    ).first();
    if (!row) return null;
    return {
      list,
      version: row['version'] as string,
      previousVersion: (row['previous_version'] as string | null) ?? null,
      announcedAt: row['announced_at'] as Date,
    };
  }

  /** Makes `version` the champion of `list` in one row write and records why in the history. */
  async promote(list: string, version: string, reason: string, at = new Date()): Promise<Champion> {
    const current = await this.champion(list);
    const previousVersion =
      current && current.version !== version ? current.version : (current?.previousVersion ?? null);
    await this.client.execute(
      'INSERT INTO list_champions (list_name, version, previous_version, announced_at) VALUES (?, ?, ?, ?)',
      [list, version, previousVersion, at],
      { prepare: true },
    );
    await this.client.execute(
      'INSERT INTO list_champion_history (list_name, announced_at, version, reason) VALUES (?, ?, ?, ?)',
      [list, at, version, reason],
      { prepare: true },
    );
    return { list, version, previousVersion, announcedAt: at };
  }
}
