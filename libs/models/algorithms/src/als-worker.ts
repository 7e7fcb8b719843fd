/** Worker-thread entry of ALS training: runs the phases it is sent against the shared state. */
import { parentPort, workerData } from 'node:worker_threads';
import { AlsRunner, type AlsPhase, type AlsState } from './als-engine';

const { state, part } = workerData as { state: AlsState; part: number };
const runner = new AlsRunner(state, part);
parentPort?.on('message', (phase: AlsPhase) => {
  runner.run(phase);
  parentPort?.postMessage('done');
});
