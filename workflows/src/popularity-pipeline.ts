import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PopularityActivities } from '@marquee/pipeline';
import type { PublishedResult } from '@marquee/domain';

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

/**
 * `v20261122T203000Z-4f1c2a9b7d3e`: sorts by time, unique per run, the same on every replay.
 * The suffix is the run id's tail: Temporal's run ids are UUIDv7, whose head is a timestamp that
 * runs started in the same second share.
 */
export function versionFor(startedAt: Date, runId: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `v${stamp}-${runId.replace(/-/g, '').slice(-12)}`;
}

/** Snapshot plays → count decayed popularity → write a new version → publish it as champion. */
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
  return { version, playsScanned: computed.playsScanned, items: computed.items, published };
}
