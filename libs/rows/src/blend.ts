import type { CatalogItem, Row, ScoredList } from '@marquee/domain';
import type { ContinueWatchingEntry, RecentPlay } from '@marquee/signals';

export interface BlendInput {
  continueWatching: ContinueWatchingEntry[];
  recentPlays: RecentPlay[];
  popular: { list: ScoredList; version: string; source: string } | null;
  titles: ReadonlyMap<string, CatalogItem>;
  itemsPerRow: number;
}

/**
 * Blends live signals with precomputed lists into a page: Continue watching first (newest),
 * then Popular without anything the member has already played.
 */
export function blendRows(input: BlendInput): Row[] {
  const title = (itemId: string) => input.titles.get(itemId)?.title ?? itemId;
  const rows: Row[] = [];
  if (input.continueWatching.length > 0) {
    rows.push({
      id: 'continue-watching',
      title: 'Continue watching',
      reason: 'titles you started and have not finished',
      source: 'signal:continue_watching',
      items: input.continueWatching.slice(0, input.itemsPerRow).map((entry) => ({
        itemId: entry.itemId,
        title: title(entry.itemId),
        score: Math.round((entry.positionMs / entry.durationMs) * 1000) / 1000,
      })),
    });
  }
  if (input.popular) {
    const seen = new Set([
      ...input.recentPlays.map((p) => p.itemId),
      ...input.continueWatching.map((e) => e.itemId),
    ]);
    const items = [];
    const { itemIds, scores } = input.popular.list;
    for (let i = 0; i < itemIds.length && items.length < input.itemsPerRow; i++) {
      const itemId = itemIds[i] as string;
      if (seen.has(itemId)) continue;
      items.push({ itemId, title: title(itemId), score: scores[i] ?? 0 });
    }
    rows.push({
      id: 'popular',
      title: 'Popular on Marquee',
      reason: 'what members are watching most',
      source: input.popular.source,
      version: input.popular.version,
      items,
    });
  }
  return rows;
}
