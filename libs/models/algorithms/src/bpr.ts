import { z } from 'zod';
import { initTensorBackend, tf } from '@marquee/tensor';
import type { Algorithm, Recommendations, TrainContext, TrainedModel } from './algorithm';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { TopK } from './top-k';

export const bprParams = z
  .object({
    /** Latent dimensions of member and title vectors. */
    factors: z.number().int().positive().max(1024).default(64),
    /** Passes over the positives; each pass samples one unplayed title per play. */
    epochs: z.number().int().positive().max(10_000).default(60),
    /** Triples per gradient step. */
    batchSize: z
      .number()
      .int()
      .positive()
      .max(1 << 20)
      .default(1024),
    /** Adam step size. */
    learningRate: z.number().positive().max(10).default(0.002),
    /** L2 weight on the member, title and bias parameters of each triple (λ_Θ in Rendle et al. 2009). */
    regularization: z.number().min(0).max(100).default(0.01),
    /** Seeds the initial vectors, the order of positives and the sampled negatives. */
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

/** mulberry32: a small seeded generator, so a training run is reproducible on any backend. */
function random(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N(0, scale²) values (Box–Muller). */
function gaussian(length: number, scale: number, next: () => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++)
    out[i] = scale * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return out;
}

/** Whether sorted `indices[start..end)` holds `item`. */
function played(indices: Int32Array, start: number, end: number, item: number): boolean {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid] as number;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Fills one mini-batch of (member, played title, unplayed title) triples from the shuffled positives
 * order[from .. from + batch size), drawing each unplayed title uniformly; returns the batch's size.
 */
function sampleTriples(
  data: InteractionMatrix,
  owner: Int32Array,
  order: Int32Array,
  from: number,
  next: () => number,
  batch: { users: Int32Array; positives: Int32Array; negatives: Int32Array },
): number {
  let size = 0;
  const to = Math.min(order.length, from + batch.users.length);
  for (let t = from; t < to; t++) {
    const p = order[t] as number;
    const u = owner[p] as number;
    const start = data.indptr[u] as number;
    const end = data.indptr[u + 1] as number;
    if (end - start >= data.numItems) continue; // played everything: no negative to contrast
    let j: number;
    do j = Math.floor(next() * data.numItems);
    while (played(data.indices, start, end, j));
    batch.users[size] = u;
    batch.positives[size] = data.indices[p] as number;
    batch.negatives[size] = j;
    size++;
  }
  return size;
}

/**
 * BPR (Rendle et al. 2009, "BPR: Bayesian Personalized Ranking from Implicit Feedback"), matrix
 * factorisation with title biases, x̂_uij = p_u·(q_i − q_j) + b_i − b_j, minimising the mean over a
 * mini-batch of −ln σ(x̂_uij) + λ(‖p_u‖² + ‖q_i‖² + ‖q_j‖² + b_i² + b_j²) (BPR-Opt, §4.1) with Adam.
 * Trains with tfjs, so a host with tfjs-node-gpu runs the same code on its GPU.
 */
async function fit(
  data: InteractionMatrix,
  params: BprParams,
  context: TrainContext,
): Promise<Omit<BprModel, keyof TrainedModel>> {
  await initTensorBackend();
  const { factors, batchSize, regularization } = params;
  const next = random(params.seed);
  const scale = 0.1;
  const [userFactors, itemFactors, itemBias] = tf.tidy(() => [
    tf.variable(tf.tensor2d(gaussian(data.numUsers * factors, scale, next), [data.numUsers, factors])),
    tf.variable(tf.tensor2d(gaussian(data.numItems * factors, scale, next), [data.numItems, factors])),
    tf.variable(tf.zeros([data.numItems])),
  ]);
  const optimizer = tf.train.adam(params.learningRate);
  const owner = new Int32Array(data.indices.length);
  for (let u = 0; u < data.numUsers; u++)
    owner.fill(u, data.indptr[u] as number, data.indptr[u + 1] as number);
  const order = Int32Array.from(owner, (_, p) => p);
  const batch = {
    users: new Int32Array(batchSize),
    positives: new Int32Array(batchSize),
    negatives: new Int32Array(batchSize),
  };

  // tfjs-core alone registers no autodiff gradients, so the BPR gradient is written out (LearnBPR,
  // Rendle et al. 2009, §4.2): with g = −σ(−x̂_uij) / batch, ∂/∂p_u = g(q_i − q_j), ∂/∂q_i = g·p_u,
  // ∂/∂q_j = −g·p_u, ∂/∂b_i = g, ∂/∂b_j = −g, each plus 2λ/batch times the parameter. Rows that repeat
  // in a batch sum (scatterND); Adam then updates the full tables.
  const step = (size: number): tf.Scalar =>
    tf.tidy(() => {
      const u = tf.tensor1d(batch.users.subarray(0, size), 'int32');
      const i = tf.tensor1d(batch.positives.subarray(0, size), 'int32');
      const j = tf.tensor1d(batch.negatives.subarray(0, size), 'int32');
      const pu = tf.gather(userFactors, u);
      const qi = tf.gather(itemFactors, i);
      const qj = tf.gather(itemFactors, j);
      const bi = tf.gather(itemBias, i);
      const bj = tf.gather(itemBias, j);
      const diff = tf.sub(qi, qj);
      const x = tf.add(tf.sum(tf.mul(pu, diff), 1), tf.sub(bi, bj));
      const g = tf.div(tf.neg(tf.sigmoid(tf.neg(x))), size);
      const gRow = tf.expandDims(g, 1);
      const decay = (2 * regularization) / size;
      const items = tf.reshape(tf.concat([i, j]), [2 * size, 1]);
      const itemRows = tf.concat([
        tf.add(tf.mul(gRow, pu), tf.mul(decay, qi)),
        tf.sub(tf.mul(decay, qj), tf.mul(gRow, pu)),
      ]);
      const biasRows = tf.concat([tf.add(g, tf.mul(decay, bi)), tf.sub(tf.mul(decay, bj), g)]);
      const userRows = tf.add(tf.mul(gRow, diff), tf.mul(decay, pu));
      optimizer.applyGradients([
        {
          name: userFactors.name,
          tensor: tf.scatterND(tf.reshape(u, [size, 1]), userRows, userFactors.shape),
        },
        { name: itemFactors.name, tensor: tf.scatterND(items, itemRows, itemFactors.shape) },
        { name: itemBias.name, tensor: tf.scatterND(items, biasRows, itemBias.shape) },
      ]);
      const squares = tf.addN([pu, qi, qj, bi, bj].map((v) => tf.sum(tf.square(v))));
      return tf.add(tf.neg(tf.mean(tf.logSigmoid(x))), tf.mul(regularization / size, squares));
    });

  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      context.signal?.throwIfAborted();
      for (let t = order.length - 1; t > 0; t--) {
        const s = Math.floor(next() * (t + 1));
        const swap = order[t] as number;
        order[t] = order[s] as number;
        order[s] = swap;
      }
      const losses: tf.Scalar[] = [];
      const sizes: number[] = [];
      for (let from = 0; from < order.length; from += batchSize) {
        const size = sampleTriples(data, owner, order, from, next, batch);
        if (size === 0) continue;
        losses.push(step(size));
        sizes.push(size);
        if (losses.length % 64 === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          context.signal?.throwIfAborted();
        }
      }
      // One read per epoch, so a GPU is not synchronised after every step.
      const values = losses.length > 0 ? tf.tidy(() => tf.stack(losses).dataSync()) : [];
      tf.dispose(losses);
      let loss = 0;
      let triples = 0;
      values.forEach((v, b) => {
        loss += v * (sizes[b] as number);
        triples += sizes[b] as number;
      });
      context.onProgress?.({
        step: 'epoch',
        done: epoch + 1,
        total: params.epochs,
        detail: { loss: loss / Math.max(1, triples) },
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      factors,
      userFactors: new Float32Array(userFactors.dataSync()),
      itemFactors: new Float32Array(itemFactors.dataSync()),
      itemBias: new Float32Array(itemBias.dataSync()),
    };
  } finally {
    optimizer.dispose();
    tf.dispose([userFactors, itemFactors, itemBias]);
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
  description: 'BPR matrix factorisation with title biases (Rendle et al. 2009), trained with tfjs and Adam',
  params: bprParams,

  async train(data: InteractionMatrix, input: BprParams, context: TrainContext = {}) {
    const params = bprParams.parse(input);
    const factors = await fit(data, params, context);
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
