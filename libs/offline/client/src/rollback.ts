import type { PublishedResult } from '@marquee/domain';
import type { ListsRepository } from '@marquee/storage';
import { publishVersion, type PublishVersionDeps } from './publish-version';

export interface RollbackDeps extends PublishVersionDeps {
  lists: ListsRepository;
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
  return publishVersion(deps, {
    result: {
      list,
      algorithm: target.algorithm,
      version: target.version,
      location: target.location,
      counts: { members: target.members, items: target.items },
      metrics: target.metrics,
      checksum: target.checksum,
    },
    reason: `rollback: ${reason}`,
    models: { champion: `restored by rollback: ${reason}`, retired: `rolled back: ${reason}` },
  });
}
