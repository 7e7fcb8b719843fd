import type { PublishedResult } from '@marquee/domain';

/**
 * The offline pipelines as their callers see them: workflow type names and the shapes of their
 * inputs and results. Clients start and describe runs by these names, so nothing outside the
 * worker loads workflow code.
 */
export const TRAINING_PIPELINE = 'trainingPipeline';
export const POPULARITY_PIPELINE = 'popularityPipeline';

export interface TrainingPipelineInput {
  /** The registered algorithm (marquee algorithms register --name …). */
  registration: string;
  /** List length per member. */
  k?: number;
  /** Members per batch-scoring shard; shards run in parallel across workers. */
  shardSize?: number;
}

export interface GateDecision {
  publish: boolean;
  reason: string;
  candidate: Record<string, number>;
  champion?: { version: string; metrics: Record<string, number> };
}

/** One batch-scoring shard's written entries: members [start, end) of the snapshot. */
export interface ShardResult {
  start: number;
  end: number;
  members: number;
  checksum: string;
}

/** The tune step's choice: the params searched now (over `trials`) or reused from an earlier version. */
export interface TuningSummary {
  metric: string;
  params: Record<string, unknown>;
  /** The chosen params' metric on the validation split. */
  validation: number;
  /** Trials run by this run; 0 when it reused `reusedFrom`'s choice. */
  trials: number;
  reusedFrom?: string;
}

export interface TrainingPipelineResult {
  registration: string;
  version: string;
  metrics: Record<string, number>;
  gate: GateDecision;
  published: PublishedResult | null;
  /** Present when the registration asks for tuning. */
  tuning?: TuningSummary;
}

export interface PopularityPipelineInput {
  list?: string;
  k?: number;
  halfLifeDays?: number;
}

export interface AffinitiesSummary {
  version: string;
  /** False when no stored play was of a catalogued title: the previous affinities stay in force. */
  published: boolean;
  playsScanned: number;
  playsCounted: number;
  genres: number;
  cells: number;
}

export interface PopularityPipelineResult {
  version: string;
  playsScanned: number;
  items: number;
  published: PublishedResult;
  /** Genre × device / hour-of-day affinities from the same plays (null for runs started before the step). */
  affinities: AffinitiesSummary | null;
}
