import os from 'node:os';
import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { BLOCK, choleskyDiagonal, gramBuffer, MAX_THREADS, type GramBuffer } from './ease-inverse';
import { EasePool } from './ease-pool';
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
     * Training inverts a dense items × items matrix: O(items³) time and 12 bytes per items² of memory.
     * Catalogs whose matrix does not fit in memory are refused whatever this says.
     */
    maxItems: z.number().int().positive().max(1_000_000).default(1_000_000),
  })
  .strict();

export type EaseParams = z.infer<typeof easeParams>;

export interface EaseModel extends TrainedModel {
  binarize: boolean;
  lambda: number;
  /** B, items × items row-major: weights[i * n + j] is how much playing title i recommends j. */
  weights: Float32Array;
}

/** Bytes per items² while training: the float64 Gram matrix and its inverse in place, and float32 B. */
const BYTES_PER_ITEM_SQUARED = 12;

/** G = XᵀX + λI, lower triangle, row-major (Steck 2019, Algorithm 1). */
export function itemGram(
  data: InteractionMatrix,
  lambda: number,
  binarize: boolean,
  g: Float64Array<ArrayBufferLike> = new Float64Array(data.numItems * data.numItems),
): Float64Array<ArrayBufferLike> {
  const n = data.numItems;
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

/** The share of the machine's memory one EASE training may take. */
const MEMORY_SHARE = 0.75;

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

/** B = I − P·diag(1/diag(P)): B[i][j] = −P[i][j] / P[j][j], zero diagonal (Steck 2019, §2.1). */
export function easeWeightsFromInverse(a: Float64Array<ArrayBufferLike>, n: number): Float32Array {
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

/** Below this many titles, starting worker threads costs more than it saves. */
const THREADED_ITEMS = 1024;

/** G⁻¹ in place in `g` (lower triangle), reporting progress between row blocks. */
export async function invertGram(
  g: GramBuffer,
  n: number,
  threads: number,
  context: TrainContext,
): Promise<void> {
  const pool = new EasePool(g, n, n >= THREADED_ITEMS ? Math.min(threads, MAX_THREADS) : 1);
  const between = async (step: string, done: number) => {
    context.onProgress?.({ step, done, total: n });
    await new Promise((resolve) => setImmediate(resolve));
    context.signal?.throwIfAborted();
  };
  try {
    // Row blocks of L run in order; the rows of one block's panel are independent, so they are shared out.
    for (let f = 0; f < n; f += BLOCK) {
      const t = Math.min(n, f + BLOCK);
      await pool.share({ pass: 'cholesky', f, t, rows: 8 });
      choleskyDiagonal(g, n, f, t);
      await between('cholesky', t);
    }
    // Row blocks of V, then of P, in any order, taken by whichever thread is free; 16 per progress report.
    for (const pass of ['invert', 'inverse'] as const)
      for (let from = 0; from < n; from += 16 * BLOCK) {
        const to = Math.min(n, from + 16 * BLOCK);
        await pool.share({ pass, from, to });
        await between(pass, to);
      }
  } finally {
    await pool.close();
  }
}

/**
 * Refuses a catalog whose dense items × items training matrices exceed `maxItems` or the machine's
 * memory, naming the memory needed; `name` is the algorithm in the message.
 */
export function assertItemMatrixFits(name: string, n: number, maxItems: number): void {
  const needed = BYTES_PER_ITEM_SQUARED * n * n;
  if (n > maxItems)
    throw new Error(
      `${name} would invert a dense ${n} × ${n} item matrix (${formatBytes(needed)} of memory) but maxItems is ` +
        `${maxItems}: restrict the catalog to the most played titles, raise maxItems, or use item-knn or bpr`,
    );
  if (needed > os.totalmem() * MEMORY_SHARE)
    throw new Error(
      `${name} needs ${formatBytes(needed)} of memory for a dense ${n} × ${n} item matrix but this machine has ` +
        `${formatBytes(os.totalmem())}: restrict the catalog to the most played titles, or use item-knn or bpr`,
    );
}

/** Scores one member's row: x_u · B over their history, B items × items row-major. */
export function scoreItemItem(
  model: { itemIds: string[]; weights: Float32Array; binarize: boolean },
  seen: InteractionMatrix,
  u: number,
  out: Float32Array,
): void {
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
    'EASE item-item autoencoder in closed form (Steck 2019); dense items², catalogs whose items² matrix fits in memory',
  params: easeParams,

  async train(data: InteractionMatrix, input: EaseParams, context: TrainContext = {}) {
    const params = easeParams.parse(input);
    const n = data.numItems;
    assertItemMatrixFits('EASE', n, params.maxItems);
    const g = gramBuffer(n);
    itemGram(data, params.lambda, params.binarize, g.a);
    context.onProgress?.({ step: 'gram', done: 1, total: 1 });
    await invertGram(g, n, context.threads ?? os.availableParallelism(), context);
    return {
      algorithm: 'ease',
      userIds: data.userIds,
      itemIds: data.itemIds,
      binarize: params.binarize,
      lambda: params.lambda,
      weights: easeWeightsFromInverse(g.a, n),
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
    return recommendEach('EASE', seen, users, k, n, (u, row) => scoreItemItem(model, seen, u, row));
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
