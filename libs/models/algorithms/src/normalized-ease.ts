import os from 'node:os';
import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { assertItemMatrixFits, invertGram, scoreItemItem } from './ease';
import { gramBuffer } from './ease-inverse';
import { addLowPass, lowPassBasis, lowPassNorm } from './low-pass';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { recommendEach } from './top-k';

export const normalizedEaseParams = z
  .object({
    /**
     * The L2 weight as a multiple of the normalised Gram matrix's mean diagonal, so one value suits
     * catalogs and histories of any size (EASE's absolute λ grows with the plays).
     */
    lambda: z.number().positive().max(1e6).default(16),
    /** Each member's plays count 1 / |history|^memberWeight in the Gram matrix: heavy players weigh less. */
    memberWeight: z.number().min(0).max(2).default(0.75),
    /**
     * Title columns are scaled by degree^-itemNormalization before the regression: popular titles stop
     * dominating every neighbourhood (0 is plain EASE's Gram matrix).
     */
    itemNormalization: z.number().min(0).max(1).default(0.25),
    /**
     * EDLAE's dropout (Steck 2020, "Autoencoders that don't overfit towards the identity", eq. 8): adds
     * p / (1 − p) of each title's own diagonal to its penalty; 0 is plain EASE's uniform λ.
     */
    dropout: z.number().min(0).max(0.9).default(0.25),
    /** Eigenvectors of the normalised item graph in the low-pass term; 0 leaves it out. */
    lowPassRank: z.number().int().min(0).max(256).default(64),
    /** The low-pass term's weight, relative to the regression weights' Frobenius norm. */
    lowPassWeight: z.number().min(0).max(100).default(0.3),
    /**
     * Each stored value v (rating, play count) enters X as v^valueExponent: 0 counts every interaction
     * as 1, 0.5 lets a 5-star rating or a 4-play title weigh about twice a 1-star or a single play.
     */
    valueExponent: z.number().min(0).max(2).default(0.5),
    /** As EASE's: training inverts a dense items × items matrix; larger catalogs are refused. */
    maxItems: z.number().int().positive().max(1_000_000).default(1_000_000),
  })
  .strict();

export type NormalizedEaseParams = z.infer<typeof normalizedEaseParams>;

export interface NormalizedEaseModel extends TrainedModel {
  valueExponent: number;
  /** Items × items row-major: weights[i * n + j] is how much playing title i recommends j. */
  weights: Float32Array;
}

/**
 * G = Xᵀ·W·X in the lower triangle, X being the stored values, W = diag(|history|^-memberWeight): each member's co-plays count
 * less the more they play.
 */
export function memberWeightedGram(
  data: InteractionMatrix,
  memberWeight: number,
  g: Float64Array<ArrayBufferLike> = new Float64Array(data.numItems * data.numItems),
): Float64Array<ArrayBufferLike> {
  const n = data.numItems;
  const { indptr, indices, values } = data;
  for (let u = 0; u < data.numUsers; u++) {
    const start = indptr[u] as number;
    const end = indptr[u + 1] as number;
    if (start === end) continue;
    let degree = 0;
    for (let p = start; p < end; p++) degree += values[p] as number;
    const w = degree > 0 ? degree ** -memberWeight : 0;
    for (let p = start; p < end; p++) {
      const xa = w * (values[p] as number);
      const row = (indices[p] as number) * n;
      for (let q = start; q <= p; q++) {
        const at = row + (indices[q] as number);
        g[at] = (g[at] as number) + xa * (values[q] as number);
      }
    }
  }
  return g;
}

/**
 * Scales G's lower triangle to S·G·S, S = diag(G)^-exponent (titles without plays get 0), adds
 * lambda × the scaled mean diagonal plus dropout / (1 − dropout) × each title's own scaled diagonal
 * to the diagonal, and returns S's diagonal.
 */
export function normalizeGram(
  g: Float64Array<ArrayBufferLike>,
  n: number,
  exponent: number,
  lambda: number,
  dropout = 0,
): Float64Array {
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = g[i * n + i] as number;
    scale[i] = d > 0 ? d ** -exponent : 0;
  }
  let diagonal = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const si = scale[i] as number;
    for (let j = 0; j <= i; j++) g[row + j] = (g[row + j] as number) * si * (scale[j] as number);
    diagonal += g[row + i] as number;
  }
  // A catalog without plays still gets a positive definite matrix.
  const penalty = lambda * (diagonal > 0 ? diagonal / n : 1);
  const own = dropout / (1 - dropout);
  for (let i = 0; i < n; i++) g[i * n + i] = (g[i * n + i] as number) * (1 + own) + penalty;
  return scale;
}

/**
 * B[i][j] = S[i]·(−P[i][j] / P[j][j]), zero diagonal: the EASE solution on the scaled columns, taken
 * back to raw plays on the input side (scores rank titles, so the output scale is left as is).
 */
export function normalizedWeightsFromInverse(
  a: Float64Array<ArrayBufferLike>,
  n: number,
  scale: Float64Array,
): Float32Array {
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const si = scale[i] as number;
    if (si === 0) continue;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const p = j < i ? (a[ri + j] as number) : (a[j * n + i] as number);
      b[ri + j] = (-si * p) / (a[j * n + j] as number);
    }
  }
  return b;
}

/** `data` with each stored value v replaced by v^exponent (1 for every entry at exponent 0). */
export function withValueExponent(data: InteractionMatrix, exponent: number): InteractionMatrix {
  if (exponent === 1) return data;
  return { ...data, values: data.values.map((v) => (exponent === 0 ? 1 : Math.max(v, 0) ** exponent)) };
}

function frobenius(weights: Float32Array): number {
  let s = 0;
  for (let e = 0; e < weights.length; e++) s += (weights[e] as number) ** 2;
  return Math.sqrt(s);
}

/**
 * EASE on a normalised Gram matrix plus a low-pass term: one dense item-item matrix, scored like
 * EASE (x_u · B). The regression (Steck 2019) runs on Xᵀ·W·X with members weighted by
 * |history|^-memberWeight and title columns scaled by degree^-itemNormalization, which keeps popular
 * titles and heavy players from dominating the weights; its λ is relative to the mean diagonal, so
 * it carries from a validation carve to the full data and across catalog sizes. GF-CF's ideal
 * low-pass filter (Shen et al. 2021) adds the item graph's top eigen-directions, the broad tastes
 * pairwise co-plays miss. Training costs what EASE's does (the blocked wasm inverse) plus a
 * subspace iteration over the plays.
 */
export const normalizedEase: Algorithm<NormalizedEaseParams, NormalizedEaseModel> = {
  name: 'normalized-ease',
  description:
    'EASE on a member- and title-normalised Gram matrix plus an ideal low-pass term (GF-CF); one dense item-item matrix',
  params: normalizedEaseParams,
  // Every range is relative to the data (λ to the mean diagonal, the low-pass weight to the
  // regression's norm) or an exponent, so the same space fits any catalog size.
  searchSpace: {
    ranges: {
      lambda: { kind: 'log', min: 3, max: 40 },
      memberWeight: { kind: 'choice', values: [0.5, 0.75, 1] },
      itemNormalization: { kind: 'choice', values: [0.15, 0.25, 0.35] },
      dropout: { kind: 'choice', values: [0, 0.25, 0.5] },
      lowPassRank: { kind: 'int', min: 16, max: 128, log: true },
      lowPassWeight: { kind: 'log', min: 0.1, max: 0.6 },
      valueExponent: { kind: 'choice', values: [0, 0.5, 1] },
    },
  },

  async train(data: InteractionMatrix, input: NormalizedEaseParams, context: TrainContext = {}) {
    const params = normalizedEaseParams.parse(input);
    const n = data.numItems;
    assertItemMatrixFits('normalized-ease', n, params.maxItems);
    const x = withValueExponent(data, params.valueExponent);
    const g = gramBuffer(n);
    memberWeightedGram(x, params.memberWeight, g.a);
    const scale = normalizeGram(g.a, n, params.itemNormalization, params.lambda, params.dropout);
    context.onProgress?.({ step: 'gram', done: 1, total: 1 });
    await invertGram(g, n, context.threads ?? os.availableParallelism(), context);
    const weights = normalizedWeightsFromInverse(g.a, n, scale);
    if (params.lowPassRank > 0 && params.lowPassWeight > 0 && n > 1) {
      context.onProgress?.({ step: 'low-pass', done: 0, total: 1 });
      const basis = lowPassBasis(x, params.lowPassRank);
      const norm = lowPassNorm(basis);
      if (norm > 0) addLowPass(weights, basis, (params.lowPassWeight * frobenius(weights)) / norm);
      context.onProgress?.({ step: 'low-pass', done: 1, total: 1 });
    }
    return {
      algorithm: 'normalized-ease',
      userIds: data.userIds,
      itemIds: data.itemIds,
      valueExponent: params.valueExponent,
      weights,
    };
  },

  recommend(
    model: NormalizedEaseModel,
    seen: InteractionMatrix,
    users: Int32Array,
    k: number,
  ): Recommendations {
    const n = model.itemIds.length;
    if (seen.numItems !== n)
      throw new Error(
        `normalized-ease model has ${n} titles but the history matrix has ${seen.numItems}; rebuild it with the model's itemIds`,
      );
    // The history enters with the training's value exponent, then scores as EASE's does (x_u · B).
    const history = withValueExponent(seen, model.valueExponent);
    const weighted = { itemIds: model.itemIds, weights: model.weights, binarize: false };
    return recommendEach('normalized-ease', seen, users, k, n, (u, row) =>
      scoreItemItem(weighted, history, u, row),
    );
  },

  serialize(model: NormalizedEaseModel): Uint8Array {
    const { algorithm, userIds, itemIds, valueExponent } = model;
    return packArtifact({ algorithm, userIds, itemIds, valueExponent }, { weights: model.weights });
  },

  deserialize(bytes: Uint8Array): NormalizedEaseModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'normalized-ease')
      throw new Error(`not a normalized-ease model artifact (algorithm '${String(header['algorithm'])}')`);
    return {
      algorithm: 'normalized-ease',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      valueExponent: header['valueExponent'] as number,
      weights: arrays['weights'] as Float32Array,
    };
  },
};
