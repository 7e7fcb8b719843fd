import type { PageRow } from './blend';

/**
 * The rows last served to each member, in memory, least recently served evicted first: a page whose
 * personal reads fail or are late is filled from them. Rows that were themselves fallbacks are not
 * remembered, so a fallback never replaces the real row it stood in for.
 */
export class LastPages {
  private readonly pages = new Map<string, Map<string, PageRow>>();

  constructor(private readonly capacity: number) {}

  remember(memberId: string, rows: readonly PageRow[]): void {
    const previous = this.pages.get(memberId);
    const merged = new Map(previous ?? []);
    for (const row of rows) if (!row.source.startsWith('fallback:')) merged.set(row.id, row);
    // Re-inserting moves the member to the newest end of the Map's insertion order.
    this.pages.delete(memberId);
    this.pages.set(memberId, merged);
    if (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
  }

  row(memberId: string, rowId: string): PageRow | undefined {
    return this.pages.get(memberId)?.get(rowId);
  }

  get size(): number {
    return this.pages.size;
  }
}
