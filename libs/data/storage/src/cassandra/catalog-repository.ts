import type { Client } from 'cassandra-driver';
import { rowStream } from './client';
import type { CatalogItem } from '@marquee/domain';

export class CatalogRepository {
  constructor(private readonly client: Client) {}

  /** Upserts items; rewriting the same item is harmless. */
  async upsert(items: readonly CatalogItem[], concurrency = 32): Promise<void> {
    const query = 'INSERT INTO catalog_items (item_id, title, genres, year) VALUES (?, ?, ?, ?)';
    for (let i = 0; i < items.length; i += concurrency) {
      await Promise.all(
        items.slice(i, i + concurrency).map((item) =>
          this.client.execute(query, [item.itemId, item.title, item.genres, item.year ?? null], {
            prepare: true,
          }),
        ),
      );
    }
  }

  async getMany(itemIds: readonly string[]): Promise<Map<string, CatalogItem>> {
    const found = new Map<string, CatalogItem>();
    if (itemIds.length === 0) return found;
    const result = await this.client.execute(
      'SELECT item_id, title, genres, year FROM catalog_items WHERE item_id IN ?',
      [[...new Set(itemIds)]],
      { prepare: true },
    );
    for (const row of result.rows) {
      const year = row['year'] as number | null;
      found.set(row['item_id'] as string, {
        itemId: row['item_id'] as string,
        title: row['title'] as string,
        genres: (row['genres'] as string[] | null) ?? [],
        ...(year === null ? {} : { year }),
      });
    }
    return found;
  }

  async all(): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    for await (const row of rowStream(
      this.client,
      'SELECT item_id, title, genres, year FROM catalog_items',
      [],
      {
        prepare: true,
        fetchSize: 1000,
      },
    )) {
      const r = row as Record<string, unknown>;
      items.push({
        itemId: r['item_id'] as string,
        title: r['title'] as string,
        genres: (r['genres'] as string[] | null) ?? [],
        ...(r['year'] === null ? {} : { year: r['year'] as number }),
      });
    }
    return items;
  }
}
