import type { CatalogRepository } from '@marquee/storage';

/**
 * Which titles exist, for the unknown-item check. The catalog is loaded once and kept in process;
 * a title not seen yet is looked up in Cassandra (new titles appear without a restart), and only a
 * title that is found is remembered, so a play of a title added a moment later is not refused.
 */
export class KnownItems {
  private readonly known = new Set<string>();

  constructor(private readonly catalog: CatalogRepository) {}

  async load(): Promise<number> {
    for (const item of await this.catalog.all()) this.known.add(item.itemId);
    return this.known.size;
  }

  /** The ids among `itemIds` that are not in the catalog. Throws when Cassandra cannot answer. */
  async unknownAmong(itemIds: Iterable<string>): Promise<Set<string>> {
    const missing = [...new Set(itemIds)].filter((id) => !this.known.has(id));
    const unknown = new Set(missing);
    for (let i = 0; i < missing.length; i += 100) {
      const found = await this.catalog.getMany(missing.slice(i, i + 100));
      for (const id of found.keys()) {
        this.known.add(id);
        unknown.delete(id);
      }
    }
    return unknown;
  }
}
