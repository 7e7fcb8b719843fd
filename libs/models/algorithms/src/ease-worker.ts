/** Worker-thread entry of EASE training: takes pieces of the shares of work it is sent against the shared matrix. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachGram, workShare, type EaseShare } from './ease-inverse';
import type { WasmMemory } from './wasm-asm';

const { memory, n, part } = workerData as { memory: WasmMemory; n: number; part: number };
const g = attachGram(memory, n, part);
parentPort?.on('message', (share: EaseShare) => {
  try {
    workShare(g, n, share);
    parentPort?.postMessage({ ok: true });
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: (error as Error).message });
  }
});
