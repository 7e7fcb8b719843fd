import type { CatalogItem, Row, ScoredList } from '@marquee/domain';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/cache';
import { GLOBAL_MEMBER, type CatalogRepository, type ListsRepository } from '@marquee/cassandra';
import type { ContinueWatchingSignal, RecentPlaysSignal } from '@marquee/signals';
import { blendRows } from './blend';

export interface RowsPage {
  memberId: string;
  rows: Row[];
  servedAt: string;
}

export interface RowsServiceDeps {
  lists: ListsRepository;
  catalog: CatalogRepository;
  cache: Cache;
  continueWatching: ContinueWatchingSignal;
  recentPlays: RecentPlaysSignal;
}

/** Reads lists and signals in parallel (memcached first, Cassandra behind it) and blends a page. */
export class RowsService {
  private readonly titles = new Map<string, CatalogItem>();

  constructor(private readonly deps: RowsServiceDeps) {}

  async page(memberId: string, options: { itemsPerRow: number }): Promise<RowsPage> {
    const [continueWatching, recentPlays, popular] = await Promise.all([
      this.deps.continueWatching.read(memberId),
      this.deps.recentPlays.read(memberId),
      this.championList('popular', GLOBAL_MEMBER),
    ]);
    const needed = [...continueWatching.map((e) => e.itemId), ...(popular?.list.itemIds ?? [])];
    const titles = await this.resolveTitles(needed);
    const rows = blendRows({
      continueWatching,
      recentPlays,
      popular,
      titles,
      itemsPerRow: options.itemsPerRow,
    });
    return { memberId, rows, servedAt: new Date().toISOString() };
  }

  /** The champion version of a list for a member: pointer and entry, each cache then Cassandra. */
  async championList(
    list: string,
    memberId: string,
  ): Promise<{ list: ScoredList; version: string; source: string } | null> {
    let version = await this.deps.cache.getJson<string>(cacheKeys.champion(list));
    if (!version) {
      version = (await this.deps.lists.champion(list))?.version;
      if (!version) return null;
      await this.deps.cache.setJson(cacheKeys.champion(list), version, CACHE_TTL_SECONDS.champion);
    }
    const key = cacheKeys.listEntry(list, version, memberId);
    const cached = await this.deps.cache.getJson<ScoredList>(key);
    if (cached) return { list: cached, version, source: 'memcached' };
    const stored = await this.deps.lists.readEntry(list, version, memberId);
    if (!stored) return null;
    await this.deps.cache.setJson(key, stored, CACHE_TTL_SECONDS.list);
    return { list: stored, version, source: 'cassandra' };
  }

  /** Catalog titles change rarely; they are kept in process after the first read. */
  private async resolveTitles(itemIds: string[]): Promise<Map<string, CatalogItem>> {
    const missing = itemIds.filter((id) => !this.titles.has(id));
    if (missing.length > 0) {
      for (const [id, item] of await this.deps.catalog.getMany(missing)) this.titles.set(id, item);
    }
    const found = new Map<string, CatalogItem>();
    for (const id of itemIds) {
      const item = this.titles.get(id);
      if (item) found.set(id, item);
    }
    return found;
  }
}
