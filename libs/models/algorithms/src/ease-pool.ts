import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { workShare, type EaseShare, type GramBuffer } from './ease-inverse';

/**
 * Works through shares of EASE work on the calling thread and on worker threads bound to the matrix's
 * shared memory, every thread taking the next piece when it is free.
 */
export class EasePool {
  private readonly workers: Worker[];
  private failure: Error | undefined;
  private readonly waiting: Array<((error?: Error) => void) | undefined>;

  constructor(
    private readonly g: GramBuffer,
    private readonly n: number,
    threads: number,
  ) {
    const memory = g.memory;
    const file = path.join(__dirname, 'ease-worker.js');
    this.workers =
      memory && threads > 1
        ? Array.from(
            { length: threads - 1 },
            (_, w) => new Worker(file, { workerData: { memory, n, part: w + 1 } }),
          )
        : [];
    this.waiting = this.workers.map(() => undefined);
    this.workers.forEach((worker, w) => {
      const settle = (error?: Error) => {
        const done = this.waiting[w];
        this.waiting[w] = undefined;
        if (error) this.failure ??= error;
        done?.(error);
      };
      worker.on('message', (reply: { ok: boolean; message?: string }) =>
        settle(reply.ok ? undefined : new Error(reply.message)),
      );
      worker.on('error', (error) => settle(new Error(`EASE worker ${w + 1} failed: ${error.message}`)));
      worker.on('exit', (code) =>
        settle(new Error(`EASE worker ${w + 1} exited unexpectedly (code ${code})`)),
      );
    });
  }

  /** Threads that run units at once (this one and the workers). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Resolves when every piece of `share` is done. */
  async share(share: EaseShare): Promise<void> {
    if (this.failure) throw this.failure;
    Atomics.store(this.g.claims, 0, 0);
    const running = this.workers.map(
      (worker, w) =>
        new Promise<void>((resolve, reject) => {
          this.waiting[w] = (error) => (error ? reject(error) : resolve());
          worker.postMessage(share);
        }),
    );
    workShare(this.g, this.n, share);
    await Promise.all(running);
  }

  async close(): Promise<void> {
    this.waiting.fill(undefined);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
