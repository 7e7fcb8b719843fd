import { performance } from 'node:perf_hooks';
import {
  getAlgorithm,
  pointParams,
  searchSpaceOf,
  seededRandom,
  type AnyAlgorithm,
  type SearchSpace,
  type TrainProgress,
} from '@marquee/algorithms';
import { parseOrThrow, ValidationError } from '@marquee/domain';
import {
  evaluationProtocolSchema,
  recommendAll,
  resolveAlgorithms,
  type AlgorithmSpec,
  type EvaluationProtocol,
  type EvaluationProtocolInput,
  type EvaluationReport,
  type EvaluationResult,
} from './evaluate';
import { rankingMetrics } from './metrics';
import { summarize, type RatingsDataset } from './ratings';
import { stratifiedSplit, type Split } from './split';
import { trainTestMatrices, type TrainTest } from './train-test';

/** The metrics a search can keep its best trial by. */
export type TuneMetric = 'ndcg' | 'map' | 'precision' | 'recall';

export interface SearchOptions {
  /** Trials drawn (default 20). */
  trials?: number;
  /** Seeds the quasi-random points, so a search repeats exactly (default 42). */
  seed?: number;
  /** Successive halving keeps 1 / eta of the trials per rung (default 3). */
  eta?: number;
  /**
   * Rungs of successive halving when the space has a budget param (default 2: a third of the budget,
   * then full; deeper cuts rank ALS by 1–3 iterations, too few to tell good configurations apart).
   */
  rungs?: number;
  /**
   * The params the caller would train without searching (the algorithm's defaults, a registration's
   * params): the first trial, carried to the full budget whatever it scores on early rungs, so the
   * search never keeps a configuration worse on validation than not searching. It counts as one of
   * `trials`.
   */
  baseline?: Record<string, unknown>;
}

/** One trained and scored configuration. */
export interface Trial {
  params: Record<string, unknown>;
  /** Share of the budget param (iterations, epochs) the trial trained with; 1 is the full value. */
  fraction: number;
  /** The gate metric on the validation split. */
  value: number;
  seconds: number;
  /** Whether these are the baseline params of the search. */
  baseline?: true;
}

export interface SearchResult {
  best: Trial;
  /** Every trial of every rung, in the order run. */
  trials: Trial[];
}

/**
 * Points of the Halton sequence (bases 2, 3, 5, …), one per trial, shifted by a seeded random
 * vector modulo 1 (a Cranley–Patterson rotation): quasi-random points cover a few dimensions far more
 * evenly than independent draws, and the shift gives each seed its own, still even, set.
 */
export function haltonPoints(count: number, dimensions: number, seed: number): number[][] {
  const bases = firstPrimes(dimensions);
  const next = seededRandom(seed);
  const shift = bases.map(() => next());
  const points: number[][] = [];
  for (let i = 1; i <= count; i++)
    points.push(bases.map((base, d) => (radicalInverse(i, base) + (shift[d] as number)) % 1));
  return points;
}

function radicalInverse(index: number, base: number): number {
  let result = 0;
  let f = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base), f /= base) result += f * (i % base);
  return result;
}

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let n = 2; primes.length < count; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes;
}

/**
 * The params each trial starts from: `baseline` first when given, then quasi-random points of the
 * space, mapped to params, `trials` in all.
 */
export function planTrials(
  space: SearchSpace,
  trials: number,
  seed: number,
  baseline?: Record<string, unknown>,
): Record<string, unknown>[] {
  const dims = Object.keys(space.ranges).length;
  const drawn = haltonPoints(baseline ? trials - 1 : trials, dims, seed).map((point) =>
    pointParams(space, point),
  );
  return baseline ? [baseline, ...drawn] : drawn;
}

/**
 * The params an algorithm trains with unless told otherwise, for the keys of `space`: its schema's
 * defaults under the caller's `fixed` params; undefined when the schema has no defaults for them.
 */
export function defaultParams(
  algorithm: AnyAlgorithm,
  space: SearchSpace,
  fixed: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  const parsed = algorithm.params.safeParse(fixed);
  if (!parsed.success) return undefined;
  const values = parsed.data as Record<string, unknown>;
  const keys = Object.keys(space.ranges);
  if (!keys.every((key) => values[key] !== undefined)) return undefined;
  return Object.fromEntries(keys.map((key) => [key, values[key]]));
}

/** Params with the budget param cut to `fraction` of its value (at least 1). */
export function atFraction(
  params: Record<string, unknown>,
  budget: string | undefined,
  fraction: number,
): Record<string, unknown> {
  if (!budget || fraction >= 1 || typeof params[budget] !== 'number') return params;
  return { ...params, [budget]: Math.max(1, Math.round((params[budget] as number) * fraction)) };
}

/**
 * Successive halving (Jamieson & Talwalkar 2016): every trial trains with 1 / eta^(rungs-1) of its
 * budget, the best 1 / eta go on to the next rung with eta times more, and the last rung trains the
 * survivors fully. The baseline always goes on, in one of the places kept: a slow starter (BPR at its
 * defaults) can rank low on a short budget, and the search must not end below it.
 * Without a budget param every trial trains fully once. `score` returns the gate metric of params on
 * validation data (higher is better); ties keep the earlier trial.
 */
export async function successiveHalving(
  space: SearchSpace,
  options: SearchOptions,
  score: (params: Record<string, unknown>) => Promise<number>,
): Promise<SearchResult> {
  const count = options.trials ?? 20;
  const eta = options.eta ?? 3;
  const rungs = space.budget ? (options.rungs ?? 2) : 1;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`trials must be a positive integer, got ${count}`);
  if (!(eta > 1)) throw new RangeError(`eta must be above 1, got ${eta}`);
  const baseline = options.baseline;
  let survivors = planTrials(space, count, options.seed ?? 42, baseline);
  const trials: Trial[] = [];
  let best: Trial | undefined;
  for (let rung = 0; rung < rungs; rung++) {
    const fraction = eta ** (rung - (rungs - 1));
    const scored: Trial[] = [];
    for (const params of survivors) {
      const started = performance.now();
      const value = await score(atFraction(params, space.budget, fraction));
      const seconds = round3((performance.now() - started) / 1000);
      const trial: Trial = {
        params,
        fraction,
        value,
        seconds,
        ...(params === baseline ? { baseline: true } : {}),
      };
      scored.push(trial);
      trials.push(trial);
    }
    const ranked = [...scored].sort((a, b) => b.value - a.value);
    best = ranked[0];
    const keep = Math.max(1, Math.ceil(scored.length / eta));
    const others = ranked.filter((t) => !t.baseline).map((t) => t.params);
    survivors = baseline ? [baseline, ...others.slice(0, keep - 1)] : others.slice(0, keep);
  }
  return { best: best as Trial, trials };
}

/** Validation data carved out of the training rows of `split` only, split the same stratified way. */
export function validationSplit(
  dataset: RatingsDataset,
  split: Split,
  protocol: EvaluationProtocol,
): TrainTest {
  const rows = split.train;
  const part: RatingsDataset = {
    ...dataset,
    users: pick(dataset.users, rows),
    items: pick(dataset.items, rows),
    ratings: pick(dataset.ratings, rows),
    timestamps: pick(dataset.timestamps, rows),
  };
  const inner = stratifiedSplit(part, protocol);
  return trainTestMatrices(part, inner, protocol);
}

function pick<T extends Int32Array | Float32Array | Float64Array>(column: T, rows: Int32Array): T {
  const out = new (column.constructor as new (n: number) => T)(rows.length);
  rows.forEach((row, i) => (out[i] = column[row] as number));
  return out;
}

/** Trains `algorithm` with `params` on `data.train` and returns its ranking metrics on `data`'s truth. */
export async function scoreOn(
  algorithm: AnyAlgorithm,
  params: unknown,
  data: TrainTest,
  k: number,
  signal?: AbortSignal,
  onProgress?: (progress: TrainProgress) => void,
) {
  const model = await algorithm.train(data.train, params, {
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return rankingMetrics(recommendAll(algorithm, model, data.train, data.testMembers, k), data.truth, k);
}

export interface TuningSummary {
  metric: TuneMetric;
  /** The best trial's metric on the validation split. */
  validation: number;
  /** The baseline's (the defaults' under the fixed params) metric on the validation split, fully trained. */
  baseline?: number;
  trials: number;
  seconds: number;
}

/** What `marquee eval --tune --json` prints: the evaluation report with each result's search. */
export interface TunedEvaluationReport extends EvaluationReport {
  results: Array<EvaluationResult & { tuning: TuningSummary }>;
}

export interface TuneEvaluationOptions extends Omit<SearchOptions, 'baseline'> {
  dataset: RatingsDataset;
  /** Algorithms to tune; explicit params are fixed and the space searches the rest. */
  algorithms: AlgorithmSpec[];
  k?: number;
  metric?: TuneMetric;
  protocol?: EvaluationProtocolInput;
  onProgress?: (event: { algorithm: string; trial: number; trials: number; best: number }) => void;
  signal?: AbortSignal;
}

/**
 * For each algorithm: searches its space on a validation split carved out of the training part
 * (the test part is never seen), keeps the best trial by the gate metric, trains it on the whole
 * training part and scores it on the test part as `evaluateAlgorithms` does.
 */
export async function tuneAndEvaluate(options: TuneEvaluationOptions): Promise<TunedEvaluationReport> {
  const k = options.k ?? 10;
  const metric = options.metric ?? 'ndcg';
  if (!Number.isInteger(k) || k < 1 || k > 10_000)
    throw new ValidationError([`k: must be an integer between 1 and 10000, got ${k}`], 'evaluation request');
  const protocol = parseOrThrow(evaluationProtocolSchema, options.protocol ?? {}, 'evaluation protocol');
  const invalid = resolveAlgorithms(options.algorithms).flatMap((r) => (r.error ? [r.error] : []));
  if (invalid.length > 0) throw new ValidationError(invalid, 'algorithms');
  const split = stratifiedSplit(options.dataset, protocol);
  const data = trainTestMatrices(options.dataset, split, protocol);
  const validation = validationSplit(options.dataset, split, protocol);

  const results: TunedEvaluationReport['results'] = [];
  for (const spec of options.algorithms) {
    const algorithm = getAlgorithm(spec.name);
    const fixed = (spec.params ?? {}) as Record<string, unknown>;
    const space = withoutFixed(searchSpaceOf(spec.name), fixed);
    const started = performance.now();
    let trial = 0;
    let best = -Infinity;
    const total = space ? plannedTrials(space, options) : 1;
    const baseline = space ? defaultParams(algorithm, space, fixed) : undefined;
    const search = await successiveHalving(
      space ?? { ranges: {} },
      space ? { ...options, ...(baseline ? { baseline } : {}) } : { trials: 1 },
      async (p) => {
        options.signal?.throwIfAborted();
        const params = parseOrThrow(
          algorithm.params,
          { ...p, ...fixed },
          `params of algorithm '${spec.name}'`,
        );
        const value = (await scoreOn(algorithm, params, validation, k, options.signal))[metric];
        best = Math.max(best, value);
        options.onProgress?.({ algorithm: spec.name, trial: ++trial, trials: total, best });
        return value;
      },
    );
    const tuneSeconds = (performance.now() - started) / 1000;
    const baselineTrial = search.trials.find((t) => t.baseline && t.fraction === 1);
    const params = parseOrThrow(
      algorithm.params,
      { ...search.best.params, ...fixed },
      `params of algorithm '${spec.name}'`,
    );
    const trainStarted = performance.now();
    const metrics = await scoreOn(algorithm, params, data, k, options.signal);
    results.push({
      algorithm: spec.name,
      params,
      map: metrics.map,
      ndcg: metrics.ndcg,
      precision: metrics.precision,
      recall: metrics.recall,
      trainSeconds: round3((performance.now() - trainStarted) / 1000),
      tuning: {
        metric,
        validation: search.best.value,
        ...(baselineTrial ? { baseline: baselineTrial.value } : {}),
        trials: search.trials.length,
        seconds: round3(tuneSeconds),
      },
    });
  }
  return { dataset: summarize(options.dataset), protocol, k, results };
}

/** The space without the params a caller fixed; undefined when nothing is left to search. */
function withoutFixed(
  space: SearchSpace | undefined,
  fixed: Record<string, unknown>,
): SearchSpace | undefined {
  if (!space) return undefined;
  const ranges = Object.fromEntries(Object.entries(space.ranges).filter(([key]) => !(key in fixed)));
  if (Object.keys(ranges).length === 0) return undefined;
  const budget = space.budget && space.budget in ranges ? space.budget : undefined;
  return budget ? { ranges, budget } : { ranges };
}

/** Trials successive halving runs over all rungs. */
export function plannedTrials(space: SearchSpace, options: SearchOptions): number {
  const eta = options.eta ?? 3;
  const rungs = space.budget ? (options.rungs ?? 2) : 1;
  let n = options.trials ?? 20;
  let total = 0;
  for (let rung = 0; rung < rungs; rung++, n = Math.max(1, Math.ceil(n / eta))) total += n;
  return total;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
