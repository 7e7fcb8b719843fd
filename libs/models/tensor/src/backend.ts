import * as tf from '@tensorflow/tfjs-core';

export type TensorBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  backend: TensorBackend;
  /** Which package provided it, and why better ones were skipped. */
  provider: string;
  skipped: string[];
}

let chosen: Promise<BackendChoice> | undefined;

function tryRequire(name: string): string | undefined {
  try {
    require(name);
    return undefined;
  } catch (error) {
    return `${name}: ${(error as Error).message.split('\n')[0]}`;
  }
}

async function choose(): Promise<BackendChoice> {
  const skipped: string[] = [];
  // Native TensorFlow first (GPU, then CPU build); their install needs libtensorflow, often absent.
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const failure = tryRequire(name);
    if (!failure && (await tf.setBackend('tensorflow')))
      return { backend: 'tensorflow', provider: name, skipped };
    skipped.push(failure ?? `${name}: backend did not initialise`);
  }
  const wasmFailure = tryRequire('@tensorflow/tfjs-backend-wasm');
  if (!wasmFailure) {
    try {
      if (await tf.setBackend('wasm'))
        return { backend: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', skipped };
      skipped.push('@tensorflow/tfjs-backend-wasm: backend did not initialise');
    } catch (error) {
      skipped.push(`@tensorflow/tfjs-backend-wasm: ${(error as Error).message}`);
    }
  } else skipped.push(wasmFailure);
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return { backend: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', skipped };
}

/** Picks the best tensor backend once per process: tensorflow (tfjs-node-gpu / tfjs-node) > wasm > cpu. */
export function initTensorBackend(): Promise<BackendChoice> {
  chosen ??= choose().then(async (choice) => {
    await tf.ready();
    return choice;
  });
  return chosen;
}

export { tf };
