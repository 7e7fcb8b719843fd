import { fork } from 'node:child_process';
import path from 'node:path';
import { openLoop, type OpenLoopResult } from './open-loop';

export interface OpenLoopJob {
  origin: string;
  rate: number;
  durationMs: number;
  /** Offered before the measured window, not measured (see OpenLoopOptions.warmupMs). */
  warmupMs: number;
  /** See OpenLoopOptions. */
  maxSockets?: number;
  timeoutMs?: number;
  lateMs?: number;
  windowMs?: number;
  preconnect?: { connections: number; path: string };
  /** Requests to pick from at random, one per due slot. */
  requests: Array<{ path: string; headers: Record<string, string> }>;
}

/**
 * Runs an open loop in a fresh child process. The closed-loop phases before it leave this process
 * with a large heap, and its garbage collection pauses would be measured as the server's latency
 * (a request is timed from when it was due); a process of its own starts clean.
 */
export function openLoopInChild(job: OpenLoopJob): Promise<OpenLoopResult> {
  const child = fork(path.join(__dirname, 'open-loop-process.js'), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: OpenLoopResult; error?: string }) => {
      child.disconnect();
      if (message.result) resolve(message.result);
      else reject(new Error(`open-loop load generator failed: ${message.error ?? 'no result'}`));
    });
    child.once('exit', (code) => reject(new Error(`the open-loop load generator exited with ${code}`)));
    child.send(job);
  });
}

// As the child: run the job received over IPC, answer with its result.
if (require.main === module) {
  process.once('message', (job: OpenLoopJob) => {
    const pick = () =>
      job.requests[Math.floor(Math.random() * job.requests.length)] as OpenLoopJob['requests'][0];
    openLoop({
      origin: job.origin,
      rate: job.rate,
      durationMs: job.durationMs,
      warmupMs: job.warmupMs,
      ...(job.maxSockets ? { maxSockets: job.maxSockets } : {}),
      ...(job.timeoutMs ? { timeoutMs: job.timeoutMs } : {}),
      ...(job.lateMs ? { lateMs: job.lateMs } : {}),
      ...(job.windowMs ? { windowMs: job.windowMs } : {}),
      ...(job.preconnect ? { preconnect: job.preconnect } : {}),
      request: pick,
    }).then(
      (result) => process.send?.({ result }),
      (error: Error) => process.send?.({ error: error.message }),
    );
  });
  process.once('disconnect', () => process.exit(0));
}
