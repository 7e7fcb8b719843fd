import type { MarqueeConfig } from '@marquee/config';
import {
  POPULARITY_PIPELINE,
  TRAINING_PIPELINE,
  connectTemporal,
  type TrainingPipelineInput,
} from '@marquee/offline-client';

/** How one fault's training run ended, as Temporal records it. */
export interface TrainingOutcome {
  workflowId: string;
  /** Executions of the workflow id that completed (1 is right). */
  completed: number;
  /** Completed executions beyond the first: the pipeline's effects would have happened twice. */
  duplicated: number;
  /** The statuses of every execution of the id, e.g. COMPLETED, FAILED, RUNNING. */
  statuses: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts one training pipeline through the offline client, as `marquee algorithms run` does. */
export async function startTraining(
  config: MarqueeConfig,
  workflowId: string,
  input: TrainingPipelineInput,
): Promise<void> {
  const temporal = await connectTemporal(config);
  try {
    await temporal.client.workflow.start(TRAINING_PIPELINE, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
    });
  } finally {
    await temporal.close();
  }
}

/**
 * Waits (up to `timeoutMs`) for the run to close, then lists every execution of its workflow id
 * from Temporal's visibility store. Connection errors (Temporal itself restarting) are retried.
 */
export async function trainingOutcome(
  config: MarqueeConfig,
  workflowId: string,
  timeoutMs: number,
): Promise<TrainingOutcome> {
  const deadline = Date.now() + timeoutMs;
  let statuses: string[] = [];
  for (;;) {
    try {
      const temporal = await connectTemporal(config);
      try {
        statuses = [];
        for await (const run of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
          statuses.push(run.status.name);
      } finally {
        await temporal.close();
      }
    } catch {
      // Temporal not answering yet: try again until the deadline.
    }
    const open = statuses.length === 0 || statuses.includes('RUNNING');
    if (!open || Date.now() > deadline) break;
    await sleep(1000);
  }
  const completed = statuses.filter((s) => s === 'COMPLETED').length;
  return { workflowId, completed, duplicated: Math.max(0, completed - 1), statuses };
}

/** Runs the popularity pipeline once and waits for it: the popular list every page falls back on. */
export async function runPopularity(config: MarqueeConfig, workflowId: string): Promise<void> {
  const temporal = await connectTemporal(config);
  try {
    const handle = await temporal.client.workflow.start(POPULARITY_PIPELINE, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ list: 'popular', k: 100, halfLifeDays: 14 }],
    });
    await handle.result();
  } finally {
    await temporal.close();
  }
}
