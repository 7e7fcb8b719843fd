import type { Device, ScoredList } from '@marquee/domain';
import { CONTROL } from '@marquee/experiments';
import type { ListEntry } from '@marquee/storage';
import type { ReferenceData } from './reference-data';
import type { SimilarItems } from './similar-items';
import type { BecauseYouWatched, ContinueWatchingEntry, RecentPlay } from '@marquee/signals';
import type { BlendInput, PageRow } from './blend';
import type { Outcome } from './deadline';
import type { LastPages } from './last-pages';
import type { RowsObserver, VariantInfo } from './rows-service';

/** Plays less than this apart belong to one session. */
export const SESSION_GAP_MS = 30 * 60_000;
const SIMILAR_K = 50;

const listFromRow = (row: PageRow): ScoredList => ({
  itemIds: row.items.map((i) => i.itemId),
  scores: row.items.map((i) => i.score),
});

/** Notes of one page: which fallbacks stood in for what. */
export class Fallbacks {
  readonly notes: string[] = [];

  constructor(
    private readonly observer: RowsObserver,
    private readonly deadlineMs: number,
  ) {}

  why(outcome: Outcome<unknown> | null): string {
    if (!outcome) return 'no version published';
    if (outcome.ok) return 'missing';
    if (outcome.why === 'late') return `late (deadline ${this.deadlineMs} ms)`;
    // Driver errors span lines (stacks, inner errors); the first line says what happened.
    const error = (outcome.error ?? '?').split('\n')[0]?.slice(0, 160);
    return `failed (${error})`;
  }

  take(row: string, to: string, why: string): void {
    this.notes.push(`${row}: ${why} → ${to}`);
    this.observer.fallback(row, to);
  }
}

/**
 * What each row of a page is made from, given how its reads went: the read's answer, else the
 * member's last page, else what is in memory (the popular list, the item-kNN model), and a note of
 * every fallback taken.
 */
export class RowSources {
  constructor(
    private readonly deps: { reference: ReferenceData; similar?: SimilarItems; lastPages: LastPages },
  ) {}

  continueWatching(
    memberId: string,
    outcome: Outcome<ContinueWatchingEntry[]>,
    fallbacks: Fallbacks,
  ): BlendInput['continueWatching'] {
    if (outcome.ok) {
      const items = outcome.value.map((e) => ({
        itemId: e.itemId,
        score: e.durationMs > 0 ? e.positionMs / e.durationMs : 0,
      }));
      return { items, source: 'signal:continue_watching' };
    }
    const last = this.deps.lastPages.row(memberId, 'continue-watching');
    fallbacks.take('continue-watching', last ? 'last-page' : 'left out', fallbacks.why(outcome));
    return last ? { items: last.items, source: 'fallback:last-page' } : null;
  }

  topPicks(
    memberId: string,
    variant: VariantInfo,
    outcome: Outcome<ListEntry | null> | null,
    fallbacks: Fallbacks,
  ): BlendInput['topPicks'] {
    const popular = this.deps.reference.popular;
    if (variant.name === CONTROL && popular)
      return {
        list: popular.list,
        source: 'memory:popular',
        name: popular.name,
        version: popular.version,
        personal: false,
      };
    if (variant.name !== CONTROL && outcome?.ok && outcome.value) {
      const { list, source } = outcome.value;
      return {
        list,
        source,
        name: variant.list,
        ...(variant.version ? { version: variant.version } : {}),
        personal: true,
      };
    }
    const why =
      variant.name === CONTROL ? 'popular list not loaded' : `list ${variant.list} ${fallbacks.why(outcome)}`;
    const last = this.deps.lastPages.row(memberId, 'top-picks');
    if (last) {
      fallbacks.take('top-picks', 'last-page', why);
      return {
        list: listFromRow(last),
        source: 'fallback:last-page',
        ranked: true,
        personal: true,
        ...(last.list ? { name: last.list } : {}),
        ...(last.version ? { version: last.version } : {}),
      };
    }
    if (popular) {
      fallbacks.take('top-picks', 'popular-memory', why);
      return {
        list: popular.list,
        source: 'fallback:popular-memory',
        name: popular.name,
        version: popular.version,
        personal: false,
      };
    }
    fallbacks.take('top-picks', 'left out', why);
    return null;
  }

  becauseYouWatched(
    memberId: string,
    outcome: Outcome<BecauseYouWatched | null>,
    recent: readonly RecentPlay[],
    fallbacks: Fallbacks,
  ): BlendInput['becauseYouWatched'] {
    if (outcome.ok && outcome.value) {
      const { sourceItemId, list, modelVersion } = outcome.value;
      return { sourceItemId, list, source: 'signal:because_you_watched', version: modelVersion };
    }
    // No signal yet (nearline fills it on the next play): the same neighbours from the model in memory.
    const latest = recent[0]?.itemId;
    const similar = latest ? this.deps.similar?.similar(latest, SIMILAR_K) : undefined;
    const model = this.deps.similar?.current;
    if (latest && similar && similar.length > 0 && model) {
      if (!outcome.ok) fallbacks.take('because-you-watched', 'model', fallbacks.why(outcome));
      return {
        sourceItemId: latest,
        list: { itemIds: similar.map((s) => s.itemId), scores: similar.map((s) => s.score) },
        source: `model:item-knn`,
        version: model.version,
      };
    }
    if (outcome.ok) return null;
    const last = this.deps.lastPages.row(memberId, 'because-you-watched');
    fallbacks.take('because-you-watched', last?.basedOn ? 'last-page' : 'left out', fallbacks.why(outcome));
    return last?.basedOn
      ? { sourceItemId: last.basedOn, list: listFromRow(last), source: 'fallback:last-page', ranked: true }
      : null;
  }

  /** Kept in memory per device type and refreshed in the background (see ReferenceData). */
  trending(device: Device): BlendInput['trending'] {
    const list = this.deps.reference.trending.get(device);
    return list && list.itemIds.length > 0 ? { list, source: 'signal:trending' } : null;
  }

  /** Genre → share of the member's recent plays. */
  taste(recent: readonly RecentPlay[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const play of recent)
      for (const genre of this.deps.reference.catalog.get(play.itemId)?.genres ?? [])
        counts.set(genre, (counts.get(genre) ?? 0) + 1);
    for (const [genre, n] of counts) counts.set(genre, n / recent.length);
    return counts;
  }
}

/** Plays of the current session: the latest ones, each less than SESSION_GAP_MS after the next. */
export function sessionPlays(recent: readonly RecentPlay[], now: number): number {
  let count = 0;
  let previous = now;
  for (const play of recent) {
    const at = Date.parse(play.playedAt);
    if (previous - at > SESSION_GAP_MS) break;
    count += 1;
    previous = at;
  }
  return count;
}
