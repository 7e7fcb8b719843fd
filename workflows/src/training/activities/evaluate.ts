import type { ModelsRepository } from '@marquee/storage';
import { heartbeat } from '../../activity-context';
import type { HoldoutEvaluator } from '../holdout';
import type { Artifacts } from './artifacts';
import type { SnapshotRef, TrainedRef } from './refs';
import { algorithmOf } from './registry';

export interface EvaluateDeps {
  models: ModelsRepository;
  evaluator: HoldoutEvaluator;
}

export function evaluateActivities(deps: EvaluateDeps, artifacts: Artifacts) {
  return {
    /** Measures the candidate on the holdout (members' held-out titles) at the registration's k. */
    async evaluateModel(input: {
      trained: TrainedRef;
      snapshot: SnapshotRef;
      k: number;
    }): Promise<Record<string, number>> {
      const algorithm = algorithmOf(input.trained.algorithm);
      const { matrix } = await artifacts.snapshot(input.snapshot.blobId);
      const { train, test } = deps.evaluator.split(matrix);
      const model = await artifacts.model(algorithm, input.trained.artifact);
      heartbeat({ step: 'evaluate' });
      const metrics = {
        ...deps.evaluator.measure(algorithm, model, train, test, input.k, (members, of) =>
          heartbeat({ step: 'evaluate', members, of }),
        ),
        trainSeconds: input.trained.trainSeconds,
      };
      await deps.models.update(input.trained.registration, input.trained.version, {
        metrics,
        reason: 'evaluated on the holdout',
      });
      return metrics;
    },
  };
}
