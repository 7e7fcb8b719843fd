import type { BlobStore, ModelTuning, ModelsRepository, RegistrationsRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import { cancellation, heartbeat } from '../../activity-context';
import type { HoldoutEvaluator } from '../holdout';
import type { Artifacts } from './artifacts';
import type { SnapshotRef, TrainedRef } from './refs';
import { algorithmOf, parseParams, registrationOf } from './registry';

const MODEL_TTL_SECONDS = 180 * 24 * 3600;

export interface TrainInput {
  registration: string;
  version: string;
  snapshot: SnapshotRef;
  workflowId: string;
  /** The tune step's choice, merged over the registration's params and recorded with the model. */
  tuning?: ModelTuning;
}

export interface TrainDeps {
  registrations: RegistrationsRepository;
  models: ModelsRepository;
  blobs: BlobStore;
  evaluator: HoldoutEvaluator;
  logger: Logger;
}

export function trainActivities(deps: TrainDeps, artifacts: Artifacts) {
  return {
    /** Trains the registered algorithm on the snapshot's training split and stores the model as a candidate. */
    async trainModel(input: TrainInput): Promise<TrainedRef> {
      const registration = await registrationOf(deps.registrations, input.registration);
      const algorithm = algorithmOf(registration.algorithm);
      const params = parseParams(algorithm, { ...registration.params, ...input.tuning?.best });
      const tuning = input.tuning ? { tuning: input.tuning } : {};
      const { matrix } = await artifacts.snapshot(input.snapshot.blobId);
      const { train } = deps.evaluator.split(matrix);
      await deps.models.save({
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        params: params as Record<string, unknown>,
        dataWindow: input.snapshot.window,
        metrics: {},
        artifact: '',
        status: 'training',
        reason: '',
        workflowId: input.workflowId,
        ...tuning,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const started = Date.now();
      const signal = cancellation();
      const model = await algorithm.train(train, params, {
        onProgress: (progress) => {
          heartbeat(progress);
          deps.logger.info(
            { registration: registration.name, version: input.version, ...progress },
            'training',
          );
        },
        ...(signal ? { signal } : {}),
      });
      const trainSeconds = (Date.now() - started) / 1000;
      const artifact = `model:${registration.name}:${input.version}`;
      await deps.blobs.put(
        artifact,
        `model/${algorithm.name}`,
        algorithm.serialize(model),
        MODEL_TTL_SECONDS,
      );
      await deps.models.save({
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        params: params as Record<string, unknown>,
        dataWindow: input.snapshot.window,
        metrics: { trainSeconds },
        artifact,
        status: 'candidate',
        reason: 'trained; awaiting evaluation',
        workflowId: input.workflowId,
        ...tuning,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      return {
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        artifact,
        trainSeconds,
      };
    },
  };
}
