import { searchSpaceOf } from '@marquee/algorithms';
import { atFraction, defaultParams, planTrials } from '@marquee/evaluation';
import type { ModelTuning, ModelsRepository, RegistrationsRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import { cancellation, heartbeat } from '../../activity-context';
import type { HoldoutEvaluator } from '../holdout';
import type { Artifacts } from './artifacts';
import type { SnapshotRef } from './refs';
import { algorithmOf, parseParams, registrationOf } from './registry';

/** Successive halving keeps a third of the trials per rung. */
const ETA = 3;

/** What the tune step does before training: nothing, reuse the last search's choice, or search. */
export type TunePlan =
  | { mode: 'none' }
  | { mode: 'reuse'; tuning: ModelTuning }
  | {
      mode: 'search';
      metric: string;
      /** Each trial's params: the baseline first when there is one, then points of the search space. */
      trials: Array<Record<string, unknown>>;
      /**
       * The params the registration trains with unsearched: always carried to the last rung, so a
       * search never ends below what it would have trained without searching.
       */
      baseline?: Record<string, unknown>;
      /** Rungs of successive halving: 2 when the space has a budget param (iterations, epochs), else 1. */
      rungs: number;
      eta: number;
    };

export interface TrialInput {
  registration: string;
  snapshot: SnapshotRef;
  params: Record<string, unknown>;
  /** Share of the budget param to train with. */
  fraction: number;
  metric: string;
}

export interface TrialResult {
  value: number;
  seconds: number;
}

export interface TuneDeps {
  registrations: RegistrationsRepository;
  models: ModelsRepository;
  evaluator: HoldoutEvaluator;
  logger: Logger;
}

export function tuneActivities(deps: TuneDeps, artifacts: Artifacts) {
  return {
    /**
     * Searches when the registration asks for tuning and no earlier search's choice may be reused:
     * the last search is reused until `retuneEvery` runs have trained on it.
     */
    async planTuning(input: { registration: string }): Promise<TunePlan> {
      const registration = await registrationOf(deps.registrations, input.registration);
      const space = searchSpaceOf(registration.algorithm);
      if (!registration.tune || !space) return { mode: 'none' };
      let reused = 0;
      for (const model of await deps.models.list(registration.name, 100)) {
        if (!model.tuning || model.status === 'failed' || model.status === 'training') continue;
        if (!model.tuning.trials) {
          reused++;
          continue;
        }
        const due = registration.retuneEvery != null && reused + 1 >= registration.retuneEvery;
        if (due || model.tuning.metric !== registration.gateMetric) break;
        const { metric, best, validation } = model.tuning;
        return { mode: 'reuse', tuning: { metric, best, validation, reusedFrom: model.version } };
      }
      const baseline = defaultParams(algorithmOf(registration.algorithm), space, registration.params);
      return {
        mode: 'search',
        metric: registration.gateMetric,
        trials: planTrials(space, registration.tune.trials, registration.tune.seed, baseline),
        ...(baseline ? { baseline } : {}),
        rungs: space.budget ? 2 : 1,
        eta: ETA,
      };
    },

    /**
     * Trains one trial's params on a validation split carved out of the snapshot's training part
     * (the holdout the gate scores on is never seen) and returns its gate metric there.
     */
    async runTrial(input: TrialInput): Promise<TrialResult> {
      const registration = await registrationOf(deps.registrations, input.registration);
      const algorithm = algorithmOf(registration.algorithm);
      const budget = searchSpaceOf(registration.algorithm)?.budget;
      const params = parseParams(algorithm, {
        ...registration.params,
        ...atFraction(input.params, budget, input.fraction),
      });
      const { matrix } = await artifacts.snapshot(input.snapshot.blobId);
      const validation = deps.evaluator.split(deps.evaluator.split(matrix).train);
      const started = Date.now();
      const signal = cancellation();
      const model = await algorithm.train(validation.train, params, {
        onProgress: (progress) => heartbeat({ trial: input.params, fraction: input.fraction, ...progress }),
        ...(signal ? { signal } : {}),
      });
      heartbeat({ trial: input.params, step: 'validate' });
      const metrics = deps.evaluator.measure(algorithm, model, validation.train, validation.test, 10);
      const value = metrics[input.metric] ?? 0;
      const seconds = (Date.now() - started) / 1000;
      deps.logger.info({ registration: registration.name, params: input.params, value, seconds }, 'trial');
      return { value, seconds };
    },
  };
}
