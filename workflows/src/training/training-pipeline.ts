import { ApplicationFailure, proxyActivities, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type {
  ShardResult,
  TrainingPipelineInput,
  TrainingPipelineResult,
  TuningSummary,
} from '@marquee/offline-client';
import type { createTrainingActivities, ModelTuning, SnapshotRef, TunePlan, TuningTrial } from './activities';
import { versionFor } from '../version';

type TrainingActivities = ReturnType<typeof createTrainingActivities>;

const NON_RETRYABLE = ['InvalidParams', 'UnknownAlgorithm', 'EmptyDataset', 'CorruptArtifact'];
const retry: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 4,
  nonRetryableErrorTypes: NON_RETRYABLE,
};

const quick = proxyActivities<TrainingActivities>({ startToCloseTimeout: '5 minutes', retry });
const heavy = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '5 minutes',
  retry,
});
const scoring = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry,
});

/** Trials in flight at once: each is one activity, spread over the workers. */
const TRIALS_IN_FLIGHT = 4;

/** Parallel shards in flight at once: enough to keep every worker busy without flooding the queue. */
const SHARDS_IN_FLIGHT = 8;

/**
 * One registered algorithm's offline pipeline: snapshot interactions → tune (when the registration
 * asks for it) → train → evaluate on a holdout →
 * gate against the champion → batch-score every member in shards → publish. Publishing is the last
 * step, so a failed or gated run leaves the champion untouched.
 */
export async function trainingPipeline(input: TrainingPipelineInput): Promise<TrainingPipelineResult> {
  const info = workflowInfo();
  const version = versionFor(info.runStartTime, info.runId);
  const k = input.k ?? 100;
  const shardSize = input.shardSize ?? 5000;
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw ApplicationFailure.nonRetryable(`k must be 1..1000, got ${k}`, 'InvalidParams');
  if (!Number.isInteger(shardSize) || shardSize < 100) {
    throw ApplicationFailure.nonRetryable(
      `shardSize must be an integer of at least 100, got ${shardSize}`,
      'InvalidParams',
    );
  }
  const registration = input.registration;
  try {
    const snapshot = await heavy.snapshotInteractions({ workflowId: info.workflowId });
    const plan = await quick.planTuning({ registration });
    const tuning =
      plan.mode === 'search'
        ? await search(registration, snapshot, plan)
        : plan.mode === 'reuse'
          ? plan.tuning
          : undefined;
    const trained = await heavy.trainModel({
      registration,
      version,
      snapshot,
      workflowId: info.workflowId,
      ...(tuning ? { tuning } : {}),
    });
    const metrics = await heavy.evaluateModel({ trained, snapshot, k: Math.min(k, 10) });
    const gate = await quick.gateModel({ registration, version, metrics });
    const tuned = tuning ? { tuning: summaryOf(tuning) } : {};
    if (!gate.publish) return { registration, version, metrics, gate, published: null, ...tuned };

    const shards: ShardResult[] = [];
    const ranges = shardRanges(snapshot.window.members, shardSize);
    for (let i = 0; i < ranges.length; i += SHARDS_IN_FLIGHT) {
      const wave = ranges.slice(i, i + SHARDS_IN_FLIGHT);
      shards.push(
        ...(await Promise.all(
          wave.map(([start, end]) =>
            scoring.scoreShard({
              registration,
              version,
              artifact: trained.artifact,
              snapshot,
              start,
              end,
              k,
            }),
          ),
        )),
      );
    }
    const published = await quick.publishModel({
      registration,
      version,
      algorithm: trained.algorithm,
      workflowId: info.workflowId,
      shards,
      metrics,
      items: snapshot.window.items,
    });
    return { registration, version, metrics, gate, published, ...tuned };
  } catch (error) {
    await quick.markModelFailed({ registration, version, reason: causeOf(error) });
    throw error;
  }
}

const sameParams = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Successive halving over the planned trials, one activity per trial, TRIALS_IN_FLIGHT at a time:
 * every trial trains with 1 / eta^(rungs-1) of its budget, the best 1 / eta go on with eta times
 * more (the baseline always among them), and the last rung trains fully; the best of the last rung
 * is the choice.
 */
async function search(
  registration: string,
  snapshot: SnapshotRef,
  plan: Extract<TunePlan, { mode: 'search' }>,
): Promise<ModelTuning> {
  const trials: TuningTrial[] = [];
  let survivors = plan.trials;
  let ranked: TuningTrial[] = [];
  for (let rung = 0; rung < plan.rungs; rung++) {
    const fraction = plan.eta ** (rung - (plan.rungs - 1));
    const scored: TuningTrial[] = [];
    for (let i = 0; i < survivors.length; i += TRIALS_IN_FLIGHT) {
      const wave = survivors.slice(i, i + TRIALS_IN_FLIGHT);
      const results = await Promise.all(
        wave.map((params) =>
          heavy.runTrial({ registration, snapshot, params, fraction, metric: plan.metric }),
        ),
      );
      results.forEach((r, j) => scored.push({ params: wave[j] as Record<string, unknown>, fraction, ...r }));
    }
    trials.push(...scored);
    // Stable sort: ties keep the earlier trial.
    ranked = [...scored].sort((a, b) => b.value - a.value);
    const keep = Math.max(1, Math.ceil(scored.length / plan.eta));
    const { baseline } = plan;
    if (baseline) {
      // The baseline goes on in one of the places kept: a slow starter ranks low on a short budget.
      const others = ranked.map((t) => t.params).filter((p) => !sameParams(p, baseline));
      survivors = [baseline, ...others.slice(0, keep - 1)];
    } else survivors = ranked.slice(0, keep).map((t) => t.params);
  }
  const best = ranked[0] as TuningTrial;
  const seconds = trials.reduce((sum, t) => sum + t.seconds, 0);
  return { metric: plan.metric, best: best.params, validation: best.value, trials, seconds };
}

function summaryOf(tuning: ModelTuning): TuningSummary {
  return {
    metric: tuning.metric,
    params: tuning.best,
    validation: tuning.validation,
    trials: tuning.trials?.length ?? 0,
    ...(tuning.reusedFrom ? { reusedFrom: tuning.reusedFrom } : {}),
  };
}

/** Member rows [start, end) of each shard. */
function shardRanges(members: number, shardSize: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < members; start += shardSize)
    ranges.push([start, Math.min(members, start + shardSize)]);
  return ranges;
}

function causeOf(error: unknown): string {
  const messages: string[] = [];
  for (let e = error as Error | undefined; e && messages.length < 4; e = e.cause as Error | undefined)
    messages.push(e.message);
  return messages.join(': ');
}
