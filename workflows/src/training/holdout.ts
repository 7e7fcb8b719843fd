import type { AnyAlgorithm, InteractionMatrix, TrainedModel } from '@marquee/algorithms';
import { rankingMetrics, stratifiedSplit } from '@marquee/evaluation';

/** Splits a snapshot into train and holdout and measures a model on the holdout (libs/evaluation). */
export interface HoldoutEvaluator {
  split(matrix: InteractionMatrix): { train: InteractionMatrix; test: InteractionMatrix };
  measure(
    algorithm: AnyAlgorithm,
    model: TrainedModel,
    train: InteractionMatrix,
    test: InteractionMatrix,
    k: number,
    /** Called as members of the holdout are scored. */
    onProgress?: (members: number, of: number) => void,
  ): Record<string, number>;
}

/** Keeps the stored entries at `positions` (ascending CSR positions), in the same index spaces. */
function subset(matrix: InteractionMatrix, positions: Int32Array): InteractionMatrix {
  const keep = new Uint8Array(matrix.indices.length);
  for (const p of positions) keep[p] = 1;
  const indptr = new Int32Array(matrix.numUsers + 1);
  const indices = new Int32Array(positions.length);
  const values = new Float32Array(positions.length);
  const times = matrix.times ? new Float64Array(positions.length) : undefined;
  let q = 0;
  for (let u = 0; u < matrix.numUsers; u++) {
    indptr[u] = q;
    for (let p = matrix.indptr[u] as number; p < (matrix.indptr[u + 1] as number); p++) {
      if (!keep[p]) continue;
      indices[q] = matrix.indices[p] as number;
      values[q] = matrix.values[p] as number;
      if (times && matrix.times) times[q] = matrix.times[p] as number;
      q++;
    }
  }
  indptr[matrix.numUsers] = q;
  return { ...matrix, indptr, indices, values, ...(times ? { times } : {}) };
}

/**
 * The gate's holdout: the snapshot split per member 75/25 with seed 42 (Recommenders'
 * python_stratified_split), both halves kept in the snapshot's index spaces so the trained model
 * scores snapshot rows directly; measured with Recommenders' ranking metrics at k.
 */
export const holdoutEvaluator: HoldoutEvaluator = {
  split(matrix) {
    const users = new Int32Array(matrix.indices.length);
    for (let u = 0; u < matrix.numUsers; u++)
      users.fill(u, matrix.indptr[u] as number, matrix.indptr[u + 1] as number);
    const split = stratifiedSplit(
      { users, items: matrix.indices },
      { ratio: 0.75, filterBy: 'user', seed: 42 },
    );
    const sorted = (rows: Int32Array) => Int32Array.from(rows).sort();
    return { train: subset(matrix, sorted(split.train)), test: subset(matrix, sorted(split.test)) };
  },

  measure(
    algorithm: AnyAlgorithm,
    model: TrainedModel,
    train: InteractionMatrix,
    test: InteractionMatrix,
    k: number,
    onProgress?: (members: number, of: number) => void,
  ) {
    const truth: Array<Set<number> | undefined> = [];
    const members: number[] = [];
    for (let u = 0; u < test.numUsers; u++) {
      const start = test.indptr[u] as number;
      const end = test.indptr[u + 1] as number;
      if (end === start) continue;
      truth[u] = new Set(test.indices.subarray(start, end));
      members.push(u);
    }
    const predicted: Array<Int32Array | undefined> = [];
    for (let i = 0; i < members.length; i += 1024) {
      const users = Int32Array.from(members.slice(i, i + 1024));
      const recs = algorithm.recommend(model, train, users, k);
      users.forEach((u, r) => {
        const row = recs.items.subarray(r * k, (r + 1) * k);
        const end = row.indexOf(-1);
        predicted[u] = end < 0 ? row : row.subarray(0, end);
      });
      onProgress?.(Math.min(i + 1024, members.length), members.length);
    }
    const metrics = rankingMetrics(predicted, truth, k);
    return {
      ndcg: metrics.ndcg,
      map: metrics.map,
      precision: metrics.precision,
      recall: metrics.recall,
      holdoutMembers: metrics.members,
    };
  },
};
