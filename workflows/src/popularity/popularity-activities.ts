import { ApplicationFailure } from '@temporalio/common';
import type { Producer } from 'kafkajs';
import type { PublishedResult, ScoredList } from '@marquee/domain';
import { GLOBAL_MEMBER, type ListsRepository, type PlaysRepository } from '@marquee/storage';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/storage';
import { announceResult, type Topics } from '@marquee/kafka';
import { PopularityCounter, listChecksum } from '@marquee/algorithms';
import type { Logger } from '@marquee/observability';
import { heartbeat } from '../activity-context';

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

export interface PublishListInput {
  computed: ComputedList;
  workflowId: string;
}

export interface PopularityActivityDeps {
  plays: PlaysRepository;
  lists: ListsRepository;
  cache: Cache;
  producer: Producer;
  topics: Topics;
  logger: Logger;
}

/** Activities of the popularity pipeline; a factory over injected clients (Temporal samples' pattern). */
export function createPopularityActivities(deps: PopularityActivityDeps) {
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
      // Rewriting the same version on a retry writes identical rows: idempotent.
      await deps.lists.writeEntries(input.list, input.version, entries);
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

    /** Warm the cache, switch the champion pointer, and announce the version on `results.published`. */
    async publishList(input: PublishListInput): Promise<PublishedResult> {
      const { computed } = input;
      const entry = await deps.lists.readEntry(computed.list, computed.version, GLOBAL_MEMBER);
      if (!entry)
        throw new Error(
          `version ${computed.version} of ${computed.list} has no stored entries; recompute it`,
        );
      await deps.cache.setJson(
        cacheKeys.listEntry(computed.list, computed.version, GLOBAL_MEMBER),
        entry,
        CACHE_TTL_SECONDS.list,
      );
      const previous = await deps.lists.champion(computed.list);
      const champion = await deps.lists.promote(
        computed.list,
        computed.version,
        `published by ${input.workflowId}`,
      );
      await deps.lists.setStatus(computed.list, computed.version, 'champion');
      if (previous && previous.version !== computed.version) {
        await deps.lists.setStatus(computed.list, previous.version, 'retired');
      }
      await deps.cache.setJson(
        cacheKeys.champion(computed.list),
        champion.version,
        CACHE_TTL_SECONDS.champion,
      );
      const result: PublishedResult = {
        list: computed.list,
        algorithm: computed.algorithm,
        version: computed.version,
        location: `cassandra:list_entries/${computed.list}/${computed.version}`,
        counts: { members: computed.members, items: computed.items },
        metrics: { playsScanned: computed.playsScanned },
        checksum: computed.checksum,
        publishedAt: champion.announcedAt.toISOString(),
      };
      await announceResult(deps.producer, deps.topics, result);
      deps.logger.info({ list: computed.list, version: computed.version }, 'list published');
      return result;
    },
  };
}

export type PopularityActivities = ReturnType<typeof createPopularityActivities>;
