import type { StoredProfile } from '@marquee/domain';
import type { Cache } from '../cache/cache';
import { CACHE_TTL_SECONDS, cacheKeys } from '../cache/keys';
import type { ProfilesRepository } from '../cassandra/profiles-repository';

/** The hot copy: the profile, or null for a member who has none. */
interface CachedProfile {
  profile: StoredProfile | null;
}

/**
 * Member profiles as pages read them: memcached first, Cassandra behind it. A member without a
 * profile is cached too, so the common case costs one memcached read. Writes go to Cassandra, then
 * replace the hot copy, so the cache never holds a profile Cassandra does not.
 */
export class ProfileStore {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly cache: Cache,
  ) {}

  /** The member's profile, or null when they have none. Throws when Cassandra cannot answer. */
  async read(memberId: string): Promise<StoredProfile | null> {
    const key = cacheKeys.profile(memberId);
    const cached = await this.cache.getJson<CachedProfile>(key);
    if (cached) return cached.profile;
    const profile = await this.profiles.get(memberId);
    // add, not set: a writer may have replaced the copy since this read looked at Cassandra.
    void this.cache.addJson(key, { profile } satisfies CachedProfile, CACHE_TTL_SECONDS.profile);
    return profile;
  }

  /** Writes the whole profile (idempotent), then its hot copy. */
  async write(memberId: string, profile: StoredProfile): Promise<void> {
    await this.profiles.put(memberId, profile);
    const key = cacheKeys.profile(memberId);
    // A copy that could not be replaced must not outlive the write: drop it, so readers go to Cassandra.
    if (!(await this.cache.setJson(key, { profile } satisfies CachedProfile, CACHE_TTL_SECONDS.profile)))
      await this.cache.delete(key);
  }
}
