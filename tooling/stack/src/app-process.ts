import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { distDir, httpOk } from './apps';
import { tailOf } from './processes';

/** The compiled entry point of each tier, relative to dist/. */
export const APP_ENTRIES = {
  online: 'apps/online/src/main.js',
  nearline: 'apps/nearline/src/main.js',
  'offline-worker': 'apps/offline/src/main.js',
} as const;

export type AppTier = keyof typeof APP_ENTRIES;

/**
 * One app process started from dist/ with its own environment (port, instance), attached to the
 * caller: for tests that run several processes of a tier and kill one the way production would.
 */
export class AppProcess {
  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly healthUrl: string,
    readonly logFile: string,
    readonly exited: Promise<number | null>,
  ) {}

  static async start(options: {
    tier: AppTier;
    /** Names the process in errors and its log file. */
    name: string;
    env: NodeJS.ProcessEnv;
    healthUrl: string;
    logFile: string;
    timeoutMs?: number;
  }): Promise<AppProcess> {
    const { name, healthUrl, logFile } = options;
    if (await httpOk(healthUrl))
      throw new Error(`${name}: something already answers on ${healthUrl}; choose a free port`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [path.join(distDir(), APP_ENTRIES[options.tier])], {
      env: options.env,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const app = new AppProcess(name, child, healthUrl, logFile, exited);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (!(await httpOk(healthUrl))) {
      if (child.exitCode !== null)
        throw new Error(
          `${name} exited with ${child.exitCode}. Last lines of ${logFile}:\n${tailOf(logFile)}`,
        );
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not answer ${healthUrl} in time; see ${logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return app;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sends `signal` (SIGKILL as a crash, SIGTERM as a rollout) and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** The sum of a counter's samples (every label set) in a Prometheus text exposition. */
export function counterTotal(exposition: string, metric: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${metric} `) || line.startsWith(`${metric}{`))
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return total;
}
