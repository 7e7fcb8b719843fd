import type { ScoredList } from '@marquee/domain';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/storage';
import type { ListsRepository } from '@marquee/storage';

export interface ListEntry {
  list: ScoredList;
  /** Which store answered: `memcached`, or `cassandra` behind it. */
  source: 'memcached' | 'cassandra';
}

export interface ListStores {
  cache: Cache;
  lists: ListsRepository;
}

/**
 * A member's entry of one version of a list: memcached, then Cassandra (refilling memcached unless
 * nearline has written a newer entry meanwhile).
 */
export async function readListEntry(
  stores: ListStores,
  list: string,
  version: string,
  memberId: string,
): Promise<ListEntry | null> {
  const key = cacheKeys.listEntry(list, version, memberId);
  const cached = await stores.cache.getJson<ScoredList>(key);
  if (cached) return { list: cached, source: 'memcached' };
  const stored = await stores.lists.readEntry(list, version, memberId);
  if (!stored) return null;
  void stores.cache.addJson(key, stored, CACHE_TTL_SECONDS.list);
  return { list: stored, source: 'cassandra' };
}

/** The champion version of a list: the pointer's hot copy, then Cassandra. */
export async function readChampionVersion(stores: ListStores, list: string): Promise<string | null> {
  const cached = await stores.cache.getJson<string>(cacheKeys.champion(list));
  if (cached) return cached;
  const champion = await stores.lists.champion(list);
  if (!champion) return null;
  void stores.cache.addJson(cacheKeys.champion(list), champion.version, CACHE_TTL_SECONDS.champion);
  return champion.version;
}
