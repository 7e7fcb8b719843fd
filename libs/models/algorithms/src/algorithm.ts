import type { z } from 'zod';
import type { InteractionMatrix } from './matrix';
import type { SearchSpace } from './search-spaces';

export interface TrainProgress {
  /** What is running ("iteration", "gram", "epoch"), how far, and a metric when there is one. */
  step: string;
  done: number;
  total: number;
  detail?: Record<string, number>;
}

export interface TrainContext {
  onProgress?: (progress: TrainProgress) => void;
  /** Cancels a long training between steps (a cancelled Temporal activity). */
  signal?: AbortSignal;
  /** Worker threads the algorithm may use; 1 means the calling thread only. */
  threads?: number;
}

/** Recommendations for a batch of members: row r holds member r's top k, best first, -1 padded. */
export interface Recommendations {
  k: number;
  users: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

/**
 * One algorithm, one module. A trained model keeps the id spaces it was trained on
 * (`userIds`, `itemIds`), so it can be stored, loaded elsewhere, and scored against.
 */
export interface TrainedModel {
  algorithm: string;
  userIds: string[];
  itemIds: string[];
}

export interface Algorithm<P = unknown, M extends TrainedModel = TrainedModel> {
  name: string;
  description: string;
  /** Validates and fills defaults; unknown keys are errors. */
  params: z.ZodType<P>;
  /** Where hyperparameter search looks; built-ins have theirs in search-spaces.ts. */
  searchSpace?: SearchSpace;
  train(data: InteractionMatrix, params: P, context?: TrainContext): Promise<M>;
  /**
   * Scores the whole catalog for `users` (row indices of `seen`, aligned with the model's users)
   * and keeps the top `k`, excluding what each member has in `seen`.
   */
  recommend(model: M, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations;
  /** A member's vector solved from their history against fixed item factors (ALS). */
  foldIn?(model: M, history: { items: Int32Array; values: Float32Array }): Float32Array;
  serialize(model: M): Uint8Array;
  deserialize(bytes: Uint8Array): M;
}

/** Any algorithm, for code that handles them by name (registry, evaluation, pipelines). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAlgorithm = Algorithm<any, any>;
