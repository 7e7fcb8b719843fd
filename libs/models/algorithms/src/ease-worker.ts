/** Worker-thread entry of EASE training: runs the units it is sent against the shared matrix. */
import { parentPort, workerData } from 'node:worker_threads';
import { attachGram, runUnit, type EaseUnit } from './ease-inverse';
import type { WasmMemory } from './wasm-asm';

const { memory, n, part } = workerData as { memory: WasmMemory; n: number; part: number };
const g = attachGram(memory, n, part);
parentPort?.on('message', (unit: EaseUnit) => {
  try {
    runUnit(g, n, unit);
    parentPort?.postMessage({ ok: true });
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: (error as Error).message });
  }
});
