import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { als, type AlsModel } from './als';
import { ease, type EaseModel } from './ease';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { TopK } from './top-k';

export const easeAlsParams = z
  .object({
    /** EASE's λ. */
    lambda: z.number().positive().max(1e9).default(400),
    /** ALS's factors, λ, alpha and iterations. */
    factors: z.number().int().min(1).max(1024).default(128),
    regularization: z.number().min(0).max(1e6).default(20),
    alpha: z.number().positive().max(1e6).default(0.4),
    iterations: z.number().int().min(1).max(1000).default(30),
    /** ALS's share of a title's blended score; EASE has the rest. */
    weight: z.number().min(0).max(1).default(0.4),
    /** Titles taken from each model's top list per member before blending. */
    candidates: z.number().int().min(1).max(10_000).default(100),
  })
  .strict();

export type EaseAlsParams = z.infer<typeof easeAlsParams>;

export interface EaseAlsModel extends TrainedModel {
  weight: number;
  candidates: number;
  ease: EaseModel;
  als: AlsModel;
}

/**
 * EASE and ALS blended: each model's top `candidates` titles for a member, their scores scaled to
 * [0, 1] within that list, summed with weights `1 - weight` and `weight`. The two make different
 * mistakes (EASE item-to-item, ALS low-rank), so the blend ranks better than either on MovieLens.
 * Built only on the two algorithms' public train/recommend/serialize, so either may change inside.
 */
export const easeAls: Algorithm<EaseAlsParams, EaseAlsModel> = {
  name: 'ease-als',
  description: 'EASE and ALS, their top lists blended by scaled score',
  params: easeAlsParams,
  searchSpace: {
    ranges: {
      lambda: { kind: 'log', min: 100, max: 2000 },
      factors: { kind: 'int', min: 32, max: 256, log: true },
      regularization: { kind: 'log', min: 1, max: 100 },
      alpha: { kind: 'log', min: 0.05, max: 2 },
      weight: { kind: 'choice', values: [0.2, 0.3, 0.4, 0.5, 0.6] },
      iterations: { kind: 'int', min: 10, max: 40 },
    },
    budget: 'iterations',
  },

  async train(
    data: InteractionMatrix,
    params: EaseAlsParams,
    context: TrainContext = {},
  ): Promise<EaseAlsModel> {
    const easeModel = await ease.train(data, ease.params.parse({ lambda: params.lambda }), context);
    const alsModel = await als.train(
      data,
      als.params.parse({
        factors: params.factors,
        regularization: params.regularization,
        alpha: params.alpha,
        iterations: params.iterations,
      }),
      context,
    );
    return {
      algorithm: 'ease-als',
      userIds: data.userIds,
      itemIds: data.itemIds,
      weight: params.weight,
      candidates: params.candidates,
      ease: easeModel,
      als: alsModel,
    };
  },

  recommend(model: EaseAlsModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    const c = Math.max(k, model.candidates);
    const lists = [ease.recommend(model.ease, seen, users, c), als.recommend(model.als, seen, users, c)];
    const weights = [1 - model.weight, model.weight];
    const items = new Int32Array(users.length * k);
    const scores = new Float32Array(users.length * k);
    const blended = new Map<number, number>();
    const heap = new TopK(k);
    for (let r = 0; r < users.length; r++) {
      blended.clear();
      lists.forEach((list, l) => addScaled(blended, list, r, weights[l] as number));
      heap.reset();
      for (const [item, score] of blended) heap.push(item, score);
      heap.drainSorted(items, scores, r * k);
    }
    return { k, users, items, scores };
  },

  serialize(model: EaseAlsModel): Uint8Array {
    const parts = { ease: ease.serialize(model.ease), als: als.serialize(model.als) };
    return packArtifact(
      {
        algorithm: 'ease-als',
        userIds: model.userIds,
        itemIds: model.itemIds,
        weight: model.weight,
        candidates: model.candidates,
        bytes: { ease: parts.ease.length, als: parts.als.length },
      },
      { ease: asWords(parts.ease), als: asWords(parts.als) },
    );
  },

  deserialize(bytes: Uint8Array): EaseAlsModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'ease-als')
      throw new Error(`not an ease-als artifact: ${String(header['algorithm'])}`);
    const sizes = header['bytes'] as { ease: number; als: number };
    const part = (name: 'ease' | 'als') => {
      const words = arrays[name];
      if (!words) throw new Error(`ease-als artifact lacks its ${name} model`);
      return new Uint8Array(words.buffer, words.byteOffset, sizes[name]);
    };
    return {
      algorithm: 'ease-als',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      weight: header['weight'] as number,
      candidates: header['candidates'] as number,
      ease: ease.deserialize(part('ease')),
      als: als.deserialize(part('als')),
    };
  },
};

/** Adds member row `r` of `list`, scores scaled to [0, 1] by the list's own range, times `weight`. */
function addScaled(blended: Map<number, number>, list: Recommendations, r: number, weight: number): void {
  const start = r * list.k;
  let max = -Infinity;
  let min = Infinity;
  let n = 0;
  for (; n < list.k && (list.items[start + n] as number) >= 0; n++) {
    const s = list.scores[start + n] as number;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const range = max - min || 1;
  for (let i = 0; i < n; i++) {
    const item = list.items[start + i] as number;
    const scaled = ((list.scores[start + i] as number) - min) / range;
    blended.set(item, (blended.get(item) ?? 0) + weight * scaled);
  }
}

/** Bytes padded to whole 32-bit words, so they travel as an artifact array. */
function asWords(bytes: Uint8Array): Int32Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  return new Int32Array(padded.buffer);
}
