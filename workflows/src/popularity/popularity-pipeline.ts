import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PopularityPipelineInput, PopularityPipelineResult } from '@marquee/offline-client';
import type { createPopularityActivities } from './activities';
import { versionFor } from '../version';

const { computePopularList, publishList, computeGenreAffinities } = proxyActivities<
  ReturnType<typeof createPopularityActivities>
>({
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
