import { isAvailable, type StoredCatalogItem } from '@marquee/domain';
import type { CatalogRepository } from '@marquee/storage';

type Restriction = Pick<StoredCatalogItem, 'availability' | 'removedAt'>;

/**
 * Which titles exist, for the unknown-item check, and which may not be shown, for Top picks. The
 * catalog is loaded once and kept in process; a title not seen yet is looked up in Cassandra (new
 * titles appear without a restart), and only a title that is found is remembered, so a play of a
 * title added a moment later is not refused. Removed titles stay known: plays of them are history.
 */
export class KnownItems {
  private readonly known = new Set<string>();
  /** Only titles with an availability window or a removal mark: most titles have neither. */
  private readonly restricted = new Map<string, Restriction>();

  constructor(private readonly catalog: CatalogRepository) {}

  async load(): Promise<number> {
    for (const item of await this.catalog.all()) this.remember(item);
    return this.known.size;
  }

  /** The ids among `itemIds` that are not in the catalog. Throws when Cassandra cannot answer. */
  async unknownAmong(itemIds: Iterable<string>): Promise<Set<string>> {
    const missing = [...new Set(itemIds)].filter((id) => !this.known.has(id));
    const unknown = new Set(missing);
    for (const item of await this.lookUp(missing)) unknown.delete(item.itemId);
    return unknown;
  }

  /** Titles were announced as changed: read them again (availability or removal may have changed). */
  async reload(itemIds: readonly string[]): Promise<number> {
    return (await this.lookUp([...new Set(itemIds)])).length;
  }

  /** Whether a title may be shown at `at` (removed and unavailable titles may not). */
  shows(itemId: string, at: number = Date.now()): boolean {
    const restriction = this.restricted.get(itemId);
    return restriction === undefined || isAvailable(restriction, at);
  }

  private async lookUp(itemIds: readonly string[]): Promise<StoredCatalogItem[]> {
    const found: StoredCatalogItem[] = [];
    for (let i = 0; i < itemIds.length; i += 100) {
      const items = await this.catalog.getMany(itemIds.slice(i, i + 100));
      for (const item of items.values()) {
        this.remember(item);
        found.push(item);
      }
    }
    return found;
  }

  private remember(item: StoredCatalogItem): void {
    this.known.add(item.itemId);
    if (item.availability || item.removedAt)
      this.restricted.set(item.itemId, { availability: item.availability, removedAt: item.removedAt });
    else this.restricted.delete(item.itemId);
  }
}
