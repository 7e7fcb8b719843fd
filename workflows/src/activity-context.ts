import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/** Heartbeats with progress when running inside a Temporal activity; a no-op elsewhere (CLI, tests). */
export function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    /* not inside an activity */
  }
}

/** The activity's cancellation signal, when there is one. */
export function cancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** Failure types a retry cannot fix; workflows list them as non-retryable. */
export const NON_RETRYABLE = [
  'InvalidParams',
  'UnknownAlgorithm',
  'EmptyDataset',
  'CorruptArtifact',
] as const;

export function nonRetryable(type: (typeof NON_RETRYABLE)[number], message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}
