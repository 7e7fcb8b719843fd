import { ApplicationFailure } from '@temporalio/common';
import type { ScoredList } from '@marquee/domain';
import { GLOBAL_MEMBER, type ListStore, type ListsRepository, type PlaysRepository } from '@marquee/storage';
import { PopularityCounter, listChecksum } from '@marquee/algorithms';
import type { Logger } from '@marquee/observability';
import { heartbeat } from '../../activity-context';

export interface ComputePopularListInput {
  list: string;
  version: string;
  k: number;
  halfLifeDays: number;
  workflowId: string;
  /** Scores are decayed relative to this instant (the workflow's start), so retries agree. */
  asOf: number;
}

export interface ComputedList {
  list: string;
  version: string;
  algorithm: string;
  playsScanned: number;
  members: number;
  items: number;
  checksum: string;
  preview: string[];
}

export interface ComputePopularListDeps {
  plays: PlaysRepository;
  lists: ListsRepository;
  listStore: ListStore;
  logger: Logger;
}

export function computePopularListActivities(deps: ComputePopularListDeps) {
  return {
    /** Snapshot the stored plays, count decayed popularity and write the list under a new version. */
    async computePopularList(input: ComputePopularListInput): Promise<ComputedList> {
      let counter: PopularityCounter;
      try {
        counter = new PopularityCounter({ k: input.k, halfLifeDays: input.halfLifeDays });
      } catch (error) {
        // Bad parameters never get better by retrying.
        throw ApplicationFailure.nonRetryable(
          `invalid popularity params: ${(error as Error).message}`,
          'InvalidParams',
        );
      }
      let playsScanned = 0;
      const members = new Set<string>();
      for await (const play of deps.plays.scan((count) => heartbeat({ playsScanned: count }))) {
        playsScanned += 1;
        members.add(play.memberId);
        counter.add({ memberId: play.memberId, itemId: play.itemId, at: play.playedAt.getTime() });
      }
      if (playsScanned === 0) {
        throw new Error(
          'no plays are stored yet: publish plays (marquee plays publish) before computing popularity',
        );
      }
      const list: ScoredList = counter.top(input.asOf);
      const entries = [{ memberId: GLOBAL_MEMBER, list }];
      // Rewriting the same version on a retry writes identical rows: idempotent. The hot copy is
      // written when the version is published.
      await deps.listStore.writeEntries(input.list, input.version, entries, { hotCopies: false });
      const checksum = listChecksum(entries);
      await deps.lists.saveVersion({
        list: input.list,
        version: input.version,
        algorithm: 'popularity',
        status: 'candidate',
        location: `cassandra:list_entries/${input.list}/${input.version}`,
        members: members.size,
        items: list.itemIds.length,
        checksum,
        metrics: { playsScanned, pairs: counter.pairs },
        workflowId: input.workflowId,
        createdAt: new Date(input.asOf),
      });
      deps.logger.info(
        { list: input.list, version: input.version, playsScanned, items: list.itemIds.length },
        'list computed',
      );
      return {
        list: input.list,
        version: input.version,
        algorithm: 'popularity',
        playsScanned,
        members: members.size,
        items: list.itemIds.length,
        checksum,
        preview: list.itemIds.slice(0, 10),
      };
    },
  };
}
