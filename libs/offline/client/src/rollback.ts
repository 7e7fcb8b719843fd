import type { Producer } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import type { ListsRepository, ModelsRepository } from '@marquee/storage';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/storage';
import { announceResult, type Topics } from '@marquee/kafka';

export interface RollbackDeps {
  lists: ListsRepository;
  models: ModelsRepository;
  cache: Cache;
  producer: Producer;
  topics: Topics;
}

/**
 * Makes the previous champion version of a list the champion again and announces it on
 * `results.published`, so online and nearline switch back. Its entries are still stored (versions
 * expire by TTL, not on replacement).
 */
export async function rollbackList(
  deps: RollbackDeps,
  list: string,
  reason: string,
): Promise<PublishedResult> {
  const current = await deps.lists.champion(list);
  if (!current) throw new Error(`list '${list}' has no champion to roll back`);
  if (!current.previousVersion)
    throw new Error(`list '${list}' has no previous version to roll back to (champion ${current.version})`);
  const target = (await deps.lists.versions(list, 200)).find((v) => v.version === current.previousVersion);
  if (!target)
    throw new Error(`previous version ${current.previousVersion} of '${list}' is no longer stored (expired)`);
  const champion = await deps.lists.promote(list, target.version, `rollback: ${reason}`);
  await deps.lists.setStatus(list, current.version, 'retired');
  await deps.lists.setStatus(list, target.version, 'champion');
  await deps.models
    .update(list, current.version, { status: 'retired', reason: `rolled back: ${reason}` })
    .catch(() => undefined);
  if (await deps.models.get(list, target.version)) {
    await deps.models.update(list, target.version, {
      status: 'champion',
      reason: `restored by rollback: ${reason}`,
    });
  }
  await deps.cache.setJson(cacheKeys.champion(list), target.version, CACHE_TTL_SECONDS.champion);
  const result: PublishedResult = {
    list,
    algorithm: target.algorithm,
    version: target.version,
    location: target.location,
    counts: { members: target.members, items: target.items },
    metrics: target.metrics,
    checksum: target.checksum,
    publishedAt: champion.announcedAt.toISOString(),
  };
  await announceResult(deps.producer, deps.topics, result);
  return result;
}
