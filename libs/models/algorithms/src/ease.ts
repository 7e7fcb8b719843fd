import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { recommendEach } from './top-k';

export const easeParams = z
  .object({
    /** λ, the L2 weight on B (Steck 2019, eq. 1): larger for sparser data. 400 is best on ml-100k. */
    lambda: z.number().positive().max(1e9).default(400),
    /** Every stored interaction counts 1 (played or not), instead of its value (count, rating). */
    binarize: z.boolean().default(true),
    /**
     * Training inverts a dense items × items matrix: O(items³) time and 12 bytes per items² of memory,
     * measured on one core of a busy 2-core machine at 3 s for 1,682 titles, 35 s for 4,000 and 7.5 min
     * for 8,000; 20,000 extrapolates to 1–2 hours. Larger catalogs are refused rather than run for hours.
     */
    maxItems: z.number().int().positive().max(20_000).default(8_000),
  })
  .strict();

export type EaseParams = z.infer<typeof easeParams>;

export interface EaseModel extends TrainedModel {
  binarize: boolean;
  lambda: number;
  /** B, items × items row-major: weights[i * n + j] is how much playing title i recommends j. */
  weights: Float32Array;
}

/** Rows per block of the O(n³) passes, between which training reports progress and can be cancelled. */
const CHUNK = 32;

/** Training time per items³, measured on one core (446 s for 8,000 titles), for the refusal message. */
const SECONDS_PER_ITEM_CUBED = 446 / 8000 ** 3;

/** G = XᵀX + λI, lower triangle, row-major (Steck 2019, Algorithm 1). */
export function itemGram(data: InteractionMatrix, lambda: number, binarize: boolean): Float64Array {
  const n = data.numItems;
  const g = new Float64Array(n * n);
  const { indptr, indices, values } = data;
  for (let u = 0; u < data.numUsers; u++) {
    const start = indptr[u] as number;
    const end = indptr[u + 1] as number;
    for (let p = start; p < end; p++) {
      const a = indices[p] as number;
      const xa = binarize ? 1 : (values[p] as number);
      const row = a * n;
      // Indices within a row are ascending, so q ≤ p lands in the lower triangle.
      for (let q = start; q <= p; q++) {
        const at = row + (indices[q] as number);
        g[at] = (g[at] as number) + xa * (binarize ? 1 : (values[q] as number));
      }
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i] = (g[i * n + i] as number) + lambda;
  return g;
}

/** Σₜ a[x + t]·a[y + t] for t < length, four accumulators wide (the O(n³) inner loop of every step). */
function dot(a: Float64Array, x: number, y: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < length; t += 4) {
    s0 += (a[x + t] as number) * (a[y + t] as number);
    s1 += (a[x + t + 1] as number) * (a[y + t + 1] as number);
    s2 += (a[x + t + 2] as number) * (a[y + t + 2] as number);
    s3 += (a[x + t + 3] as number) * (a[y + t + 3] as number);
  }
  for (; t < length; t++) s0 += (a[x + t] as number) * (a[y + t] as number);
  return s0 + s1 + (s2 + s3);
}

/*
 * G⁻¹ in three in-place passes over one row-major n × n buffer, each n³/6 multiply-adds of contiguous
 * dot products (LAPACK's potrf, trtri, lauum): G = LLᵀ (lower), then V = L⁻ᵀ row by row into the upper
 * triangle, then P = G⁻¹ = VVᵀ back into the lower triangle. Each pass works on a block of rows
 * [from, to) and reads every other row once per block, not once per row: at thousands of titles the
 * matrix does not fit in cache, and row-at-a-time passes run at memory speed.
 */

/** Cholesky G = LLᵀ on the lower triangle, rows [from, to) (inner-product form); blocks run in order. */
export function choleskyRows(a: Float64Array, n: number, from: number, to: number): void {
  for (let j = 0; j < from; j++) {
    const rj = j * n;
    const ljj = a[rj + j] as number;
    for (let i = from; i < to; i++) a[i * n + j] = ((a[i * n + j] as number) - dot(a, i * n, rj, j)) / ljj;
  }
  for (let i = from; i < to; i++) {
    const ri = i * n;
    for (let j = from; j < i; j++)
      a[ri + j] = ((a[ri + j] as number) - dot(a, ri, j * n, j)) / (a[j * n + j] as number);
    const d = (a[ri + i] as number) - dot(a, ri, ri, i);
    if (!(d > 0))
      throw new Error(`EASE: the item Gram matrix is not positive definite at item ${i}; raise lambda`);
    a[ri + i] = Math.sqrt(d);
  }
}

/**
 * Rows [from, to) of V = L⁻ᵀ (columns of L⁻¹) by forward substitution into the upper triangle:
 * V[i][i] = 1/L[i][i], V[i][k] = −(Σₘ₌ᵢ..ₖ₋₁ L[k][m]·V[i][m]) / L[k][k]. Blocks run in order.
 */
export function invertCholeskyRows(a: Float64Array, n: number, from: number, to: number): void {
  const blockDiagonal = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    blockDiagonal[i - from] = a[i * n + i] as number;
    a[i * n + i] = 1 / (a[i * n + i] as number); // earlier blocks no longer need L[i][i]
  }
  for (let k = from + 1; k < n; k++) {
    const rk = k * n;
    const lkk = k < to ? (blockDiagonal[k - from] as number) : (a[rk + k] as number);
    for (let i = from; i < Math.min(to, k); i++) a[i * n + k] = -dot(a, rk + i, i * n + i, k - i) / lkk;
  }
}

/** P[j][i] = Σₘ V[i][m]·V[j][m] (m ≥ j) for rows i in [from, to) and j ≥ i, into the lower triangle. */
export function gramInverseRows(a: Float64Array, n: number, from: number, to: number): void {
  for (let j = from; j < n; j++) {
    const rj = j * n;
    // Ascending i: P[j][j] overwrites V[j][j] only after the block's other rows have used it.
    for (let i = from; i <= Math.min(to - 1, j); i++) a[rj + i] = dot(a, i * n + j, rj + j, n - j);
  }
}

/** B = I − P·diag(1/diag(P)): B[i][j] = −P[i][j] / P[j][j], zero diagonal (Steck 2019, §2.1). */
export function easeWeightsFromInverse(a: Float64Array, n: number): Float32Array {
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const p = j < i ? (a[ri + j] as number) : (a[j * n + i] as number);
      b[ri + j] = -p / (a[j * n + j] as number);
    }
  }
  return b;
}

/** Runs `rows` in chunks, yielding to the event loop between them (progress, heartbeats, cancellation). */
async function inChunks(
  step: string,
  n: number,
  context: TrainContext,
  rows: (from: number, to: number) => void,
): Promise<void> {
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    rows(from, to);
    context.onProgress?.({ step, done: to, total: n });
    await new Promise((resolve) => setImmediate(resolve));
    context.signal?.throwIfAborted();
  }
}

/** Scores one member's row: x_u · B over their history. */
function scoreMember(model: EaseModel, seen: InteractionMatrix, u: number, out: Float32Array): void {
  const n = model.itemIds.length;
  const { weights, binarize } = model;
  out.fill(0);
  for (let p = seen.indptr[u] as number; p < (seen.indptr[u + 1] as number); p++) {
    const row = (seen.indices[p] as number) * n;
    const x = binarize ? 1 : (seen.values[p] as number);
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + x * (weights[row + j] as number);
  }
}

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the closed-form item-item
 * regression B = argmin ‖X − XB‖² + λ‖B‖² subject to diag(B) = 0; a member's scores are x_u · B.
 */
export const ease: Algorithm<EaseParams, EaseModel> = {
  name: 'ease',
  description:
    'EASE item-item autoencoder in closed form (Steck 2019); dense items², catalogs up to maxItems',
  params: easeParams,

  async train(data: InteractionMatrix, input: EaseParams, context: TrainContext = {}) {
    const params = easeParams.parse(input);
    const n = data.numItems;
    if (n > params.maxItems)
      throw new Error(
        `EASE would invert a dense ${n} × ${n} item matrix (about ${Math.ceil((SECONDS_PER_ITEM_CUBED * n ** 3) / 60)} ` +
          `min on one core) but maxItems is ${params.maxItems}: restrict the catalog to the most played titles, ` +
          `raise maxItems, or use item-knn or bpr`,
      );
    const a = itemGram(data, params.lambda, params.binarize);
    context.onProgress?.({ step: 'gram', done: 1, total: 1 });
    await inChunks('cholesky', n, context, (from, to) => choleskyRows(a, n, from, to));
    await inChunks('invert', n, context, (from, to) => invertCholeskyRows(a, n, from, to));
    await inChunks('inverse', n, context, (from, to) => gramInverseRows(a, n, from, to));
    return {
      algorithm: 'ease',
      userIds: data.userIds,
      itemIds: data.itemIds,
      binarize: params.binarize,
      lambda: params.lambda,
      weights: easeWeightsFromInverse(a, n),
    };
  },

  recommend(model: EaseModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    const n = model.itemIds.length;
    if (seen.numItems !== n)
      throw new Error(
        `EASE model has ${n} titles but the history matrix has ${seen.numItems}; rebuild it with the model's itemIds`,
      );
    // One reused score row: x_u · B touches only the history's rows of B, so a dense batch product
    // (X_batch · B) would do items / |history| times more work for the same result.
    return recommendEach('EASE', seen, users, k, n, (u, row) => scoreMember(model, seen, u, row));
  },

  serialize(model: EaseModel): Uint8Array {
    const { algorithm, userIds, itemIds, binarize, lambda } = model;
    return packArtifact({ algorithm, userIds, itemIds, binarize, lambda }, { weights: model.weights });
  },

  deserialize(bytes: Uint8Array): EaseModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'ease')
      throw new Error(`not an EASE model artifact (algorithm '${String(header['algorithm'])}')`);
    return {
      algorithm: 'ease',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      binarize: header['binarize'] as boolean,
      lambda: header['lambda'] as number,
      weights: arrays['weights'] as Float32Array,
    };
  },
};
