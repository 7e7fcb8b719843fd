import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './all-activities';

export interface OfflineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The collaborators of the activities. */
  activities: ActivityDeps;
  extra?: Partial<WorkerOptions>;
}

/** The offline Temporal worker: bundles the workflows (`all-workflows`) and serves the activities. */
export function createOfflineWorker(options: OfflineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('./all-workflows'),
    activities: createActivities(options.activities),
    ...options.extra,
  });
}
