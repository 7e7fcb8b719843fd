import type { Client } from 'cassandra-driver';
import type { AlsModel, InteractionMatrix } from '@marquee/algorithms';
import { rowStream } from '@marquee/storage';
import { runPythonScript, ScratchDir } from '../training/python-env';
import { IMPLICIT_TRAIN_SCRIPT, NUMPY_SCORE_SCRIPT } from '../training/python-scripts';

/** Reads every stored play's member, title and time with the bare driver, paged as the snapshot reads. */
export async function rawRead(client: Client, onProgress?: (rows: number) => void): Promise<number> {
  let rows = 0;
  for await (const row of rowStream(client, 'SELECT member_id, item_id, played_at FROM plays_by_member', [], {
    prepare: true,
    fetchSize: 5000,
  })) {
    if (row['member_id'] !== undefined) rows++;
    if (rows % 100_000 === 0) onProgress?.(rows);
  }
  onProgress?.(rows);
  return rows;
}

export interface AlsFloorParams {
  factors: number;
  iterations: number;
  regularization: number;
  alpha: number;
  seed: number;
  threads: number;
}

/**
 * benfred/implicit's CPU ALS on the pipeline's training matrix with the same params, thread count and
 * initial factors; returns its training seconds and both models' loss on that matrix.
 */
export async function implicitTrain(
  python: string,
  train: InteractionMatrix,
  ours: AlsModel,
  params: AlsFloorParams,
): Promise<{ seconds: number; implicitLoss: number; oursLoss: number; versions: Record<string, string> }> {
  const scratch = new ScratchDir();
  try {
    scratch.writeAlsInputs(train, params.factors, params.seed);
    scratch.write('ours_users', ours.userFactors);
    scratch.write('ours_items', ours.itemFactors);
    return await runPythonScript(
      python,
      scratch,
      IMPLICIT_TRAIN_SCRIPT,
      {
        users: train.numUsers,
        items: train.numItems,
        factors: params.factors,
        iterations: params.iterations,
        regularization: params.regularization,
        alpha: params.alpha,
        threads: params.threads,
      },
      // implicit parallelises with OpenMP; its docs ask for single-threaded BLAS underneath.
      { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: String(params.threads) },
    );
  } finally {
    scratch.dispose();
  }
}

/** numpy's top-k of every member of the trained model (block product, argpartition), on one thread. */
export async function numpyScore(python: string, model: AlsModel, k: number): Promise<{ seconds: number }> {
  const scratch = new ScratchDir();
  try {
    const members = model.userIds.length;
    scratch.write('member_factors', model.userFactors);
    scratch.write('title_factors', model.itemFactors);
    scratch.write(
      'sample',
      Int32Array.from({ length: Math.min(1000, members) }, (_, r) => r),
    );
    return await runPythonScript(
      python,
      scratch,
      NUMPY_SCORE_SCRIPT,
      { members, items: model.itemIds.length, factors: model.factors, k, block: 1024 },
      { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    );
  } finally {
    scratch.dispose();
  }
}
