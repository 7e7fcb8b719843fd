import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AffinitiesSummary, AffinityActivities } from './affinity-activities';
import type { PopularityActivities } from './popularity-activities';
import type { PublishedResult } from '@marquee/domain';
import { versionFor } from '../version';

export interface PopularityPipelineInput {
  list?: string;
  k?: number;
  halfLifeDays?: number;
}

export interface PopularityPipelineResult {
  version: string;
  playsScanned: number;
  items: number;
  published: PublishedResult;
  /** Genre × device / hour-of-day affinities from the same plays (null for runs started before the step). */
  affinities: AffinitiesSummary | null;
}

const { computePopularList, publishList } = proxyActivities<PopularityActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
});

const { computeGenreAffinities } = proxyActivities<AffinityActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
});

/**
 * Snapshot plays → count decayed popularity → write a new version → publish it as champion →
 * genre affinities by device and hour of day (data for the online re-ranking).
 */
export async function popularityPipeline(
  input: PopularityPipelineInput = {},
): Promise<PopularityPipelineResult> {
  const info = workflowInfo();
  const asOf = info.runStartTime.getTime();
  const version = versionFor(info.runStartTime, info.runId);
  const computed = await computePopularList({
    list: input.list ?? 'popular',
    version,
    k: input.k ?? 100,
    halfLifeDays: input.halfLifeDays ?? 30,
    workflowId: info.workflowId,
    asOf,
  });
  const published = await publishList({ computed, workflowId: info.workflowId });
  // A step added after the first release: runs that started without it replay without it.
  const affinities = patched('genre-affinities')
    ? await computeGenreAffinities({ version, workflowId: info.workflowId, asOf })
    : null;
  return { version, playsScanned: computed.playsScanned, items: computed.items, published, affinities };
}
