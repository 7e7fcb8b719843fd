import type { PageRow } from './blend';

/**
 * The last page served to each member without a fallback, in memory (least recently served evicted
 * first): a page whose reads fail or are late is filled from its rows. Kept as the JSON that was
 * sent, one string per member, so holding thousands of pages costs the garbage collector nothing;
 * it is parsed only when a fallback needs it.
 */
export class LastPages {
  private readonly pages = new Map<string, string>();
  private parsed: { json: string; rows: Map<string, PageRow> } | null = null;

  constructor(private readonly capacity: number) {}

  /** `pageJson`: a page (an object with `rows`) that was served without fallbacks. */
  remember(memberId: string, pageJson: string): void {
    // Re-inserting moves the member to the newest end of the Map's insertion order.
    this.pages.delete(memberId);
    this.pages.set(memberId, pageJson);
    if (this.pages.size > this.capacity) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
  }

  row(memberId: string, rowId: string): PageRow | undefined {
    const json = this.pages.get(memberId);
    if (json === undefined) return undefined;
    // A degraded page asks for several rows in a row: parse once.
    if (this.parsed?.json !== json) {
      const { rows } = JSON.parse(json) as { rows: PageRow[] };
      this.parsed = { json, rows: new Map(rows.map((row) => [row.id, row])) };
    }
    return this.parsed.rows.get(rowId);
  }

  get size(): number {
    return this.pages.size;
  }
}
