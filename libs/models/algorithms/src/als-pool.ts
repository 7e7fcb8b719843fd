import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AlsRunner, type AlsPhase, type AlsState } from './als-engine';

/** Runs ALS phases on the calling thread or on worker threads; training code does not care which. */
export interface AlsExecutor {
  /** Runs `phase` on every part (thread) and resolves when all have finished. */
  all(phase: AlsPhase): Promise<void>;
  close(): Promise<void>;
}

/** threads = 1: the phases run here, yielding to the event loop between them. */
export class InlineExecutor implements AlsExecutor {
  private readonly runner: AlsRunner;
  constructor(state: AlsState) {
    this.runner = new AlsRunner(state, 0);
  }
  async all(phase: AlsPhase): Promise<void> {
    this.runner.run(phase);
    await new Promise((resolve) => setImmediate(resolve));
  }
  async close(): Promise<void> {}
}

/** threads > 1: one worker per part, all bound to the state's shared memory. */
export class WorkerExecutor implements AlsExecutor {
  private readonly pending: Array<{ resolve: () => void; reject: (error: Error) => void } | undefined>;
  /** Set once a worker has died: every later phase fails with it instead of waiting forever. */
  private failure: Error | undefined;
  private closing = false;

  private constructor(private readonly workers: Worker[]) {
    this.pending = workers.map(() => undefined);
    workers.forEach((worker, t) => {
      const settle = (error?: Error) => {
        const waiting = this.pending[t];
        this.pending[t] = undefined;
        if (error) waiting?.reject(error);
        else waiting?.resolve();
      };
      const fail = (error: Error) => {
        if (this.closing) return;
        this.failure ??= error;
        settle(error);
      };
      worker.on('message', () => settle());
      worker.on('error', (error) => fail(new Error(`ALS worker ${t} failed: ${error.message}`)));
      worker.on('exit', (code) => fail(new Error(`ALS worker ${t} exited unexpectedly (code ${code})`)));
    });
  }

  /** Starts the workers from the compiled tree (als-worker.js beside this file). */
  static start(state: AlsState): WorkerExecutor {
    const file = path.join(__dirname, 'als-worker.js');
    return new WorkerExecutor(
      Array.from({ length: state.parts }, (_, part) => new Worker(file, { workerData: { state, part } })),
    );
  }

  all(phase: AlsPhase): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return Promise.all(
      this.workers.map(
        (worker, t) =>
          new Promise<void>((resolve, reject) => {
            this.pending[t] = { resolve, reject };
            worker.postMessage(phase);
          }),
      ),
    ).then(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
