import { ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import { TRAINING_PIPELINE, type TrainingPipelineInput } from './pipelines';

/**
 * Parses a retraining schedule: a duration ("6h", "every 30m", "1d") or a five-field cron
 * expression ("0 3 * * *"). Throws naming what is wrong.
 */
export function parseSchedule(schedule: string): ScheduleSpec {
  const text = schedule.trim().replace(/^every\s+/i, '');
  const duration = /^(\d+)\s*(m|h|d)$/.exec(text);
  if (duration) {
    const amount = Number(duration[1]);
    const minutes = amount * ({ m: 1, h: 60, d: 1440 } as const)[duration[2] as 'm' | 'h' | 'd'];
    if (minutes < 5) throw new RangeError(`--schedule: every ${text} is too often; the minimum is 5m`);
    return { intervals: [{ every: `${minutes} minutes` }] };
  }
  const fields = text.split(/\s+/);
  if (fields.length === 5 && fields.every((f) => /^[\d*/,-]+$/.test(f))) return { cronExpressions: [text] };
  throw new RangeError(
    `--schedule: '${schedule}' is neither a duration like 6h / 30m / 1d nor a cron expression like '0 3 * * *'`,
  );
}

export function scheduleIdFor(registration: string): string {
  return `train-${registration}`;
}

/** Creates or updates the Temporal Schedule that retrains a registered algorithm. */
export async function upsertTrainingSchedule(
  client: Client,
  options: { registration: string; schedule: string; taskQueue: string; k: number },
): Promise<string> {
  const scheduleId = scheduleIdFor(options.registration);
  const spec = parseSchedule(options.schedule);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: TRAINING_PIPELINE,
    args: [{ registration: options.registration, k: options.k } satisfies TrainingPipelineInput],
    taskQueue: options.taskQueue,
    workflowId: scheduleId,
  };
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.describe();
    await handle.update((previous) => ({ ...previous, spec, action }));
  } catch (error) {
    if ((error as Error).name !== 'ScheduleNotFoundError') throw error;
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
  }
  return scheduleId;
}

export async function deleteTrainingSchedule(client: Client, registration: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleIdFor(registration)).delete();
  } catch (error) {
    if ((error as Error).name !== 'ScheduleNotFoundError') throw error;
  }
}
