import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import {
  algorithmNames,
  getAlgorithm,
  type AnyAlgorithm,
  type InteractionMatrix,
  type TrainedModel,
  type TrainProgress,
} from '@marquee/algorithms';
import { parseOrThrow, ValidationError } from '@marquee/domain';
import { rankingMetrics } from './metrics';
import { summarize, type DatasetSummary, type RatingsDataset } from './ratings';
import { stratifiedSplit } from './split';
import { trainTestMatrices } from './train-test';

/**
 * How an evaluation splits and scores. The defaults are Microsoft Recommenders' MovieLens benchmark
 * (examples/06_benchmarks): `python_stratified_split(data, ratio=0.75, filter_by='user', seed=42)`,
 * top-10 with seen titles removed, the raw test split as truth.
 */
export const evaluationProtocolSchema = z
  .object({
    split: z.literal('stratified').default('stratified'),
    ratio: z.number().gt(0).lt(1).default(0.75),
    filterBy: z.enum(['user', 'item']).default('user'),
    minRating: z.number().int().min(1).default(1),
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /** Test titles absent from training: 'keep' (Recommenders' benchmark) or 'drop'. */
    unseenTestItems: z.enum(['keep', 'drop']).default('keep'),
    /** What the training matrix holds: the ratings, or 1 per rated title. */
    values: z.enum(['rating', 'binary']).default('rating'),
  })
  .strict();

export type EvaluationProtocol = z.infer<typeof evaluationProtocolSchema>;
export type EvaluationProtocolInput = z.input<typeof evaluationProtocolSchema>;

export interface AlgorithmSpec {
  name: string;
  /** Checked against the algorithm's schema; defaults fill what is missing. */
  params?: unknown;
}

export interface EvaluationResult {
  algorithm: string;
  /** The params as validated, defaults included, so a run can be repeated. */
  params: unknown;
  map: number;
  ndcg: number;
  precision: number;
  recall: number;
  trainSeconds: number;
  /**
   * Why this algorithm has no figures (then its metrics are NaN, null in JSON): invalid params, a
   * refusal (a catalog too large for it), running out of memory, any failure while training or scoring.
   */
  error?: string;
}

/** What `marquee eval --json` prints. */
export interface EvaluationReport {
  dataset: DatasetSummary;
  protocol: EvaluationProtocol;
  k: number;
  results: EvaluationResult[];
}

export interface EvaluateOptions {
  dataset: RatingsDataset;
  algorithms: AlgorithmSpec[];
  /** List length scored (default 10). */
  k?: number;
  protocol?: EvaluationProtocolInput;
  onProgress?: (event: { algorithm: string } & TrainProgress) => void;
  /** An algorithm failed while training or scoring; its row carries the reason and the rest go on. */
  onFailure?: (event: { algorithm: string; error: string }) => void;
  signal?: AbortSignal;
}

/** Members scored per `recommend` call: bounds the score buffers an algorithm allocates. */
export const RECOMMEND_BATCH = 1024;

/**
 * Splits the ratings, trains every algorithm on the training part through the `Algorithm`
 * interface, recommends top-k (seen titles excluded) for every member with test ratings and scores
 * the lists with Recommenders' metrics. Every algorithm name is checked before any work; an algorithm
 * whose params are invalid, or that fails, gets a row with the reason and the others still run.
 */
export async function evaluateAlgorithms(options: EvaluateOptions): Promise<EvaluationReport> {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 10_000)
    throw new ValidationError([`k: must be an integer between 1 and 10000, got ${k}`], 'evaluation request');
  const protocol = parseOrThrow(evaluationProtocolSchema, options.protocol ?? {}, 'evaluation protocol');
  const runs = resolveAlgorithms(options.algorithms);

  const split = stratifiedSplit(options.dataset, protocol);
  const data = trainTestMatrices(options.dataset, split, protocol);
  const results: EvaluationResult[] = [];
  // One algorithm failing costs only its own row: the others still run and are reported.
  for (const { algorithm, params, error } of runs) {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const failed = (reason: string): EvaluationResult => ({
      algorithm: algorithm.name,
      params,
      map: NaN,
      ndcg: NaN,
      precision: NaN,
      recall: NaN,
      trainSeconds: Math.round(performance.now() - started) / 1000,
      error: reason,
    });
    if (error) {
      results.push(failed(error));
      continue;
    }
    try {
      const model = await algorithm.train(data.train, params, {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) => options.onProgress?.({ algorithm: algorithm.name, ...progress }),
      });
      const trainSeconds = (performance.now() - started) / 1000;
      const predicted = recommendAll(algorithm, model, data.train, data.testMembers, k);
      const metrics = rankingMetrics(predicted, data.truth, k);
      results.push({
        algorithm: algorithm.name,
        params,
        map: metrics.map,
        ndcg: metrics.ndcg,
        precision: metrics.precision,
        recall: metrics.recall,
        trainSeconds: Math.round(trainSeconds * 1000) / 1000,
      });
    } catch (failure) {
      if (options.signal?.aborted) throw failure;
      const reason = failure instanceof Error ? failure.message : String(failure);
      results.push(failed(reason));
      options.onFailure?.({ algorithm: algorithm.name, error: reason });
    }
  }
  return { dataset: summarize(options.dataset), protocol, k, results };
}

/** Each spec's algorithm and validated params, or why its params are invalid (reported in its row). */
export function resolveAlgorithms(
  specs: AlgorithmSpec[],
): Array<{ algorithm: AnyAlgorithm; params: unknown; error?: string }> {
  if (specs.length === 0)
    throw new ValidationError(
      [`algorithms: name at least one; known: ${algorithmNames().join(', ')}`],
      'evaluation request',
    );
  return specs.map((spec, i) => {
    if (!algorithmNames().includes(spec.name))
      throw new ValidationError(
        [`algorithms[${i}].name: unknown algorithm '${spec.name}'; known: ${algorithmNames().join(', ')}`],
        'evaluation request',
      );
    const algorithm = getAlgorithm(spec.name);
    try {
      const params = parseOrThrow(algorithm.params, spec.params ?? {}, `params of algorithm '${spec.name}'`);
      return { algorithm, params };
    } catch (error) {
      return { algorithm, params: spec.params ?? {}, error: (error as Error).message };
    }
  });
}

/** Top-k lists of `members` (training member indices), RECOMMEND_BATCH members per call. */
export function recommendAll(
  algorithm: AnyAlgorithm,
  model: TrainedModel,
  seen: InteractionMatrix,
  members: Int32Array,
  k: number,
): Int32Array[] {
  const predicted: Int32Array[] = [];
  for (let start = 0; start < members.length; start += RECOMMEND_BATCH) {
    const batch = members.subarray(start, start + RECOMMEND_BATCH);
    const recommendations = algorithm.recommend(model, seen, batch, k);
    if (recommendations.k !== k || recommendations.items.length !== batch.length * k)
      throw new Error(
        `algorithm '${algorithm.name}' returned ${recommendations.items.length} items with k=${recommendations.k} ` +
          `for ${batch.length} members at k=${k}; recommend() must return k items per member, -1 padded`,
      );
    batch.forEach((member, r) => {
      predicted[member] = recommendations.items.slice(r * k, (r + 1) * k);
    });
  }
  return predicted;
}
