import type { Client, types } from 'cassandra-driver';
import { rowStream } from './client';
import { forEachLimited } from './statements';
import type { CatalogItem, StoredCatalogItem } from '@marquee/domain';

const COLUMNS =
  'item_id, title, genres, year, maturity_rating, regions, available_from, available_until, artwork_url, removed_at';

/** One page of the catalog and the token of the next (absent on the last page). */
export interface CatalogPage {
  items: StoredCatalogItem[];
  next?: string;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : undefined);

function fromRow(row: types.Row | Record<string, unknown>): StoredCatalogItem {
  const r = row as Record<string, unknown>;
  const year = r['year'] as number | null | undefined;
  const regions = r['regions'] as string[] | null | undefined;
  const start = iso(r['available_from']);
  const end = iso(r['available_until']);
  const availability = {
    ...(regions && regions.length > 0 ? { regions } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  };
  const rating = r['maturity_rating'] as CatalogItem['maturityRating'] | null | undefined;
  const artworkUrl = r['artwork_url'] as string | null | undefined;
  const removedAt = iso(r['removed_at']);
  return {
    itemId: r['item_id'] as string,
    title: r['title'] as string,
    genres: (r['genres'] as string[] | null) ?? [],
    ...(year === null || year === undefined ? {} : { year }),
    ...(rating ? { maturityRating: rating } : {}),
    ...(Object.keys(availability).length > 0 ? { availability } : {}),
    ...(artworkUrl ? { artworkUrl } : {}),
    ...(removedAt ? { removedAt } : {}),
  };
}

/**
 * The catalog: one row per title. A removed title keeps its row with `removed_at` set, so plays of
 * it remain history while every reader hides it; putting it again brings it back.
 */
export class CatalogRepository {
  constructor(private readonly client: Client) {}

  /**
   * Upserts the basic fields (title, genres, year) of items; rewriting the same item is harmless,
   * and the other fields (availability, rating, artwork, removal) are left as they are.
   */
  async upsert(items: readonly CatalogItem[], concurrency = 32): Promise<void> {
    const query = 'INSERT INTO catalog_items (item_id, title, genres, year) VALUES (?, ?, ?, ?)';
    await forEachLimited(items, concurrency, async (item) => {
      await this.client.execute(query, [item.itemId, item.title, item.genres, item.year ?? null], {
        prepare: true,
      });
    });
  }

  /**
   * Writes whole titles (idempotent): every field is replaced by the item's, absent ones cleared,
   * and a removed title is shown again.
   */
  async put(items: readonly CatalogItem[], concurrency = 32): Promise<void> {
    const query =
      'INSERT INTO catalog_items (item_id, title, genres, year, maturity_rating, regions, available_from, ' +
      'available_until, artwork_url, removed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)';
    const at = new Date();
    await forEachLimited(items, concurrency, async (item) => {
      const a = item.availability;
      await this.client.execute(
        query,
        [
          item.itemId,
          item.title,
          item.genres,
          item.year ?? null,
          item.maturityRating ?? null,
          a?.regions ?? null,
          a?.start ? new Date(a.start) : null,
          a?.end ? new Date(a.end) : null,
          item.artworkUrl ?? null,
          at,
        ],
        { prepare: true },
      );
    });
  }

  /** Marks a title removed; false when there is no such title. Removing twice is harmless. */
  async remove(itemId: string, at = new Date()): Promise<boolean> {
    const existing = await this.get(itemId);
    if (!existing) return false;
    if (existing.removedAt) return true;
    await this.client.execute(
      'UPDATE catalog_items SET removed_at = ?, updated_at = ? WHERE item_id = ?',
      [at, at, itemId],
      { prepare: true },
    );
    return true;
  }

  /** The title as stored, removed or not (`removedAt` says). */
  async get(itemId: string): Promise<StoredCatalogItem | null> {
    const result = await this.client.execute(
      `SELECT ${COLUMNS} FROM catalog_items WHERE item_id = ?`,
      [itemId],
      {
        prepare: true,
      },
    );
    const row = result.first();
    return row ? fromRow(row) : null;
  }

  /** One page in token order; pass `next` back as `pageToken` for the following one. */
  async list(pageToken: string | undefined, limit: number): Promise<CatalogPage> {
    const result = await this.client.execute(`SELECT ${COLUMNS} FROM catalog_items`, [], {
      prepare: true,
      fetchSize: limit,
      ...(pageToken ? { pageState: pageToken } : {}),
    });
    return {
      items: result.rows.map(fromRow),
      ...(result.pageState ? { next: result.pageState } : {}),
    };
  }

  /** The titles found among `itemIds`, removed ones included (`removedAt` says). */
  async getMany(itemIds: readonly string[]): Promise<Map<string, StoredCatalogItem>> {
    const found = new Map<string, StoredCatalogItem>();
    if (itemIds.length === 0) return found;
    const result = await this.client.execute(
      `SELECT ${COLUMNS} FROM catalog_items WHERE item_id IN ?`,
      [[...new Set(itemIds)]],
      { prepare: true },
    );
    for (const row of result.rows) found.set(row['item_id'] as string, fromRow(row));
    return found;
  }

  /** Every title, removed ones included (`removedAt` says). */
  async all(): Promise<StoredCatalogItem[]> {
    const items: StoredCatalogItem[] = [];
    for await (const row of rowStream(this.client, `SELECT ${COLUMNS} FROM catalog_items`, [], {
      prepare: true,
      fetchSize: 1000,
    }))
      items.push(fromRow(row));
    return items;
  }
}
