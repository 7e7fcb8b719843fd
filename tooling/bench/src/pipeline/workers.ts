import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { MarqueeConfig } from '@marquee/config';
import { distDir, httpOk, stackPaths } from '@marquee/stack';

/** Peak resident memory (VmHWM) of a process in MB, from /proc; undefined where there is none. */
export function peakMemoryMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/**
 * Peak memory of the local stack's Cassandra since it started (its JVM: the run script's process or
 * the child it started), when the stack started it.
 */
export function cassandraPeakMemoryMb(config: MarqueeConfig): number | undefined {
  const { pidFile } = stackPaths(config.stateDir, 'cassandra');
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  const children = (() => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    } catch {
      return [];
    }
  })();
  const all = [pid, ...children].map(peakMemoryMb).filter((mb): mb is number => mb !== undefined);
  return all.length ? Math.max(...all) : undefined;
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/**
 * Offline worker processes of the bench: the compiled `apps/offline` entry, on the bench's keyspace
 * and task queue, each with its own ops port. Their logs go to the state directory.
 */
export class BenchWorkers {
  private readonly children: Array<{ child: ChildProcess; peakMb?: number }> = [];

  constructor(
    private readonly config: MarqueeConfig,
    private readonly env: Record<string, string>,
    /** Where workers write V8 CPU profiles (node --cpu-prof), when asked. */
    private readonly profileDir?: string,
  ) {}

  /** Starts one more worker and waits until it is ready. */
  async add(): Promise<number> {
    const port = await freePort(this.config.host);
    const name = `pipeline-bench-worker-${this.children.length + 1}`;
    const { logFile } = stackPaths(this.config.stateDir, name);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    const flags = this.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`] : [];
    const child = spawn(process.execPath, [...flags, path.join(distDir(), 'apps/offline/src/main.js')], {
      env: { ...process.env, ...this.env, MARQUEE_OFFLINE_PORT: String(port) },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.children.push({ child });
    const ready = `http://${this.config.host}:${port}/ready`;
    const deadline = Date.now() + 120_000;
    while (!(await httpOk(ready))) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`${name} was not ready within 120 s; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return child.pid as number;
  }

  /** Peak memory in MB of each worker so far (read while they run). */
  peaks(): number[] {
    for (const entry of this.children) {
      const now = peakMemoryMb(entry.child.pid);
      if (now !== undefined) entry.peakMb = Math.max(entry.peakMb ?? 0, now);
    }
    return this.children.map((entry) => entry.peakMb ?? 0);
  }

  /** Stops the last worker started. */
  async removeLast(): Promise<void> {
    this.peaks();
    const last = this.children[this.children.length - 1];
    if (last) await stop(last.child);
  }

  /** Stops every worker it started; returns their peak memory in MB. */
  async stop(): Promise<number[]> {
    const peaks = this.peaks();
    await Promise.all(this.children.map(({ child }) => stop(child)));
    return peaks;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
