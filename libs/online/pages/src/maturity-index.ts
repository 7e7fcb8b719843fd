import { maySee, type Maturity, type StoredCatalogItem } from '@marquee/domain';

/**
 * Which titles each protected level (kids, teen) may see, computed once per catalog change so a
 * page checks a title in one set lookup. Adults see every title; a title this index does not know
 * (not loaded yet, or unrated) is hidden from kids and teens.
 */
export class MaturityIndex {
  private constructor(
    private readonly allowed: Readonly<Record<Exclude<Maturity, 'adult'>, ReadonlySet<string>>>,
  ) {}

  static of(catalog: ReadonlyMap<string, StoredCatalogItem>): MaturityIndex {
    const kids = new Set<string>();
    const teen = new Set<string>();
    for (const item of catalog.values()) {
      if (maySee('kids', item.maturityRating)) kids.add(item.itemId);
      if (maySee('teen', item.maturityRating)) teen.add(item.itemId);
    }
    return new MaturityIndex({ kids, teen });
  }

  allows(itemId: string, maturity: Maturity): boolean {
    return maturity === 'adult' || this.allowed[maturity].has(itemId);
  }
}
