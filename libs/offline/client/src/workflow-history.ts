import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

export interface StepSummary {
  activity: string;
  activityId: string;
  status: 'scheduled' | 'running' | 'completed' | 'failed' | 'timed out' | 'cancelled';
  attempt: number;
  scheduledAt: string;
  closedAt?: string;
  durationMs?: number;
  failure?: string;
  /** A running step's last heartbeat details (its progress). */
  progress?: unknown;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime?: string;
  durationMs?: number;
  steps: StepSummary[];
  failure?: string;
}

interface Timestamp {
  seconds?: { toNumber(): number } | number | string | null;
  nanos?: number | null;
}

function toDate(ts: Timestamp | null | undefined): Date | undefined {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  const seconds = typeof ts.seconds === 'object' ? ts.seconds.toNumber() : Number(ts.seconds);
  return new Date(seconds * 1000 + Math.round((ts.nanos ?? 0) / 1e6));
}

interface HistoryEvent {
  eventId?: { toString(): string } | number | null;
  eventTime?: Timestamp | null;
  activityTaskScheduledEventAttributes?: {
    activityId?: string | null;
    activityType?: { name?: string | null } | null;
  } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskFailedEventAttributes?: {
    scheduledEventId?: unknown;
    failure?: { message?: string | null } | null;
  } | null;
  activityTaskTimedOutEventAttributes?: {
    scheduledEventId?: unknown;
    failure?: { message?: string | null } | null;
  } | null;
  activityTaskCanceledEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowExecutionFailedEventAttributes?: {
    failure?: { message?: string | null; cause?: { message?: string | null } | null } | null;
  } | null;
}

/** Per-step view of a run's history: each activity with its status, attempts, duration and failure. */
export function summarizeSteps(events: readonly HistoryEvent[]): { steps: StepSummary[]; failure?: string } {
  const steps = new Map<string, StepSummary>();
  let failure: string | undefined;
  const close = (
    id: unknown,
    status: StepSummary['status'],
    at: Date | undefined,
    message?: string | null,
  ) => {
    const step = steps.get(String(id));
    if (!step) return;
    step.status = status;
    if (at) {
      step.closedAt = at.toISOString();
      step.durationMs = at.getTime() - Date.parse(step.scheduledAt);
    }
    if (message) step.failure = message;
  };
  for (const event of events) {
    const at = toDate(event.eventTime);
    if (event.activityTaskScheduledEventAttributes) {
      steps.set(String(event.eventId), {
        activity: event.activityTaskScheduledEventAttributes.activityType?.name ?? '?',
        activityId: event.activityTaskScheduledEventAttributes.activityId ?? '',
        status: 'scheduled',
        attempt: 1,
        scheduledAt: (at ?? new Date(0)).toISOString(),
      });
    } else if (event.activityTaskStartedEventAttributes) {
      const step = steps.get(String(event.activityTaskStartedEventAttributes.scheduledEventId));
      if (step) {
        step.status = 'running';
        step.attempt = event.activityTaskStartedEventAttributes.attempt ?? 1;
      }
    } else if (event.activityTaskCompletedEventAttributes) {
      close(event.activityTaskCompletedEventAttributes.scheduledEventId, 'completed', at);
    } else if (event.activityTaskFailedEventAttributes) {
      close(
        event.activityTaskFailedEventAttributes.scheduledEventId,
        'failed',
        at,
        event.activityTaskFailedEventAttributes.failure?.message,
      );
    } else if (event.activityTaskTimedOutEventAttributes) {
      close(
        event.activityTaskTimedOutEventAttributes.scheduledEventId,
        'timed out',
        at,
        event.activityTaskTimedOutEventAttributes.failure?.message,
      );
    } else if (event.activityTaskCanceledEventAttributes) {
      close(event.activityTaskCanceledEventAttributes.scheduledEventId, 'cancelled', at);
    } else if (event.workflowExecutionFailedEventAttributes) {
      const f = event.workflowExecutionFailedEventAttributes.failure;
      failure = [f?.message, f?.cause?.message].filter(Boolean).join(': ');
    }
  }
  return { steps: [...steps.values()], ...(failure ? { failure } : {}) };
}

/** A run from Temporal's visibility and history, for `marquee workflows show` and /v1/admin. */
export async function describeRun(client: Client, workflowId: string, runId?: string): Promise<RunSummary> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await handle.describe();
  const history = await handle.fetchHistory();
  const { steps, failure } = summarizeSteps((history.events ?? []) as HistoryEvent[]);
  for (const pending of description.raw.pendingActivities ?? []) {
    const payload = pending.heartbeatDetails?.payloads?.[0];
    const step = steps.find((s) => s.activityId === pending.activityId && s.status !== 'completed');
    if (step && payload) step.progress = defaultPayloadConverter.fromPayload(payload);
  }
  return {
    workflowId,
    runId: description.runId,
    type: description.type,
    status: description.status.name,
    startTime: description.startTime.toISOString(),
    ...(description.closeTime
      ? {
          closeTime: description.closeTime.toISOString(),
          durationMs: description.closeTime.getTime() - description.startTime.getTime(),
        }
      : {}),
    steps,
    ...(failure ? { failure } : {}),
  };
}

export interface RunListing {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime?: string;
}

/** Recent runs from Temporal's visibility store, newest first. */
export async function listRuns(
  client: Client,
  options: { type?: string; limit: number; prefix?: string },
): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  const query = options.type ? `WorkflowType = '${options.type.replace(/'/g, '')}'` : undefined;
  for await (const run of client.workflow.list(query ? { query } : {})) {
    if (options.prefix && !run.workflowId.startsWith(options.prefix)) continue;
    runs.push({
      workflowId: run.workflowId,
      runId: run.runId,
      type: run.type,
      status: run.status.name,
      startTime: run.startTime.toISOString(),
      ...(run.closeTime ? { closeTime: run.closeTime.toISOString() } : {}),
    });
    if (runs.length >= options.limit) break;
  }
  return runs;
}
