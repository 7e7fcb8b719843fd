import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { FoldIn } from './als-fold-in';
import { FactorScorer } from './als-score';
import { trainAlsFactors } from './als-train';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';

export { alsInitialFactors } from './als-train';

/**
 * Defaults are tuned on MovieLens 100k (`marquee eval --tune`), not implicit's (100 factors, 15
 * iterations, λ 0.01, alpha 1), which lose about 0.16 nDCG@10 there; pass implicit's explicitly to
 * compare with it one to one.
 */
export const alsParams = z
  .object({
    factors: z.number().int().min(1).max(1024).default(128),
    iterations: z.number().int().min(1).max(1000).default(30),
    /** λ of the L2 penalty on both factor matrices. */
    regularization: z.number().min(0).max(1e6).default(20),
    /**
     * Confidence c = 1 + alpha·r of a stored value r (Hu et al. 2008, eq. 2). 0.4 on 1–5 ratings
     * weighs a title about as implicit's tuned alpha 2 does on binary plays.
     */
    alpha: z.number().positive().max(1e6).default(0.4),
    /** Conjugate-gradient steps per row and half-iteration (Takács et al. 2011). */
    cgSteps: z.number().int().min(1).max(64).default(3),
    /** Seeds the initial factors (uniform in [0, 0.01), as implicit). */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Worker threads; defaults to what the runtime offers (TrainContext.threads), else 1. */
    threads: z.number().int().min(1).max(64).optional(),
    /** Report implicit's training loss with every iteration's progress (costs about a third of an iteration). */
    computeLoss: z.boolean().default(false),
  })
  .strict();

export type AlsParams = z.infer<typeof alsParams>;

export interface AlsModel extends TrainedModel {
  params: AlsParams;
  factors: number;
  /** members × factors, row-major. */
  userFactors: Float32Array;
  /** titles × factors, row-major. */
  itemFactors: Float32Array;
  /** Training loss after the last iteration, when computed. */
  loss?: number;
}

// Derived structures, built on first use and kept as long as the model is.
const scorers = new WeakMap<AlsModel, FactorScorer>();
const foldIns = new WeakMap<AlsModel, FoldIn>();

function threadsFor(params: AlsParams, context: TrainContext): number {
  const wanted = params.threads ?? context.threads ?? 1;
  return context.threads ? Math.min(wanted, context.threads) : wanted;
}

/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) trained by alternating least
 * squares with conjugate-gradient solves (Takács, Pilászy & Tikk 2011), matching benfred/implicit's
 * `AlternatingLeastSquares(use_cg=True)` given the same data, except that implicit takes the
 * confidence itself as input (c = alpha·r) where this takes the play strength r (c = 1 + alpha·r).
 */
export const als: Algorithm<AlsParams, AlsModel> = {
  name: 'als',
  description: 'implicit-feedback matrix factorisation (ALS with conjugate gradient); supports fold-in',
  params: alsParams,

  async train(data: InteractionMatrix, params: AlsParams, context: TrainContext = {}): Promise<AlsModel> {
    const trained = await trainAlsFactors(data, { ...params, threads: threadsFor(params, context) }, context);
    return {
      algorithm: 'als',
      userIds: data.userIds,
      itemIds: data.itemIds,
      params,
      factors: params.factors,
      userFactors: trained.userFactors,
      itemFactors: trained.itemFactors,
      ...(trained.loss === undefined ? {} : { loss: trained.loss }),
    };
  },

  recommend(model: AlsModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    let scorer = scorers.get(model);
    if (!scorer?.serves(model.itemFactors)) {
      scorer = new FactorScorer(model.itemFactors, model.itemIds.length, model.factors);
      scorers.set(model, scorer);
    }
    return scorer.recommend(model.userFactors, seen, users, k);
  },

  foldIn(model: AlsModel, history: { items: Int32Array; values: Float32Array }): Float32Array {
    const { regularization, alpha } = model.params;
    let solver = foldIns.get(model);
    if (!solver?.serves(model.itemFactors, regularization, alpha)) {
      solver = new FoldIn(model.itemFactors, model.factors, regularization, alpha);
      foldIns.set(model, solver);
    }
    return solver.solve(history.items, history.values);
  },

  serialize(model: AlsModel): Uint8Array {
    return packArtifact(
      {
        algorithm: model.algorithm,
        userIds: model.userIds,
        itemIds: model.itemIds,
        params: model.params,
        factors: model.factors,
        ...(model.loss === undefined ? {} : { loss: model.loss }),
      },
      { userFactors: model.userFactors, itemFactors: model.itemFactors },
    );
  },

  deserialize(bytes: Uint8Array): AlsModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'als')
      throw new Error(`not an ALS model artifact (algorithm '${String(header['algorithm'])}')`);
    const userIds = header['userIds'] as string[];
    const itemIds = header['itemIds'] as string[];
    const factors = header['factors'] as number;
    const { userFactors, itemFactors } = arrays;
    if (!(userFactors instanceof Float32Array) || userFactors.length !== userIds.length * factors)
      throw new Error(`ALS model artifact: userFactors do not hold ${userIds.length} × ${factors} floats`);
    if (!(itemFactors instanceof Float32Array) || itemFactors.length !== itemIds.length * factors)
      throw new Error(`ALS model artifact: itemFactors do not hold ${itemIds.length} × ${factors} floats`);
    const loss = header['loss'];
    return {
      algorithm: 'als',
      userIds,
      itemIds,
      params: alsParams.parse(header['params']),
      factors,
      userFactors,
      itemFactors,
      ...(typeof loss === 'number' ? { loss } : {}),
    };
  },
};
