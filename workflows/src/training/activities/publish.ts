import type { PublishedResult } from '@marquee/domain';
import { listChecksum } from '@marquee/algorithms';
import { publishVersion, type PublishVersionDeps, type ShardResult } from '@marquee/offline-client';
import type { ListsRepository, ModelsRepository } from '@marquee/storage';

export interface PublishModelInput {
  registration: string;
  version: string;
  algorithm: string;
  workflowId: string;
  shards: ShardResult[];
  metrics: Record<string, number>;
  items: number;
}

export interface PublishDeps extends PublishVersionDeps {
  lists: ListsRepository;
}

export function publishActivities(deps: PublishDeps) {
  return {
    /** Records the scored version and makes it the champion (the previous one is retired), announced. */
    async publishModel(input: PublishModelInput): Promise<PublishedResult> {
      const members = input.shards.reduce((sum, s) => sum + s.members, 0);
      const checksum = listChecksum(
        [...input.shards]
          .sort((a, b) => a.start - b.start)
          .map((s) => ({ memberId: String(s.start), list: { itemIds: [s.checksum], scores: [s.members] } })),
      );
      const location = `cassandra:list_entries/${input.registration}/${input.version}`;
      await deps.lists.saveVersion({
        list: input.registration,
        version: input.version,
        algorithm: input.algorithm,
        status: 'champion',
        location,
        members,
        items: input.items,
        checksum,
        metrics: input.metrics,
        workflowId: input.workflowId,
        createdAt: new Date(),
      });
      return publishVersion(deps, {
        result: {
          list: input.registration,
          algorithm: input.algorithm,
          version: input.version,
          location,
          counts: { members, items: input.items },
          metrics: input.metrics,
          checksum,
        },
        reason: `published by ${input.workflowId}`,
        models: { champion: `published by ${input.workflowId}`, retired: `replaced by ${input.version}` },
      });
    },
  };
}

export interface MarkFailedDeps {
  models: ModelsRepository;
}

export function markFailedActivities(deps: MarkFailedDeps) {
  return {
    /** Records why a run failed; the champion is untouched because publishing is the last step. */
    async markModelFailed(input: { registration: string; version: string; reason: string }): Promise<void> {
      const existing = await deps.models.get(input.registration, input.version);
      if (!existing) return;
      await deps.models.update(input.registration, input.version, {
        status: 'failed',
        reason: input.reason.slice(0, 2000),
      });
    },
  };
}
