import {
  DEVICES,
  isAvailable,
  type Device,
  type Maturity,
  type ScoredList,
  type StoredCatalogItem,
} from '@marquee/domain';
import {
  AFFINITIES_LIST,
  GLOBAL_MEMBER,
  type AffinitiesRepository,
  type CatalogRepository,
  type ListStore,
  type ListsRepository,
  type RegistrationsRepository,
} from '@marquee/storage';
import { AffinityTable } from '@marquee/algorithms';
import type { Variant } from '@marquee/experiments';
import type { Logger } from '@marquee/observability';
import type { TrendingSignal } from '@marquee/signals';
import { MaturityIndex } from './maturity-index';

export interface ReferenceDeps {
  catalog: CatalogRepository;
  /** The popular list and the variants' champions, through their hot copies. */
  listStore: ListStore;
  /** The affinities' champion pointer, read from Cassandra. */
  lists: ListsRepository;
  affinities: AffinitiesRepository;
  registrations: RegistrationsRepository;
  trending?: TrendingSignal;
  logger: Logger;
}

export interface ReferenceOptions {
  /** How often everything is reloaded; `results.published` reloads a list at once. */
  refreshMs?: number;
  /** The global list kept in memory: Top picks of the control group and the fallback of every page. */
  popularList?: string;
  /** The experiment's variants; by default every registration with its traffic share. */
  loadVariants?: () => Promise<Variant[]>;
  /** One device type's trending titles are re-read this often, in turn (each type every 4 ticks). */
  trendingRefreshMs?: number;
}

/** After a failed reload, the next attempt comes this soon. */
const RETRY_MS = 2000;

/** Trending is read at one length for every device, so one read serves every page. */
export const TRENDING_K = 50;

export interface MemoryList {
  name: string;
  version: string;
  list: ScoredList;
}

type Part = 'catalog' | 'popular' | 'affinities' | 'variants' | 'champions' | 'trending';

/**
 * What the online service keeps in memory and refreshes in the background, so a request never waits
 * on it: the catalog (titles, genres), the popular list, the genre affinities, the experiment's variants
 * the champion version of each variant's list, and what is trending on each device type. A failed
 * reload keeps the previous data and is retried on the next round.
 */
export class ReferenceData {
  private catalogByTitle: ReadonlyMap<string, StoredCatalogItem> = new Map();
  private maturity = MaturityIndex.of(this.catalogByTitle);
  /** Titles of each genre, most popular first. */
  titlesByGenre: ReadonlyMap<string, readonly string[]> = new Map();
  popular: MemoryList | null = null;
  affinities: AffinityTable = AffinityTable.empty();
  variants: readonly Variant[] = [];
  /** Trending titles per device type (`trending.read('device:<type>')`), refreshed in the background. */
  trending: ReadonlyMap<Device, ScoredList> = new Map();
  readonly loadedAt: Partial<Record<Part, number>> = {};
  private readonly champions = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private retrying: NodeJS.Timeout | undefined;
  private readonly failing = new Set<Part>();
  private readonly popularName: string;

  constructor(
    private readonly deps: ReferenceDeps,
    private readonly options: ReferenceOptions = {},
  ) {
    this.popularName = options.popularList ?? 'popular';
  }

  /** Every stored title, removed ones included (they title history; `shows` hides them). */
  get catalog(): ReadonlyMap<string, StoredCatalogItem> {
    return this.catalogByTitle;
  }

  /** Replacing the catalog re-indexes which titles each profile level may see. */
  set catalog(catalog: ReadonlyMap<string, StoredCatalogItem>) {
    this.catalogByTitle = catalog;
    this.maturity = MaturityIndex.of(catalog);
  }

  get popularListName(): string {
    return this.popularName;
  }

  /**
   * Whether a title may be shown at `at` (in `region` when the request names one) to a profile of
   * level `maturity`: removed and unavailable titles are not, nor titles above the level. A title
   * this instance has not loaded yet is shown to adults (an empty or stale catalog must not empty
   * every page) and hidden from kids and teens (nobody has rated it for them).
   */
  shows(itemId: string, at: Date | number, region?: string, maturity: Maturity = 'adult'): boolean {
    if (!this.maturity.allows(itemId, maturity)) return false;
    const item = this.catalogByTitle.get(itemId);
    return item === undefined || isAvailable(item, at, region);
  }

  /** Titles were announced on `catalog.updated`: reload just those (a failure waits for the refresh). */
  async onCatalogUpdated(itemIds: readonly string[]): Promise<void> {
    const reloaded = await this.attempt('catalog', async () => {
      const catalog = new Map(this.catalog);
      for (let i = 0; i < itemIds.length; i += 100) {
        const found = await this.deps.catalog.getMany(itemIds.slice(i, i + 100));
        for (const [id, item] of found) catalog.set(id, item);
      }
      this.catalog = catalog;
    });
    if (reloaded) this.indexGenres();
  }

  /** The champion version of a variant's list, as last loaded or announced. */
  championVersion(list: string): string | undefined {
    return this.champions.get(list);
  }

  /** Loads everything once, then keeps reloading every `refreshMs` (trending more often) until `stop`. */
  async start(): Promise<void> {
    this.every(this.options.refreshMs ?? 30_000, () => this.refresh());
    // One device type per tick: each trending read sums 72 buckets from Cassandra, and four at once
    // make a burst of queries (and of work on this event loop) that pages would queue behind.
    let next = 0;
    if (this.deps.trending)
      this.every(this.options.trendingRefreshMs ?? 5000, () =>
        this.refreshTrending([DEVICES[next++ % DEVICES.length] as Device]),
      );
    await Promise.all([this.refresh(), this.refreshTrending()]);
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    clearTimeout(this.retrying);
  }

  /** Trending per device type, off the request path: a slow computation never delays a page. */
  async refreshTrending(devices: readonly Device[] = DEVICES, now = Date.now()): Promise<void> {
    const signal = this.deps.trending;
    if (!signal) return;
    await this.attempt('trending', async () => {
      const lists = await Promise.all(devices.map((d) => signal.read(`device:${d}`, TRENDING_K, now)));
      const trending = new Map(this.trending);
      devices.forEach((d, i) => trending.set(d, lists[i] as ScoredList));
      this.trending = trending;
    });
  }

  async refresh(): Promise<void> {
    const loaded = await Promise.all([
      this.attempt('catalog', () => this.loadCatalog()),
      this.attempt('popular', () => this.loadPopular()),
      this.attempt('affinities', () => this.loadAffinities()),
      this.attempt('variants', () => this.loadVariants()),
    ]);
    loaded.push(await this.attempt('champions', () => this.loadChampions()));
    this.indexGenres();
    // Something failed: try again soon rather than a whole refresh period later.
    if (loaded.includes(false) && this.timers.length > 0 && !this.retrying) {
      this.retrying = setTimeout(() => {
        this.retrying = undefined;
        void this.refresh();
      }, RETRY_MS);
      this.retrying.unref();
    }
  }

  /** A new version was announced on `results.published`: switch to it now. */
  async onPublished(list: string, version: string): Promise<void> {
    this.champions.set(list, version);
    if (list === this.popularName) {
      await this.attempt('popular', () => this.loadPopular(version));
      this.indexGenres();
    }
  }

  private async loadCatalog(): Promise<void> {
    const items = await this.deps.catalog.all();
    this.catalog = new Map(items.map((item) => [item.itemId, item]));
  }

  private async loadPopular(announced?: string): Promise<void> {
    const version = announced ?? (await this.deps.listStore.championVersion(this.popularName));
    if (!version || version === this.popular?.version) return;
    const entry = await this.deps.listStore.readEntry(this.popularName, version, GLOBAL_MEMBER);
    if (entry) this.popular = { name: this.popularName, version, list: entry.list };
  }

  private async loadAffinities(): Promise<void> {
    const champion = await this.deps.lists.champion(AFFINITIES_LIST);
    if (!champion || champion.version === this.affinities.version) return;
    this.affinities = new AffinityTable(await this.deps.affinities.read(champion.version), champion.version);
  }

  private async loadVariants(): Promise<void> {
    this.variants = this.options.loadVariants
      ? await this.options.loadVariants()
      : (await this.deps.registrations.list()).map((r) => ({ name: r.name, traffic: r.traffic }));
  }

  private async loadChampions(): Promise<void> {
    const versions = await Promise.all(
      this.variants.map(async (v) => [v.name, await this.deps.listStore.championVersion(v.name)] as const),
    );
    for (const [name, version] of versions) if (version) this.champions.set(name, version);
  }

  private indexGenres(): void {
    const rank = new Map<string, number>();
    this.popular?.list.itemIds.forEach((id, i) => rank.set(id, i));
    const byGenre = new Map<string, string[]>();
    for (const item of this.catalog.values()) {
      if (item.removedAt !== undefined) continue;
      for (const genre of item.genres) {
        let titles = byGenre.get(genre);
        if (!titles) byGenre.set(genre, (titles = []));
        titles.push(item.itemId);
      }
    }
    const unranked = Number.MAX_SAFE_INTEGER;
    for (const titles of byGenre.values())
      titles.sort(
        (a, b) => (rank.get(a) ?? unranked) - (rank.get(b) ?? unranked) || (a < b ? -1 : a > b ? 1 : 0),
      );
    this.titlesByGenre = byGenre;
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => void task(), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async attempt(part: Part, load: () => Promise<void>): Promise<boolean> {
    try {
      await load();
      this.loadedAt[part] = Date.now();
      if (this.failing.delete(part)) this.deps.logger.info({ part }, 'online reference data reloaded again');
      return true;
    } catch (error) {
      // Logged when a part starts failing, not on every retry of an outage.
      if (!this.failing.has(part))
        this.deps.logger.warn(
          { part, error: (error as Error).message },
          'online reference data not reloaded; serving the previous copy and retrying',
        );
      this.failing.add(part);
      return false;
    }
  }
}
