import { als, alsParams, type AlsModel, type InteractionMatrix } from '@marquee/algorithms';
import { ensureBaselineVenv, runPythonScript, ScratchDir, type Log } from './python-env';
import { IMPLICIT_TRAIN_SCRIPT } from './python-scripts';
import { syntheticImplicitMatrix } from './synthetic-matrix';

export interface TrainBenchOptions {
  interactions: number;
  factors: number;
  iterations: number;
  threads: number;
  regularization: number;
  alpha: number;
  seed: number;
  /** Where the baseline venv lives (MarqueeConfig.cacheDir). */
  cacheDir: string;
  log: Log;
}

export interface TrainBenchResult {
  interactions: number;
  users: number;
  items: number;
  factors: number;
  iterations: number;
  threads: number;
  oursSeconds: number;
  implicitSeconds: number;
  /** oursSeconds / implicitSeconds (target ≤ 2). */
  ratio: number;
  /** Both models from the same initial factors: implicit's training loss of each, and top-10 overlap. */
  agreement: { oursLoss: number; implicitLoss: number; top10Overlap: number; membersCompared: number };
  baseline: string;
}

/**
 * Trains Marquee's ALS and benfred/implicit's CPU ALS (use_cg, same factors, iterations, λ, alpha,
 * thread count and initial factors) on one synthetic matrix, timing only the training calls.
 */
export async function runTrainBench(o: TrainBenchOptions): Promise<TrainBenchResult> {
  const python = await ensureBaselineVenv(o.cacheDir, o.log);
  const matrix = syntheticImplicitMatrix({ interactions: o.interactions, seed: o.seed });
  o.log(
    `bench: ${matrix.indices.length} interactions, ${matrix.numUsers} members × ${matrix.numItems} titles`,
  );
  const params = alsParams.parse({
    factors: o.factors,
    iterations: o.iterations,
    regularization: o.regularization,
    alpha: o.alpha,
    seed: o.seed,
    threads: o.threads,
  });
  const scratch = new ScratchDir();
  try {
    scratch.writeAlsInputs(matrix, o.factors, o.seed);

    const started = performance.now();
    const ours = await als.train(matrix, params, {
      onProgress: (p) =>
        o.log(`bench: marquee iteration ${p.done}/${p.total} ${(p.detail?.['seconds'] ?? 0).toFixed(2)} s`),
    });
    const oursSeconds = (performance.now() - started) / 1000;
    scratch.write('ours_users', ours.userFactors);
    scratch.write('ours_items', ours.itemFactors);

    const baseline = await runPythonScript<{
      seconds: number;
      implicitLoss: number;
      oursLoss: number;
      versions: Record<string, string>;
    }>(
      python,
      scratch,
      IMPLICIT_TRAIN_SCRIPT,
      {
        users: matrix.numUsers,
        items: matrix.numItems,
        factors: o.factors,
        iterations: o.iterations,
        regularization: o.regularization,
        alpha: o.alpha,
        threads: o.threads,
      },
      // implicit parallelises with OpenMP; its docs ask for single-threaded BLAS underneath.
      { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: String(o.threads) },
    );
    const implicitModel: AlsModel = {
      ...ours,
      userFactors: scratch.readFloat32('implicit_users'),
      itemFactors: scratch.readFloat32('implicit_items'),
    };
    const overlap = topOverlap(ours, implicitModel, matrix, 10, 1000);
    return {
      interactions: matrix.indices.length,
      users: matrix.numUsers,
      items: matrix.numItems,
      factors: o.factors,
      iterations: o.iterations,
      threads: o.threads,
      oursSeconds: round(oursSeconds),
      implicitSeconds: round(baseline.seconds),
      ratio: round(oursSeconds / baseline.seconds),
      agreement: {
        oursLoss: baseline.oursLoss,
        implicitLoss: baseline.implicitLoss,
        top10Overlap: round(overlap),
        membersCompared: Math.min(1000, matrix.numUsers),
      },
      baseline: `implicit ${baseline.versions['implicit']}, numpy ${baseline.versions['numpy']}, scipy ${baseline.versions['scipy']}`,
    };
  } finally {
    scratch.dispose();
  }
}

/** Mean share of each model's top k (unseen titles) the other also has, over evenly spaced members. */
function topOverlap(a: AlsModel, b: AlsModel, seen: InteractionMatrix, k: number, count: number): number {
  const n = Math.min(count, seen.numUsers);
  const users = Int32Array.from({ length: n }, (_, r) => Math.floor((r * seen.numUsers) / n));
  const ra = als.recommend(a, seen, users, k).items;
  const rb = als.recommend(b, seen, users, k).items;
  let shared = 0;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const mine = new Set(ra.subarray(r * k, (r + 1) * k));
    mine.delete(-1);
    for (const item of rb.subarray(r * k, (r + 1) * k)) if (mine.has(item)) shared++;
    total += mine.size;
  }
  return total === 0 ? 1 : shared / total;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
