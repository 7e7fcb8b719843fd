/** memcached keys, one place, so writers and readers agree. Ids are validated to be key-safe. */
export const cacheKeys = {
  recentPlays: (memberId: string) => `mq:recent:${memberId}`,
  continueWatching: (memberId: string) => `mq:cw:${memberId}`,
  listEntry: (list: string, version: string, memberId: string) => `mq:list:${list}:${version}:${memberId}`,
  champion: (list: string) => `mq:champion:${list}`,
  catalogItem: (itemId: string) => `mq:item:${itemId}`,
};

export const CACHE_TTL_SECONDS = {
  signal: 3600,
  list: 6 * 3600,
  champion: 10,
  catalog: 3600,
};
