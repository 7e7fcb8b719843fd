import { z } from 'zod';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import { bprMemory, type BprMemory } from './bpr-kernels';
import { played, random } from './bpr-sampling';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { TopK } from './top-k';

export const bprParams = z
  .object({
    // Defaults: cornac's BPR as tuned on MovieLens 100k (Microsoft Recommenders' benchmark).
    /** Latent dimensions of member and title vectors. */
    factors: z.number().int().positive().max(1024).default(200),
    /** Passes over the positives; each pass draws as many (member, played, unplayed) triples as there are plays. */
    epochs: z.number().int().positive().max(10_000).default(300),
    /** Triples per gradient step on a GPU (tfjs-node-gpu); on CPUs every triple is one SGD step. */
    batchSize: z
      .number()
      .int()
      .positive()
      .max(1 << 20)
      .default(1024),
    /** Step size: of SGD on CPUs, of Adam on a GPU. */
    learningRate: z.number().positive().max(10).default(0.01),
    /** L2 weight on the member, title and bias parameters of each triple (λ_Θ in Rendle et al. 2009). */
    regularization: z.number().min(0).max(100).default(0.01),
    /** Seeds the initial vectors and the sampled triples: a run on CPUs is reproducible from it. */
    seed: z.number().int().default(42),
  })
  .strict();

export type BprParams = z.infer<typeof bprParams>;

export interface BprModel extends TrainedModel {
  factors: number;
  /** numUsers × factors, row-major. */
  userFactors: Float32Array;
  /** numItems × factors, row-major. */
  itemFactors: Float32Array;
  itemBias: Float32Array;
}

/** The trained parameters. */
export type BprFactors = Omit<BprModel, keyof TrainedModel>;

/** Triples between yields to the event loop (progress, cancellation). */
const SLICE = 1 << 15;

/** −ln σ(x), without overflow for large |x|. */
const softplusNeg = (x: number) => (x > 0 ? Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)) - x);

interface SgdState {
  memory: BprMemory;
  /** Byte offset of the title vectors. */
  titles: number;
  b: Float64Array;
  lr: number;
  reg: number;
  owner: Int32Array;
  indptr: Int32Array;
  indices: Int32Array;
  numItems: number;
}

/** `count` LearnBPR draws (a draw whose title j was played is skipped). */
function sgdSteps(state: SgdState, count: number, next: () => number): { loss: number; steps: number } {
  const { memory, titles, b, lr, reg, owner, indptr, indices, numItems } = state;
  const { difference, update } = memory.kernels;
  const bytes = 4 * memory.stride;
  const plays = indices.length;
  let loss = 0;
  let steps = 0;
  for (let s = 0; s < count; s++) {
    const at = Math.floor(next() * plays);
    const u = owner[at] as number;
    const i = indices[at] as number;
    const j = Math.floor(next() * numItems);
    if (played(indices, indptr[u] as number, indptr[u + 1] as number, j)) continue;
    const pu = u * bytes;
    const qi = titles + i * bytes;
    const qj = titles + j * bytes;
    const x = (b[i] as number) - (b[j] as number) + difference(pu, qi, qj, bytes);
    const z = 1 / (1 + Math.exp(x));
    loss += softplusNeg(x);
    steps++;
    update(pu, qi, qj, bytes, z, lr, reg);
    b[i] = (b[i] as number) + lr * (z - reg * (b[i] as number));
    b[j] = (b[j] as number) + lr * (-z - reg * (b[j] as number));
  }
  return { loss, steps };
}

/**
 * BPR (Rendle et al. 2009, "BPR: Bayesian Personalized Ranking from Implicit Feedback"), matrix
 * factorisation with title biases, x̂_uij = p_u·(q_i − q_j) + b_i − b_j, trained by LearnBPR (§4.2):
 * draw a play (u, i) uniformly and an unplayed title j uniformly, then one SGD step on
 * ln σ(x̂_uij) − λ‖Θ_uij‖², with z = σ(−x̂_uij): p_u += η(z(q_i − q_j) − λp_u), q_i += η(z·p_u − λq_i),
 * q_j += η(−z·p_u − λq_j), b_i += η(z − λb_i), b_j += η(−z − λb_j) (as cornac does). Each step touches
 * three vectors, so the vector halves run as WebAssembly SIMD kernels on float32 vectors (tensor
 * operations would cost more to dispatch than the work they do).
 */
async function fitSgd(
  data: InteractionMatrix,
  params: BprParams,
  context: TrainContext,
): Promise<BprFactors> {
  const { factors: k, learningRate: lr, regularization: reg } = params;
  const { numUsers, numItems, indptr, indices } = data;
  const next = random(params.seed);
  const memory = bprMemory(numUsers, numItems, k);
  const { vectors, stride } = memory;
  // Uniform in [−0.5, 0.5) / k, as cornac starts; the padding past k stays zero.
  for (let r = 0; r < numUsers + numItems; r++)
    for (let f = 0; f < k; f++) vectors[r * stride + f] = (next() - 0.5) / k;
  const b = new Float64Array(numItems);
  const plays = indices.length;
  const owner = new Int32Array(plays);
  for (let u = 0; u < numUsers; u++) owner.fill(u, indptr[u] as number, indptr[u + 1] as number);

  const state: SgdState = {
    memory,
    titles: 4 * numUsers * stride,
    b,
    lr,
    reg,
    owner,
    indptr,
    indices,
    numItems,
  };
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    let loss = 0;
    let steps = 0;
    for (let from = 0; from < plays; from += SLICE) {
      const to = Math.min(plays, from + SLICE);
      const slice = sgdSteps(state, to - from, next);
      loss += slice.loss;
      steps += slice.steps;
      if (to < plays) {
        await new Promise((resolve) => setImmediate(resolve));
        context.signal?.throwIfAborted();
      }
    }
    context.onProgress?.({
      step: 'epoch',
      done: epoch + 1,
      total: params.epochs,
      detail: { loss: loss / Math.max(1, steps) },
    });
    await new Promise((resolve) => setImmediate(resolve));
    context.signal?.throwIfAborted();
  }
  return {
    factors: k,
    userFactors: unpad(vectors, 0, numUsers, stride, k),
    itemFactors: unpad(vectors, numUsers, numItems, stride, k),
    itemBias: Float32Array.from(b),
  };
}

/** Rows [first, first + count) of `vectors` (stride floats apart) as a dense count × k array. */
function unpad(vectors: Float32Array, first: number, count: number, stride: number, k: number): Float32Array {
  const out = new Float32Array(count * k);
  for (let r = 0; r < count; r++)
    out.set(vectors.subarray((first + r) * stride, (first + r) * stride + k), r * k);
  return out;
}

/** Whether tfjs-node-gpu is installed: then BPR trains on the GPU with tfjs. */
function gpuInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

/** Members scored together, and titles per tile: a tile of title vectors stays in cache for the batch. */
const MEMBER_BATCH = 1024;
const TITLE_TILE = 256;

/**
 * Top k of p_u · q_j + b_j over unplayed titles j, for a batch of members at a time (rows `start` to
 * `end` of `users`), title tile by title tile, each member keeping a heap and a cursor in their history.
 */
function recommendBatch(
  model: BprModel,
  seen: InteractionMatrix,
  users: Int32Array,
  start: number,
  end: number,
  heaps: TopK[],
  out: Recommendations,
): void {
  const { factors, userFactors, itemFactors, itemBias } = model;
  const n = model.itemIds.length;
  const cursors = Int32Array.from(
    { length: end - start },
    (_, b) => seen.indptr[users[start + b] as number] as number,
  );
  heaps.forEach((heap) => heap.reset());
  for (let tile = 0; tile < n; tile += TITLE_TILE) {
    const tileEnd = Math.min(n, tile + TITLE_TILE);
    for (let b = 0; b < end - start; b++) {
      const u = users[start + b] as number;
      const heap = heaps[b] as TopK;
      const historyEnd = seen.indptr[u + 1] as number;
      const pu = u * factors;
      let e = cursors[b] as number;
      for (let j = tile; j < tileEnd; j++) {
        while (e < historyEnd && (seen.indices[e] as number) < j) e++;
        if (e < historyEnd && seen.indices[e] === j) continue;
        const qj = j * factors;
        let s = itemBias[j] as number;
        for (let f = 0; f < factors; f++)
          s += (userFactors[pu + f] as number) * (itemFactors[qj + f] as number);
        heap.push(j, s);
      }
      cursors[b] = e;
    }
  }
  for (let b = 0; b < end - start; b++)
    (heaps[b] as TopK).drainSorted(out.items, out.scores, (start + b) * out.k);
}

export const bpr: Algorithm<BprParams, BprModel> = {
  name: 'bpr',
  description: 'BPR matrix factorisation with title biases (Rendle et al. 2009), SGD on CPUs, tfjs on a GPU',
  params: bprParams,

  async train(data: InteractionMatrix, input: BprParams, context: TrainContext = {}) {
    const params = bprParams.parse(input);
    context.signal?.throwIfAborted();
    const factors = gpuInstalled()
      ? await (await import('./bpr-tensor')).fitBprWithTensors(data, params, context)
      : await fitSgd(data, params, context);
    return { algorithm: 'bpr', userIds: data.userIds, itemIds: data.itemIds, ...factors };
  },

  recommend(model: BprModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    const n = model.itemIds.length;
    if (seen.numItems !== n)
      throw new Error(
        `bpr model has ${n} titles but the history matrix has ${seen.numItems}; rebuild it with the model's itemIds`,
      );
    for (const u of users)
      if (!(u >= 0 && u < seen.numUsers && u < model.userIds.length))
        throw new Error(
          `bpr recommend: member index ${u} is outside the model (${model.userIds.length} members) or the history matrix`,
        );
    const out = {
      k,
      users,
      items: new Int32Array(users.length * k),
      scores: new Float32Array(users.length * k),
    };
    const heaps = Array.from({ length: Math.min(MEMBER_BATCH, users.length) }, () => new TopK(k));
    for (let start = 0; start < users.length; start += MEMBER_BATCH)
      recommendBatch(model, seen, users, start, Math.min(users.length, start + MEMBER_BATCH), heaps, out);
    return out;
  },

  serialize(model: BprModel): Uint8Array {
    const { algorithm, userIds, itemIds, factors, userFactors, itemFactors, itemBias } = model;
    return packArtifact({ algorithm, userIds, itemIds, factors }, { userFactors, itemFactors, itemBias });
  },

  deserialize(bytes: Uint8Array): BprModel {
    const { header, arrays } = unpackArtifact(bytes);
    if (header['algorithm'] !== 'bpr')
      throw new Error(`not a bpr model artifact (algorithm '${String(header['algorithm'])}')`);
    return {
      algorithm: 'bpr',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      factors: header['factors'] as number,
      userFactors: arrays['userFactors'] as Float32Array,
      itemFactors: arrays['itemFactors'] as Float32Array,
      itemBias: arrays['itemBias'] as Float32Array,
    };
  },
};
