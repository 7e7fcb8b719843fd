import os from 'node:os';
import { ease, easeParams } from '@marquee/algorithms';
import { ensureBaselineVenv, OPENBLAS_OWN_KERNEL, runPythonScript, ScratchDir, type Log } from './python-env';
import { NUMPY_EASE_SCRIPT } from './python-scripts';
import { syntheticImplicitMatrix } from './synthetic-matrix';

export interface EaseBenchOptions {
  items: number;
  /** Stored (member, title) pairs; a member plays 20 titles on average. */
  interactions: number;
  lambda: number;
  seed: number;
  cacheDir: string;
  log: Log;
}

export interface EaseBenchResult {
  items: number;
  users: number;
  interactions: number;
  lambda: number;
  /** Both sides use every core: Marquee's worker threads, OpenBLAS's threads. */
  threads: number;
  oursSeconds: number;
  numpySeconds: number;
  /** ours / numpy (target ≤ 2). */
  ratio: number;
  /** Every sampled member's top 10 is the same list, in the same order, on both sides. */
  identicalTop10: boolean;
  /** Share of sampled members whose top-10 lists are identical. */
  top10Agreement: number;
  membersCompared: number;
  baseline: string;
}

const K = 10;

/**
 * EASE training from the same binarized plays and λ: Marquee's (Gram matrix, blocked Cholesky
 * inversion on WebAssembly SIMD) against Steck's numpy reference (np.linalg.inv), timing each from
 * the play matrix to B, then comparing a sample of members' top 10.
 */
export async function runEaseBench(o: EaseBenchOptions): Promise<EaseBenchResult> {
  const python = await ensureBaselineVenv(o.cacheDir, o.log);
  const matrix = syntheticImplicitMatrix({ interactions: o.interactions, items: o.items, seed: o.seed });
  o.log(`bench: ${matrix.indices.length} plays, ${matrix.numUsers} members × ${matrix.numItems} titles`);
  const members = Math.min(500, matrix.numUsers);
  const sample = Int32Array.from({ length: members }, (_, r) => Math.floor((r * matrix.numUsers) / members));
  const scratch = new ScratchDir();
  try {
    scratch.write('indptr', matrix.indptr);
    scratch.write('indices', matrix.indices);
    scratch.write('sample', sample);

    const started = performance.now();
    let shown = '';
    const model = await ease.train(matrix, easeParams.parse({ lambda: o.lambda }), {
      onProgress: (p) => {
        const line = `bench: marquee ${p.step} ${Math.floor((100 * p.done) / p.total)}%`;
        if (line !== shown && (p.done === p.total || p.done % (10 * 64) === 0)) o.log((shown = line));
      },
    });
    const oursSeconds = (performance.now() - started) / 1000;
    const ours = ease.recommend(model, matrix, sample, K).items;
    model.weights = new Float32Array(0); // frees the items² weights before numpy needs its own

    o.log('bench: numpy (np.linalg.inv) on the same plays and λ');
    const baseline = await runPythonScript<{
      seconds: number;
      versions: Record<string, string>;
      blas: string[];
    }>(
      python,
      scratch,
      NUMPY_EASE_SCRIPT,
      { users: matrix.numUsers, items: matrix.numItems, lambda: o.lambda },
      OPENBLAS_OWN_KERNEL,
    );
    const theirs = scratch.readInt32('numpy_top');
    let identical = 0;
    for (let r = 0; r < members; r++) {
      let same = true;
      for (let q = 0; q < K; q++) if (ours[r * K + q] !== theirs[r * K + q]) same = false;
      if (same) identical++;
    }
    return {
      items: matrix.numItems,
      users: matrix.numUsers,
      interactions: matrix.indices.length,
      lambda: o.lambda,
      threads: os.availableParallelism(),
      oursSeconds: round(oursSeconds),
      numpySeconds: round(baseline.seconds),
      ratio: round(oursSeconds / baseline.seconds),
      identicalTop10: identical === members,
      top10Agreement: round(identical / members),
      membersCompared: members,
      baseline: `numpy ${baseline.versions['numpy']} (${baseline.blas.join('; ') || 'BLAS unknown'})`,
    };
  } finally {
    scratch.dispose();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
