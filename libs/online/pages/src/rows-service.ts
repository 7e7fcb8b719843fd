import type { Device, ScoredList, StoredProfile } from '@marquee/domain';
import type { ListStore } from '@marquee/storage';
import { CONTROL, assignVariant } from '@marquee/experiments';
import type { ReferenceData } from './reference-data';
import type { SimilarItems } from './similar-items';
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
import { MemberProfiles, viewerOf, type ProfileReader, type Viewer } from './member-profiles';
import type { PageMerchandising } from './merchandising';
import { NearCache } from './near-cache';
import { Fallbacks, RowSources, sessionPlays } from './row-sources';

/** The experiment whose variants (the registrations) pick a member's lists. */
export const ROWS_EXPERIMENT = 'rows';

export interface RowsDeps {
  reference: ReferenceData;
  similar?: SimilarItems;
  lists: ListStore;
  continueWatching: ContinueWatchingSignal;
  recentPlays: RecentPlaysSignal;
  becauseYouWatched: BecauseYouWatchedSignal;
  /**
   * Members' profiles (maturity, region), read with the page's other reads. Without a reader every
   * member is an adult in the request's region (tools and tests that keep no profiles).
   */
  profiles?: ProfileReader;
  /** The operators' merchandising rules in force. */
  rules?: { forPage(device: Device, region: string | undefined, now: number): PageMerchandising };
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
  /** How long a page blended with fallbacks serves the same request again (0: never). */
  degradedTtlMs?: number;
  observer?: RowsObserver;
}

export interface PageRequest {
  memberId: string;
  device: Device;
  rows: number;
  itemsPerRow: number;
  timeZone?: string;
  /** ISO 3166-1 alpha-2: titles not licensed there are left out. */
  region?: string;
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
  /** Whom every row was filtered for: maturity level, region, and where they came from. */
  profile: Viewer;
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

/** A page without the time it is served at. */
type PageBody = Omit<RowsPage, 'servedAt' | 'elapsedMs'>;
/**
 * Pages are kept (near cache, last pages) as the JSON that is sent: one string per page, serialized
 * once, cheap for the garbage collector; each answer only appends its own time.
 */
interface ComposedPage {
  json: string;
}

export interface RecommendationsPage {
  memberId: string;
  variant: VariantInfo;
  profile: Viewer;
  source: string;
  degraded: boolean;
  items: Array<{ itemId: string; title: string; score: number }>;
}

const elapsedSince = (started: number) => Math.round((performance.now() - started) * 100) / 100;

const noObserver: RowsObserver = { read: () => undefined, fallback: () => undefined, page: () => undefined };

/**
 * The online page: assigns the member's variant, reads their list and signals in parallel under one
 * deadline (memcached first, Cassandra behind it), fills what failed or was late from the last served
 * page or the popular list in memory, and blends them with what is kept in memory (catalog, trending
 * per device, affinities). It never throws for a store.
 */
export class RowsService {
  private readonly lastPages: LastPages;
  private readonly sources: RowSources;
  private readonly observer: RowsObserver;
  private readonly deadlineMs: number;
  private readonly degradedTtlMs: number;
  private readonly profiles: MemberProfiles | null;
  private readonly nearCache: NearCache<
    {
      continueWatching: Promise<ContinueWatchingEntry[]>;
      recentPlays: Promise<RecentPlay[]>;
      becauseYouWatched: Promise<BecauseYouWatched | null>;
    },
    ComposedPage
  >;

  constructor(
    private readonly deps: RowsDeps,
    options: RowsServiceOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 50;
    this.degradedTtlMs = options.degradedTtlMs ?? 0;
    this.lastPages = new LastPages(options.lastPages ?? 5000);
    this.observer = options.observer ?? noObserver;
    this.nearCache = new NearCache(options.signalsTtlMs ?? 0);
    this.profiles = deps.profiles ? new MemberProfiles(deps.profiles, options.signalsTtlMs ?? 0) : null;
    this.sources = new RowSources({
      reference: deps.reference,
      ...(deps.similar ? { similar: deps.similar } : {}),
      lastPages: this.lastPages,
    });
  }

  /** A play of the member went through this instance: their next page reads fresh signals. */
  forget(memberId: string): void {
    this.nearCache.forget(memberId);
    this.profiles?.drop(memberId);
  }

  /**
   * Nearline rewrote the member's rows, or their profile changed: their next page is blended from
   * fresh reads, the profile's included.
   */
  invalidate(memberId: string): void {
    this.nearCache.drop(memberId);
    this.profiles?.drop(memberId);
  }

  /**
   * Whom the member's titles are filtered for (see `viewerOf`), read under its own deadline: for
   * answers that show titles outside a page (similar titles).
   */
  async viewer(memberId: string, region?: string): Promise<Viewer> {
    const deadline = new Deadline(this.deadlineMs);
    const viewer = viewerOf(await this.readProfile(memberId, deadline), region);
    deadline.clear();
    return viewer;
  }

  /** A new version of a list was published: every page is blended afresh. */
  invalidateAll(): void {
    this.nearCache.clear();
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
    const { page, now } = await this.compose(request);
    return {
      ...(JSON.parse(page.json) as PageBody),
      servedAt: now.toISOString(),
      elapsedMs: elapsedSince(started),
    };
  }

  /**
   * The same page as JSON, ready to send: a page kept in the near cache is serialized once, and each
   * answer only appends its own time.
   */
  async pageJson(request: PageRequest): Promise<string> {
    const started = performance.now();
    const { page, now } = await this.compose(request);
    return `${page.json.slice(0, -1)},"servedAt":"${now.toISOString()}","elapsedMs":${elapsedSince(started)}}`;
  }

  private async compose(request: PageRequest): Promise<{ page: ComposedPage; now: Date }> {
    const { memberId } = request;
    const now = request.now ?? new Date();
    const context = pageContext(request.device, now, request.timeZone);
    let pageKey = `${request.device}|${request.rows}|${request.itemsPerRow}|${context.timeZone}|${context.utcHour}|${context.localHour}|${request.region ?? ''}`;
    const merchandising = this.deps.rules?.forPage(request.device, request.region, now.getTime());
    // A page kept for one set of rules in force is not served for another (a window opening or closing).
    if (merchandising && !merchandising.empty) pageKey += `|${merchandising.key}`;
    const kept = this.nearCache.servable(memberId, pageKey, now.getTime());
    if (kept) {
      // A page past its time is served once more while the next one is blended off the request;
      // a refresh that fails leaves it to age out, then a request blends in line.
      if (kept.refresh) void this.blend(request, now, context, pageKey, merchandising).catch(() => undefined);
      this.observer.page(kept.degraded === true);
      return { page: kept.page, now };
    }
    return { page: await this.blend(request, now, context, pageKey, merchandising), now };
  }

  /** Reads the member's lists and signals (through the near cache) and blends the page. */
  private async blend(
    request: PageRequest,
    now: Date,
    context: PageContext,
    pageKey: string,
    merchandising?: PageMerchandising,
  ): Promise<ComposedPage> {
    const { memberId } = request;
    const variant = this.variantOf(memberId);
    const personal = variant.name !== CONTROL;
    const deadline = new Deadline(this.deadlineMs);
    const signals = this.nearCache.reads(memberId, now.getTime(), () => ({
      continueWatching: this.deps.continueWatching.read(memberId),
      recentPlays: this.deps.recentPlays.read(memberId),
      becauseYouWatched: this.deps.becauseYouWatched.read(memberId),
    }));
    const [profile, continueWatching, recentPlays, becauseYouWatched, list] = await Promise.all([
      this.readProfile(memberId, deadline, now),
      this.read('continue_watching', deadline, signals.continueWatching),
      this.read('recent_plays', deadline, signals.recentPlays),
      this.read('because_you_watched', deadline, signals.becauseYouWatched),
      personal && variant.version
        ? this.read('list', deadline, this.deps.lists.readEntry(variant.list, variant.version, memberId))
        : null,
    ]);
    deadline.clear();

    const fallbacks = new Fallbacks(this.observer, this.deadlineMs);
    const viewer = viewerOf(profile, request.region);
    if (!profile.ok) fallbacks.take('profile', 'kids', `profile ${fallbacks.why(profile)}`);
    // Rules scoped by region follow the member's home region when their profile names one.
    const rules =
      viewer.region !== request.region
        ? this.deps.rules?.forPage(request.device, viewer.region, now.getTime())
        : merchandising;
    const recent = recentPlays.ok ? recentPlays.value : [];
    if (!recentPlays.ok)
      fallbacks.take('watched', 'continue watching only', `recent plays ${fallbacks.why(recentPlays)}`);
    const input: BlendInput = {
      context,
      rows: request.rows,
      itemsPerRow: request.itemsPerRow,
      continueWatching: this.sources.continueWatching(memberId, continueWatching, fallbacks),
      watched: new Set([
        ...recent.map((p) => p.itemId),
        ...(continueWatching.ok ? continueWatching.value.map((e) => e.itemId) : []),
      ]),
      topPicks: this.sources.topPicks(memberId, variant, list, fallbacks),
      becauseYouWatched: this.sources.becauseYouWatched(memberId, becauseYouWatched, recent, fallbacks),
      trending: this.sources.trending(request.device),
      catalog: this.deps.reference.catalog,
      titlesByGenre: this.deps.reference.titlesByGenre,
      affinities: this.deps.reference.affinities,
      taste: this.sources.taste(recent),
      shown: (itemId) => this.deps.reference.shows(itemId, now, viewer.region, viewer.maturity),
      ...(rules ? { merchandising: rules } : {}),
    };
    const rows = blendPage(input);
    const degraded = fallbacks.notes.length > 0;
    this.observer.page(degraded);
    const body: PageBody = {
      memberId,
      variant,
      profile: viewer,
      context: {
        ...context,
        sessionPlays: sessionPlays(recent, now.getTime()),
        affinitiesVersion: this.deps.reference.affinities.version,
      },
      rows,
      sources: [
        ...new Set(rows.map((r) => r.source)),
        ...(rules && !rules.empty ? [`rules:v${rules.version}`] : []),
      ],
      degraded,
      fallbacks: fallbacks.notes,
    };
    const page = { json: JSON.stringify(body) };
    // A degraded page is kept only briefly, so a slow store costs one blend per member and moment
    // rather than one per request; it never replaces the member's last page as the fallback.
    if (degraded) this.nearCache.keepDegraded(memberId, pageKey, page, now.getTime(), this.degradedTtlMs);
    else {
      this.nearCache.keepPage(memberId, signals, pageKey, page);
      this.lastPages.remember(memberId, page.json);
    }
    return page;
  }

  /**
   * The member's raw list for their variant (the popular list for the control group), without the
   * titles their profile may not see.
   */
  async recommendations(memberId: string, k: number, region?: string): Promise<RecommendationsPage> {
    const variant = this.variantOf(memberId);
    const title = (itemId: string) => this.deps.reference.catalog.get(itemId)?.title ?? itemId;
    const now = Date.now();
    const deadline = new Deadline(this.deadlineMs);
    const [profile, entry] = await Promise.all([
      this.readProfile(memberId, deadline, new Date(now)),
      variant.name !== CONTROL && variant.version
        ? this.read('list', deadline, this.deps.lists.readEntry(variant.list, variant.version, memberId))
        : null,
    ]);
    deadline.clear();
    const viewer = viewerOf(profile, region);
    if (!profile.ok) this.observer.fallback('profile', 'kids');
    const shape = (list: ScoredList) =>
      list.itemIds
        .map((itemId, i) => ({ itemId, title: title(itemId), score: list.scores[i] ?? 0 }))
        .filter(({ itemId }) => this.deps.reference.shows(itemId, now, viewer.region, viewer.maturity))
        .slice(0, k);
    const popular = this.deps.reference.popular;
    const answer = (source: string, degraded: boolean, list: ScoredList | undefined) => ({
      memberId,
      variant,
      profile: viewer,
      source,
      degraded: degraded || !profile.ok,
      items: list ? shape(list) : [],
    });
    if (variant.name === CONTROL) return answer('memory:popular', false, popular?.list);
    if (entry?.ok && entry.value) return answer(entry.value.source, false, entry.value.list);
    this.observer.fallback('recommendations', 'popular-memory');
    return answer('fallback:popular-memory', true, popular?.list);
  }

  /** The member's profile through the in-process cache, under the request's deadline. */
  private readProfile(
    memberId: string,
    deadline: Deadline,
    now = new Date(),
  ): Promise<Outcome<StoredProfile | null>> {
    if (!this.profiles) return Promise.resolve({ ok: true, value: null });
    return this.read('profile', deadline, this.profiles.read(memberId, now.getTime()));
  }

  private async read<T>(source: string, deadline: Deadline, read: Promise<T>): Promise<Outcome<T>> {
    const outcome = await deadline.race(read);
    this.observer.read(source, outcome.ok ? 'ok' : outcome.why);
    return outcome;
  }
}
