import { initTensorBackend, tf } from '@marquee/tensor';
import type { TrainContext } from './algorithm';
import type { BprFactors, BprParams } from './bpr';
import { gaussian, random, sampleTriples } from './bpr-sampling';
import type { InteractionMatrix } from './matrix';

/**
 * BPR with tfjs, for a host with tfjs-node-gpu: mini-batches of `batchSize` triples, minimising the mean
 * of −ln σ(x̂_uij) + λ(‖p_u‖² + ‖q_i‖² + ‖q_j‖² + b_i² + b_j²) (BPR-Opt, §4.1) with Adam, so each step is
 * a few large tensor operations a GPU runs well.
 */
export async function fitBprWithTensors(
  data: InteractionMatrix,
  params: BprParams,
  context: TrainContext,
): Promise<BprFactors> {
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
