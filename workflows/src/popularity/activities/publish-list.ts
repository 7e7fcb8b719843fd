import type { PublishedResult } from '@marquee/domain';
import { publishVersion, type PublishVersionDeps } from '@marquee/offline-client';
import { GLOBAL_MEMBER, type ListsRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import type { ComputedList } from './compute-popular-list';

export interface PublishListInput {
  computed: ComputedList;
  workflowId: string;
}

export interface PublishListDeps extends PublishVersionDeps {
  lists: ListsRepository;
  logger: Logger;
}

export function publishListActivities(deps: PublishListDeps) {
  return {
    /** Warm the cache, switch the champion pointer, and announce the version on `results.published`. */
    async publishList(input: PublishListInput): Promise<PublishedResult> {
      const { computed } = input;
      const entry = await deps.lists.readEntry(computed.list, computed.version, GLOBAL_MEMBER);
      if (!entry)
        throw new Error(
          `version ${computed.version} of ${computed.list} has no stored entries; recompute it`,
        );
      await deps.listStore.cacheEntry(computed.list, computed.version, GLOBAL_MEMBER, entry);
      const result = await publishVersion(deps, {
        result: {
          list: computed.list,
          algorithm: computed.algorithm,
          version: computed.version,
          location: `cassandra:list_entries/${computed.list}/${computed.version}`,
          counts: { members: computed.members, items: computed.items },
          metrics: { playsScanned: computed.playsScanned },
          checksum: computed.checksum,
        },
        reason: `published by ${input.workflowId}`,
        models: { champion: `published by ${input.workflowId}`, retired: `replaced by ${computed.version}` },
      });
      deps.logger.info({ list: computed.list, version: computed.version }, 'list published');
      return result;
    },
  };
}
