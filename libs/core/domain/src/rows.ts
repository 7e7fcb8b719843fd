import type { ItemId } from './ids';

export interface RowItem {
  itemId: ItemId;
  title: string;
  score: number;
  /** Why this title is here when it differs from the row's reason: `featured` for a pinned one. */
  reason?: string;
  /** The merchandising rule that placed it. */
  rule?: string;
}

/** One row of a device's home page. `source` says which store or fallback served it. */
export interface Row {
  id: string;
  title: string;
  reason: string;
  source: string;
  version?: string;
  items: RowItem[];
}

/** A scored list as precomputed offline: parallel arrays keep it compact in the stores. */
export interface ScoredList {
  itemIds: ItemId[];
  scores: number[];
}

/** What `results.published` announces for a list (Hermes-style). */
export interface PublishedResult {
  list: string;
  algorithm: string;
  version: string;
  location: string;
  counts: { members: number; items: number };
  metrics: Record<string, number>;
  checksum: string;
  publishedAt: string;
}
