import type { Device, ScoredList } from '@marquee/domain';
import type { Cache } from '@marquee/cache';
import type { ListsRepository } from '@marquee/cassandra';
import { CONTROL, assignVariant } from '@marquee/experiments';
import { readListEntry, type ReferenceData, type SimilarItems } from '@marquee/online-context';
import type {
  BecauseYouWatched,
  BecauseYouWatchedSignal,
  ContinueWatchingEntry,
  ContinueWatchingSignal,
  RecentPlay,
  RecentPlaysSignal,
} from '@marquee/signals';
import { blendPage, type BlendInput, type PageRow } from './blend';
import { pageContext, type PageContext } from './context';
import { Deadline, type Outcome } from './deadline';
import { LastPages } from './last-pages';
import { NearCache } from './near-cache';

/** The experiment whose variants (the registrations) pick a member's lists. */
export const ROWS_EXPERIMENT = 'rows';
/** Plays less than this apart belong to one session. */
export const SESSION_GAP_MS = 30 * 60_000;
const SIMILAR_K = 50;

export interface RowsDeps {
  reference: ReferenceData;
  similar?: SimilarItems;
  cache: Cache;
  lists: ListsRepository;
  continueWatching: ContinueWatchingSignal;
  recentPlays: RecentPlaysSignal;
  becauseYouWatched: BecauseYouWatchedSignal;
}

/** Hooks for metrics: every read's outcome, every fallback taken, every page served. */
export interface RowsObserver {
  read(source: string, outcome: 'ok' | 'late' | 'failed'): void;
  fallback(row: string, to: string): void;
  page(degraded: boolean): void;
}

export interface RowsServiceOptions {
  /** The page's budget for store reads; what is late is filled from fallbacks. */
  deadlineMs?: number;
  /** Members whose last served page is kept for fallbacks. */
  lastPages?: number;
  /** How long a member's signal reads are shared by their requests (0: every request reads). */
  signalsTtlMs?: number;
  observer?: RowsObserver;
}

export interface PageRequest {
  memberId: string;
  device: Device;
  rows: number;
  itemsPerRow: number;
  timeZone?: string;
  now?: Date;
}

export interface VariantInfo {
  experiment: string;
  /** A registration's name, or `control` (the popular list). */
  name: string;
  list: string;
  version?: string;
}

export interface RowsPage {
  memberId: string;
  variant: VariantInfo;
  context: PageContext & { sessionPlays: number; affinitiesVersion: string | null };
  rows: PageRow[];
  /** Every store, signal, model or fallback that served a row. */
  sources: string[];
  /** True when a read failed or was late and a fallback stood in; `fallbacks` says which and why. */
  degraded: boolean;
  fallbacks: string[];
  servedAt: string;
  elapsedMs: number;
}

export interface RecommendationsPage {
  memberId: string;
  variant: VariantInfo;
  source: string;
  degraded: boolean;
  items: Array<{ itemId: string; title: string; score: number }>;
}

const elapsedSince = (started: number) => Math.round((performance.now() - started) * 100) / 100;

const noObserver: RowsObserver = { read: () => undefined, fallback: () => undefined, page: () => undefined };

const listFromRow = (row: PageRow): ScoredList => ({
  itemIds: row.items.map((i) => i.itemId),
  scores: row.items.map((i) => i.score),
});

/** Notes of one page: which fallbacks stood in for what. */
class Fallbacks {
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
 * The online page: assigns the member's variant, reads their list and signals in parallel under one
 * deadline (memcached first, Cassandra behind it), fills what failed or was late from the last served
 * page or the popular list in memory, and blends them with what is kept in memory (catalog, trending
 * per device, affinities). It never throws for a store.
 */
export class RowsService {
  private readonly lastPages: LastPages;
  private readonly observer: RowsObserver;
  private readonly deadlineMs: number;
  private readonly nearCache: NearCache<
    {
      continueWatching: Promise<ContinueWatchingEntry[]>;
      recentPlays: Promise<RecentPlay[]>;
      becauseYouWatched: Promise<BecauseYouWatched | null>;
    },
    RowsPage
  >;

  constructor(
    private readonly deps: RowsDeps,
    options: RowsServiceOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 50;
    this.lastPages = new LastPages(options.lastPages ?? 5000);
    this.observer = options.observer ?? noObserver;
    this.nearCache = new NearCache(options.signalsTtlMs ?? 0);
  }

  /** A play of the member went through this instance: their next page reads fresh signals. */
  forget(memberId: string): void {
    this.nearCache.forget(memberId);
  }

  variantOf(memberId: string): VariantInfo {
    const { reference } = this.deps;
    const name = assignVariant(memberId, ROWS_EXPERIMENT, reference.variants);
    const list = name === CONTROL ? reference.popularListName : name;
    const version = name === CONTROL ? reference.popular?.version : reference.championVersion(name);
    return { experiment: ROWS_EXPERIMENT, name, list, ...(version ? { version } : {}) };
  }

  async page(request: PageRequest): Promise<RowsPage> {
    const started = performance.now();
    const { memberId } = request;
    const now = request.now ?? new Date();
    const context = pageContext(request.device, now, request.timeZone);
    const variant = this.variantOf(memberId);
    const personal = variant.name !== CONTROL;
    const pageKey = `${request.device}|${request.rows}|${request.itemsPerRow}|${context.timeZone}|${context.utcHour}|${context.localHour}`;
    const kept = this.nearCache.page(memberId, pageKey, now.getTime());
    if (kept) {
      this.observer.page(false);
      return { ...kept, servedAt: now.toISOString(), elapsedMs: elapsedSince(started) };
    }
    const deadline = new Deadline(this.deadlineMs);
    const signals = this.nearCache.reads(memberId, now.getTime(), () => ({
      continueWatching: this.deps.continueWatching.read(memberId),
      recentPlays: this.deps.recentPlays.read(memberId),
      becauseYouWatched: this.deps.becauseYouWatched.read(memberId),
    }));
    const [continueWatching, recentPlays, becauseYouWatched, list] = await Promise.all([
      this.read('continue_watching', deadline, signals.continueWatching),
      this.read('recent_plays', deadline, signals.recentPlays),
      this.read('because_you_watched', deadline, signals.becauseYouWatched),
      personal && variant.version
        ? this.read('list', deadline, readListEntry(this.deps, variant.list, variant.version, memberId))
        : null,
    ]);
    deadline.clear();

    const fallbacks = new Fallbacks(this.observer, this.deadlineMs);
    const recent = recentPlays.ok ? recentPlays.value : [];
    if (!recentPlays.ok)
      fallbacks.take('watched', 'continue watching only', `recent plays ${fallbacks.why(recentPlays)}`);
    const input: BlendInput = {
      context,
      rows: request.rows,
      itemsPerRow: request.itemsPerRow,
      continueWatching: this.continueWatching(memberId, continueWatching, fallbacks),
      watched: new Set([
        ...recent.map((p) => p.itemId),
        ...(continueWatching.ok ? continueWatching.value.map((e) => e.itemId) : []),
      ]),
      topPicks: this.topPicks(memberId, variant, list, fallbacks),
      becauseYouWatched: this.becauseYouWatched(memberId, becauseYouWatched, recent, fallbacks),
      trending: this.trending(request.device),
      catalog: this.deps.reference.catalog,
      titlesByGenre: this.deps.reference.titlesByGenre,
      affinities: this.deps.reference.affinities,
      taste: this.taste(recent),
    };
    const rows = blendPage(input);
    this.lastPages.remember(memberId, rows);
    const degraded = fallbacks.notes.length > 0;
    this.observer.page(degraded);
    const page: RowsPage = {
      memberId,
      variant,
      context: {
        ...context,
        sessionPlays: sessionPlays(recent, now.getTime()),
        affinitiesVersion: this.deps.reference.affinities.version,
      },
      rows,
      sources: [...new Set(rows.map((r) => r.source))],
      degraded,
      fallbacks: fallbacks.notes,
      servedAt: now.toISOString(),
      elapsedMs: elapsedSince(started),
    };
    // A degraded page is not kept: the next request tries the stores again.
    if (!degraded) this.nearCache.keepPage(memberId, signals, pageKey, page);
    return page;
  }

  /** The member's raw list for their variant (the popular list for the control group). */
  async recommendations(memberId: string, k: number): Promise<RecommendationsPage> {
    const variant = this.variantOf(memberId);
    const title = (itemId: string) => this.deps.reference.catalog.get(itemId)?.title ?? itemId;
    const shape = (list: ScoredList) =>
      list.itemIds
        .slice(0, k)
        .map((itemId, i) => ({ itemId, title: title(itemId), score: list.scores[i] ?? 0 }));
    const popular = this.deps.reference.popular;
    if (variant.name !== CONTROL) {
      const deadline = new Deadline(this.deadlineMs);
      const entry = variant.version
        ? await this.read('list', deadline, readListEntry(this.deps, variant.list, variant.version, memberId))
        : null;
      deadline.clear();
      if (entry?.ok && entry.value)
        return {
          memberId,
          variant,
          source: entry.value.source,
          degraded: false,
          items: shape(entry.value.list),
        };
      this.observer.fallback('recommendations', 'popular-memory');
      return {
        memberId,
        variant,
        source: 'fallback:popular-memory',
        degraded: true,
        items: popular ? shape(popular.list) : [],
      };
    }
    return {
      memberId,
      variant,
      source: 'memory:popular',
      degraded: false,
      items: popular ? shape(popular.list) : [],
    };
  }

  private async read<T>(source: string, deadline: Deadline, read: Promise<T>): Promise<Outcome<T>> {
    const outcome = await deadline.race(read);
    this.observer.read(source, outcome.ok ? 'ok' : outcome.why);
    return outcome;
  }

  private continueWatching(
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
    const last = this.lastPages.row(memberId, 'continue-watching');
    fallbacks.take('continue-watching', last ? 'last-page' : 'left out', fallbacks.why(outcome));
    return last ? { items: last.items, source: 'fallback:last-page' } : null;
  }

  private topPicks(
    memberId: string,
    variant: VariantInfo,
    outcome: Outcome<Awaited<ReturnType<typeof readListEntry>>> | null,
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
    const last = this.lastPages.row(memberId, 'top-picks');
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

  private becauseYouWatched(
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
    const last = this.lastPages.row(memberId, 'because-you-watched');
    fallbacks.take('because-you-watched', last?.basedOn ? 'last-page' : 'left out', fallbacks.why(outcome));
    return last?.basedOn
      ? { sourceItemId: last.basedOn, list: listFromRow(last), source: 'fallback:last-page', ranked: true }
      : null;
  }

  /** Kept in memory per device type and refreshed in the background (see ReferenceData). */
  private trending(device: Device): BlendInput['trending'] {
    const list = this.deps.reference.trending.get(device);
    return list && list.itemIds.length > 0 ? { list, source: 'signal:trending' } : null;
  }

  /** Genre → share of the member's recent plays. */
  private taste(recent: readonly RecentPlay[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const play of recent)
      for (const genre of this.deps.reference.catalog.get(play.itemId)?.genres ?? [])
        counts.set(genre, (counts.get(genre) ?? 0) + 1);
    for (const [genre, n] of counts) counts.set(genre, n / recent.length);
    return counts;
  }
}

/** Plays of the current session: the latest ones, each less than SESSION_GAP_MS after the next. */
function sessionPlays(recent: readonly RecentPlay[], now: number): number {
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
