import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { transpose, type InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { TopK, recommendEach } from './top-k';

export const itemKnnParams = z
  .object({
    /** Neighbours kept per title, for "Because you watched" rows; the other similarities are dropped. */
    neighbours: z.number().int().positive().max(10_000).default(50),
    /** How many of each played title's nearest neighbours score a member (10 is best on ml-100k). */
    scoringNeighbours: z.number().int().positive().max(10_000).default(10),
    /** Added to the cosine denominator, so titles with few common members look less alike. */
    shrinkage: z.number().min(0).max(1e6).default(10),
    /** Every stored interaction counts 1 (played or not), instead of its value (count, rating). */
    binarize: z.boolean().default(true),
  })
  .strict();

export type ItemKnnParams = z.infer<typeof itemKnnParams>;

/** Each title's neighbours, best first, as CSR: title i's are at [indptr[i], indptr[i + 1]). */
export interface ItemKnnModel extends TrainedModel {
  binarize: boolean;
  scoringNeighbours: number;
  indptr: Int32Array;
  indices: Int32Array;
  similarities: Float32Array;
}

/**
 * Cosine similarity of two titles' member columns (Sarwar et al. 2001, eq. in §3.1.1), shrunk by a
 * term in the denominator as in the ItemKNN baseline of Ferrari Dacrema et al. 2019:
 * sim(i, j) = xᵢ·xⱼ / (‖xᵢ‖‖xⱼ‖ + shrinkage). Each pair's dot product sums the same members in the
 * same order from either side, so sim(i, j) and sim(j, i) are bit-identical.
 */
async function neighbourLists(
  data: InteractionMatrix,
  params: ItemKnnParams,
  context: TrainContext,
): Promise<Pick<ItemKnnModel, 'indptr' | 'indices' | 'similarities'>> {
  const n = data.numItems;
  const byItem = transpose(data);
  const value = (m: InteractionMatrix, p: number) => (params.binarize ? 1 : (m.values[p] as number));
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = byItem.indptr[i] as number; p < (byItem.indptr[i + 1] as number); p++)
      s += value(byItem, p) ** 2;
    norms[i] = Math.sqrt(s);
  }
  const dots = new Float64Array(n);
  const touched = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  const heap = new TopK(params.neighbours);
  const bestItems = new Int32Array(params.neighbours);
  const bestScores = new Float32Array(params.neighbours);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * params.neighbours);
  const similarities = new Float32Array(n * params.neighbours);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let p = byItem.indptr[i] as number; p < (byItem.indptr[i + 1] as number); p++) {
      const u = byItem.indices[p] as number;
      const xi = value(byItem, p);
      for (let q = data.indptr[u] as number; q < (data.indptr[u + 1] as number); q++) {
        const j = data.indices[q] as number;
        if (j === i) continue;
        if (mark[j] !== i) {
          mark[j] = i;
          touched[count++] = j;
        }
        dots[j] = (dots[j] as number) + xi * value(data, q);
      }
    }
    heap.reset();
    for (let t = 0; t < count; t++) {
      const j = touched[t] as number;
      const sim = (dots[j] as number) / ((norms[i] as number) * (norms[j] as number) + params.shrinkage);
      if (sim > 0) heap.push(j, sim);
      dots[j] = 0;
    }
    heap.drainSorted(bestItems, bestScores, 0);
    for (let t = 0; t < params.neighbours && (bestItems[t] as number) >= 0; t++, kept++) {
      indices[kept] = bestItems[t] as number;
      similarities[kept] = bestScores[t] as number;
    }
    indptr[i + 1] = kept;
    if ((i & 255) === 255 || i === n - 1) {
      context.onProgress?.({ step: 'similarities', done: i + 1, total: n });
      await new Promise((resolve) => setImmediate(resolve));
      context.signal?.throwIfAborted();
    }
  }
  return { indptr, indices: indices.slice(0, kept), similarities: similarities.slice(0, kept) };
}

/** A title's nearest titles for "Because you watched <title>", best first (at most the model keeps). */
export function neighbours(
  model: ItemKnnModel,
  itemIndex: number,
  n: number,
): { items: Int32Array; similarities: Float32Array } {
  if (!Number.isInteger(itemIndex) || itemIndex < 0 || itemIndex >= model.itemIds.length)
    throw new Error(
      `item-knn neighbours: title index ${itemIndex} is outside the model's ${model.itemIds.length} titles`,
    );
  const start = model.indptr[itemIndex] as number;
  const end = Math.min(model.indptr[itemIndex + 1] as number, start + Math.max(0, n));
  return { items: model.indices.slice(start, end), similarities: model.similarities.slice(start, end) };
}

/** A member's score for title j: Σ over their history i of x_ui · sim(i, j), over i's nearest neighbours. */
function scoreMember(model: ItemKnnModel, seen: InteractionMatrix, u: number, out: Float32Array): void {
  out.fill(0);
  for (let p = seen.indptr[u] as number; p < (seen.indptr[u + 1] as number); p++) {
    const i = seen.indices[p] as number;
    const x = model.binarize ? 1 : (seen.values[p] as number);
    const end = Math.min(
      model.indptr[i + 1] as number,
      (model.indptr[i] as number) + model.scoringNeighbours,
    );
    for (let q = model.indptr[i] as number; q < end; q++) {
      const j = model.indices[q] as number;
      out[j] = (out[j] as number) + x * (model.similarities[q] as number);
    }
  }
}

/** Item-to-item collaborative filtering on sparse top-N cosine neighbours (Sarwar et al. 2001). */
export const itemKnn: Algorithm<ItemKnnParams, ItemKnnModel> = {
  name: 'item-knn',
  description: 'item-to-item cosine neighbours (with shrinkage); powers "Because you watched"',
  params: itemKnnParams,

  async train(data: InteractionMatrix, input: ItemKnnParams, context: TrainContext = {}) {
    const params = itemKnnParams.parse(input);
    const lists = await neighbourLists(data, params, context);
    return {
      algorithm: 'item-knn',
      userIds: data.userIds,
      itemIds: data.itemIds,
      binarize: params.binarize,
      scoringNeighbours: params.scoringNeighbours,
      ...lists,
    };
  },

  recommend(model: ItemKnnModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    const n = model.itemIds.length;
    if (seen.numItems !== n)
      throw new Error(
        `item-knn model has ${n} titles but the history matrix has ${seen.numItems}; rebuild it with the model's itemIds`,
      );
    return recommendEach('item-knn', seen, users, k, n, (u, row) => scoreMember(model, seen, u, row));
  },

  serialize(model: ItemKnnModel): Uint8Array {
    const { algorithm, userIds, itemIds, binarize, scoringNeighbours, indptr, indices, similarities } = model;
    return packArtifact(
      { algorithm, userIds, itemIds, binarize, scoringNeighbours },
      { indptr, indices, similarities },
    );
  },

  deserialize(bytes: Uint8Array): ItemKnnModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'item-knn')
      throw new Error(`not an item-knn model artifact (algorithm '${String(header['algorithm'])}')`);
    return {
      algorithm: 'item-knn',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      binarize: header['binarize'] as boolean,
      scoringNeighbours: header['scoringNeighbours'] as number,
      indptr: arrays['indptr'] as Int32Array,
      indices: arrays['indices'] as Int32Array,
      similarities: arrays['similarities'] as Float32Array,
    };
  },
};
