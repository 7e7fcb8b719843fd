import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the platform object is being replaced by explicit collaborators
import type { Platform } from '@marquee/runtime';
import { createPopularityActivities } from './popularity/popularity-activities';
import { createAffinityActivities } from './popularity/affinity-activities';
import { createTrainingActivities } from './training/training-activities';
import { holdoutEvaluator } from './training/holdout';

/** All activities the offline worker serves, built over one platform's clients. */
export function createActivities(platform: Platform) {
  return {
    ...createPopularityActivities({
      plays: platform.plays,
      lists: platform.lists,
      cache: platform.cache,
      producer: platform.producer,
      topics: platform.topics,
      logger: platform.logger,
    }),
    ...createTrainingActivities({ ...platform, evaluator: holdoutEvaluator }),
    ...createAffinityActivities(platform),
  };
}

/**
 * The offline Temporal worker: bundles `workflows/` and registers the activities.
 * `connection` may come from a test environment; otherwise it connects to the configured server.
 */
export async function createOfflineWorker(
  platform: Platform,
  options: { connection?: NativeConnection; taskQueue?: string; extra?: Partial<WorkerOptions> } = {},
): Promise<Worker> {
  const connection =
    options.connection ?? (await NativeConnection.connect({ address: platform.config.temporal.address }));
  return Worker.create({
    connection,
    namespace: platform.config.temporal.namespace,
    taskQueue: options.taskQueue ?? platform.config.temporal.taskQueue,
    workflowsPath: require.resolve('./all-workflows'),
    activities: createActivities(platform),
    ...options.extra,
  });
}
