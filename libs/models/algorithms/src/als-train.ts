import type { TrainContext } from './algorithm';
import { alsLayout, type AlsSide, type AlsState } from './als-engine';
import { paddedFactors } from './als-kernels';
import { InlineExecutor, WorkerExecutor, type AlsExecutor } from './als-pool';
import { transpose, type InteractionMatrix } from './matrix';
import { sharedMemory } from './wasm-asm';
import { seededRandom } from './random';

export interface AlsTrainOptions {
  factors: number;
  iterations: number;
  regularization: number;
  alpha: number;
  cgSteps: number;
  seed: number;
  threads: number;
  computeLoss: boolean;
}

export interface AlsFactors {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  /** implicit's normalised training loss after the last iteration (when computed). */
  loss?: number;
}

/** implicit's initialisation: member factors, then title factors, uniform in [0, 0.01). */
export function alsInitialFactors(
  numUsers: number,
  numItems: number,
  factors: number,
  seed: number,
): { userFactors: Float32Array; itemFactors: Float32Array } {
  const random = seededRandom(seed);
  const userFactors = new Float32Array(numUsers * factors);
  const itemFactors = new Float32Array(numItems * factors);
  for (let j = 0; j < userFactors.length; j++) userFactors[j] = random() * 0.01;
  for (let j = 0; j < itemFactors.length; j++) itemFactors[j] = random() * 0.01;
  return { userFactors, itemFactors };
}

/** Lays the training out in one shared memory: interactions both ways, padded factors, scratch. */
function alsState(data: InteractionMatrix, o: AlsTrainOptions): AlsState {
  const items = transpose(data);
  const meta = {
    factors: o.factors,
    n: paddedFactors(o.factors),
    alpha: o.alpha,
    cgSteps: o.cgSteps,
    numUsers: data.numUsers,
    numItems: data.numItems,
    nnz: data.indices.length,
    parts: o.threads,
  };
  const layout = alsLayout(meta);
  const memory = sharedMemory(layout.bytes);
  const { buffer } = memory;
  new Int32Array(buffer, layout.userIndptr, data.numUsers + 1).set(data.indptr);
  new Int32Array(buffer, layout.userIndices, meta.nnz).set(data.indices);
  new Float32Array(buffer, layout.userValues, meta.nnz).set(data.values);
  new Int32Array(buffer, layout.itemIndptr, data.numItems + 1).set(items.indptr);
  new Int32Array(buffer, layout.itemIndices, meta.nnz).set(items.indices);
  new Float32Array(buffer, layout.itemValues, meta.nnz).set(items.values);
  const init = alsInitialFactors(data.numUsers, data.numItems, o.factors, o.seed);
  padRows(
    init.userFactors,
    o.factors,
    new Float32Array(buffer, layout.userFactors, data.numUsers * meta.n),
    meta.n,
  );
  padRows(
    init.itemFactors,
    o.factors,
    new Float32Array(buffer, layout.itemFactors, data.numItems * meta.n),
    meta.n,
  );
  return { ...meta, memory, layout };
}

function padRows(from: Float32Array, f: number, to: Float32Array, n: number): void {
  for (let row = 0; row * f < from.length; row++) to.set(from.subarray(row * f, (row + 1) * f), row * n);
}

function unpadRows(from: Float32Array, n: number, rows: number, f: number): Float32Array {
  const to = new Float32Array(rows * f);
  for (let row = 0; row < rows; row++) to.set(from.subarray(row * n, row * n + f), row * f);
  return to;
}

/** gram = Σ partials (their upper triangles, mirrored) + λI. */
function finishGram(state: AlsState, regularization: number): void {
  const { n, parts, layout, memory } = state;
  const partials = new Float32Array(memory.buffer, layout.partials, parts * n * n);
  const gram = new Float32Array(memory.buffer, layout.gram, n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = a === b ? regularization : 0;
      for (let t = 0; t < parts; t++) s += partials[t * n * n + a * n + b] as number;
      gram[a * n + b] = s;
      gram[b * n + a] = s;
    }
  }
}

/**
 * Alternates member and title solves (implicit's `fit`): each iteration solves every member against
 * the fixed title factors, then every title against the new member factors.
 */
export async function trainAlsFactors(
  data: InteractionMatrix,
  o: AlsTrainOptions,
  context: TrainContext = {},
): Promise<AlsFactors> {
  const state = alsState(data, o);
  const exec: AlsExecutor = o.threads > 1 ? WorkerExecutor.start(state) : new InlineExecutor(state);
  const cursor = new Int32Array(state.memory.buffer, state.layout.cursor, 1);
  let gramOf: AlsSide | undefined;
  const gram = async (of: AlsSide) => {
    await exec.all({ op: 'gram', of });
    finishGram(state, o.regularization);
    gramOf = of;
  };
  const solve = async (side: AlsSide) => {
    cursor[0] = 0;
    await exec.all({ op: 'solve', side });
  };
  let loss: number | undefined;
  try {
    for (let iteration = 0; iteration < o.iterations; iteration++) {
      context.signal?.throwIfAborted();
      const started = performance.now();
      if (gramOf !== 'items') await gram('items');
      await solve('users');
      await gram('users');
      await solve('items');
      const detail: Record<string, number> = { seconds: (performance.now() - started) / 1000 };
      if (o.computeLoss) {
        await gram('items'); // also the YᵀY + λI the next member solve needs
        await exec.all({ op: 'loss' });
        loss = normalisedLoss(state, o.regularization);
        detail['loss'] = loss;
      }
      context.onProgress?.({ step: 'iteration', done: iteration + 1, total: o.iterations, detail });
    }
  } finally {
    await exec.close();
  }
  const { buffer } = state.memory;
  const { layout, n, numUsers, numItems } = state;
  return {
    userFactors: unpadRows(
      new Float32Array(buffer, layout.userFactors, numUsers * n),
      n,
      numUsers,
      o.factors,
    ),
    itemFactors: unpadRows(
      new Float32Array(buffer, layout.itemFactors, numItems * n),
      n,
      numItems,
      o.factors,
    ),
    ...(loss === undefined ? {} : { loss }),
  };
}

/** implicit's `calculate_loss`: the weighted squared error plus λ‖Y‖², per (member, title) cell. */
function normalisedLoss(state: AlsState, regularization: number): number {
  const { memory, layout, parts, numUsers, numItems, n, nnz } = state;
  const losses = new Float64Array(memory.buffer, layout.losses, parts * 2);
  let loss = 0;
  let confidence = 0;
  for (let t = 0; t < parts; t++) {
    loss += losses[2 * t] as number;
    confidence += losses[2 * t + 1] as number;
  }
  let itemNorm = 0;
  for (const v of new Float32Array(memory.buffer, layout.itemFactors, numItems * n)) itemNorm += v * v;
  return (loss + regularization * itemNorm) / (confidence + numUsers * numItems - nnz);
}
