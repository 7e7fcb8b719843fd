import type { ScoredList } from '@marquee/domain';
import type { Cache } from '../cache/cache';
import { CACHE_TTL_SECONDS, cacheKeys } from '../cache/keys';
import type { Champion, ListsRepository } from '../cassandra/lists-repository';
import type { Statement } from '../cassandra/statements';

export interface ListEntry {
  list: ScoredList;
  /** Which store answered: `memcached`, or `cassandra` behind it. */
  source: 'memcached' | 'cassandra';
}

export interface ChampionSwitch {
  champion: Champion;
  /** The version that was champion before, when it was another one. */
  replaced: string | null;
}

/**
 * Precomputed lists as every tier sees them: Cassandra holds each version's entries and the champion
 * pointer, memcached their hot copies. Reads go through the cache and refill it; writes go to
 * Cassandra first, then to the cache, so the cache never holds what Cassandra does not.
 */
export class ListStore {
  constructor(
    private readonly lists: ListsRepository,
    private readonly cache: Cache,
  ) {}

  /** A member's entry of one version: memcached, then Cassandra (refilling memcached unless a newer entry landed meanwhile). */
  async readEntry(list: string, version: string, memberId: string): Promise<ListEntry | null> {
    const key = cacheKeys.listEntry(list, version, memberId);
    const cached = await this.cache.getJson<ScoredList>(key);
    if (cached) return { list: cached, source: 'memcached' };
    const stored = await this.lists.readEntry(list, version, memberId);
    if (!stored) return null;
    void this.cache.addJson(key, stored, CACHE_TTL_SECONDS.list);
    return { list: stored, source: 'cassandra' };
  }

  /** The champion version of a list: the pointer's hot copy, then Cassandra. */
  async championVersion(list: string): Promise<string | null> {
    const cached = await this.cache.getJson<string>(cacheKeys.champion(list));
    if (cached) return cached;
    const champion = await this.lists.champion(list);
    if (!champion) return null;
    void this.cache.addJson(cacheKeys.champion(list), champion.version, CACHE_TTL_SECONDS.champion);
    return champion.version;
  }

  /** Writes entries of a version to Cassandra, then their hot copies (idempotent: a retry rewrites the same rows). */
  async writeEntries(
    list: string,
    version: string,
    entries: ReadonlyArray<{ memberId: string; list: ScoredList }>,
    options: { hotCopies?: boolean } = {},
  ): Promise<void> {
    await this.lists.writeEntries(list, version, entries);
    if (options.hotCopies === false) return;
    await Promise.all(entries.map((e) => this.cacheEntry(list, version, e.memberId, e.list)));
  }

  /** One member's entry as a statement, for callers that batch it with other writes; `cacheEntry` after. */
  entryStatement(list: string, version: string, memberId: string, entry: ScoredList): Statement {
    return this.lists.entryStatement(list, version, memberId, entry);
  }

  /** The hot copy of an entry already written to Cassandra. */
  cacheEntry(list: string, version: string, memberId: string, entry: ScoredList): Promise<boolean> {
    return this.cache.setJson(cacheKeys.listEntry(list, version, memberId), entry, CACHE_TTL_SECONDS.list);
  }

  /** Copies a member's stored entry back into memcached (after the cache was unavailable), or drops a stale copy. */
  async refillEntry(list: string, version: string, memberId: string): Promise<void> {
    const stored = await this.lists.readEntry(list, version, memberId);
    const key = cacheKeys.listEntry(list, version, memberId);
    if (stored) await this.cache.setJson(key, stored, CACHE_TTL_SECONDS.list);
    else await this.cache.delete(key);
  }

  /**
   * Makes `version` the champion of `list`: the pointer in one row write (with its history), the
   * statuses of the new and the replaced version, then the pointer's hot copy. Announcing it is the
   * caller's (publishing) step.
   */
  async switchChampion(list: string, version: string, reason: string): Promise<ChampionSwitch> {
    const previous = await this.lists.champion(list);
    const champion = await this.lists.promote(list, version, reason);
    await this.lists.setStatus(list, version, 'champion');
    const replaced = previous && previous.version !== version ? previous.version : null;
    if (replaced) await this.lists.setStatus(list, replaced, 'retired');
    await this.cache.setJson(cacheKeys.champion(list), version, CACHE_TTL_SECONDS.champion);
    return { champion, replaced };
  }
}
