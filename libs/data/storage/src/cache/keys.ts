/** memcached keys, one place, so writers and readers agree. Ids are validated to be key-safe. */
export const cacheKeys = {
  recentPlays: (memberId: string) => `mq:recent:${memberId}`,
  continueWatching: (memberId: string) => `mq:cw:${memberId}`,
  becauseYouWatched: (memberId: string) => `mq:byw:${memberId}`,
  /** The top `k` trending titles of a scope, shared by the online replicas for a few seconds. */
  trending: (scope: string, k: number) => `mq:trending:${scope}:${k}`,
  listEntry: (list: string, version: string, memberId: string) => `mq:list:${list}:${version}:${memberId}`,
  champion: (list: string) => `mq:champion:${list}`,
  /** The member's profile, or a mark that they have none (so a member without one costs no CQL read). */
  profile: (memberId: string) => `mq:profile:${memberId}`,
};

export const CACHE_TTL_SECONDS = {
  signal: 3600,
  list: 6 * 3600,
  champion: 10,
  /** Writers replace it; the TTL only bounds a copy a failed write left behind. */
  profile: 600,
};
