import type { Producer } from 'kafkajs';
import type {
  BlobStore,
  CatalogRepository,
  ListStore,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  RegistrationsRepository,
} from '@marquee/storage';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import type { HoldoutEvaluator } from '../holdout';
import { Artifacts } from './artifacts';
import { evaluateActivities } from './evaluate';
import { gateActivities } from './gate';
import { markFailedActivities, publishActivities } from './publish';
import { scoreActivities } from './score';
import { snapshotActivities } from './snapshot';
import { trainActivities } from './train';
import { tuneActivities } from './tune';

export type { SnapshotRef, TrainedRef } from './refs';
export type { TrainInput } from './train';
export type { TunePlan, TrialInput, TrialResult } from './tune';
export type { ModelTuning, TuningTrial } from '@marquee/storage';
export type { ShardInput } from './score';
export type { PublishModelInput } from './publish';

/** What the training pipeline's activities work with. */
export interface TrainingActivityDeps {
  plays: PlaysRepository;
  blobs: BlobStore;
  models: ModelsRepository;
  registrations: RegistrationsRepository;
  /** Version records (saved before the switch). */
  lists: ListsRepository;
  /** Scored entries (write-through) and the champion switch. */
  listStore: ListStore;
  producer: Producer;
  topics: Topics;
  logger: Logger;
  evaluator: HoldoutEvaluator;
  /** Unavailable titles are left out of scored lists (all titles are kept without it). */
  catalog?: CatalogRepository;
}

/** The training pipeline's activities: snapshot → tune → train → evaluate → gate → score shards → publish. */
export function createTrainingActivities(deps: TrainingActivityDeps) {
  // One per worker: the shards of a run load the snapshot and the model once.
  const artifacts = new Artifacts(deps.blobs);
  return {
    ...snapshotActivities(deps),
    ...tuneActivities(deps, artifacts),
    ...trainActivities(deps, artifacts),
    ...evaluateActivities(deps, artifacts),
    ...gateActivities(deps),
    ...scoreActivities(deps, artifacts),
    ...publishActivities(deps),
    ...markFailedActivities(deps),
  };
}

export type TrainingActivities = ReturnType<typeof createTrainingActivities>;
