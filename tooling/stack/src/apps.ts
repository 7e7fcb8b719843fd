import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MarqueeConfig } from '@marquee/config';
import { stackPaths, tailOf } from './processes';

export type AppName = 'online' | 'nearline' | 'offline-worker';

export interface AppSpec {
  name: AppName;
  /** Compiled entry point, relative to dist/. */
  entry: string;
  port: number;
  /** Flags for node (V8) itself, before the entry point. */
  nodeFlags?: string[];
}

/**
 * Online lets its old generation grow to 4× what survives a full collection (V8 picks 1.1–4× by
 * itself, and picked about 1.5× here): the near cache's pages reach it steadily, and each full
 * collection, with its concurrent marking on the other core, held requests for 30–60 ms. At 2,000
 * req/s that was most of the p99 (docs/benchmarks.md). Its live data is about 50 MB.
 */
const ONLINE_NODE_FLAGS = ['--heap-growing-percent=300'];

export function appSpecs(config: MarqueeConfig): AppSpec[] {
  return [
    { name: 'nearline', entry: 'apps/nearline/src/main.js', port: config.nearline.port },
    { name: 'offline-worker', entry: 'apps/offline/src/main.js', port: config.offline.port },
    {
      name: 'online',
      entry: 'apps/online/src/main.js',
      port: config.online.port,
      nodeFlags: ONLINE_NODE_FLAGS,
    },
  ];
}

/** The compiled tree (dist/) this code runs from. */
export function distDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'apps', 'online', 'src', 'main.js'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('compiled apps not found; run `npm run build` first');
}

export async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

export interface RunningApp {
  spec: AppSpec;
  child?: ChildProcess;
  logFile: string;
}

/**
 * Starts the three apps as child processes (unless one already answers on its port), logging to
 * the state directory, and waits until each answers `/health`. `stop` ends only those it started.
 */
export class AppSupervisor {
  readonly apps: RunningApp[] = [];

  constructor(
    private readonly config: MarqueeConfig,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(names?: AppName[]): Promise<RunningApp[]> {
    const dist = distDir();
    const specs = appSpecs(this.config).filter((spec) => !names || names.includes(spec.name));
    await Promise.all(
      specs.map(async (spec) => {
        const health = `http://${this.config.host}:${spec.port}/health`;
        const { logFile } = stackPaths(this.config.stateDir, spec.name);
        if (await httpOk(health)) {
          this.log(`${spec.name}: already running on port ${spec.port}`);
          this.apps.push({ spec, logFile });
          return;
        }
        fs.mkdirSync(path.dirname(logFile), { recursive: true });
        const out = fs.openSync(logFile, 'a');
        const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), path.join(dist, spec.entry)], {
          env: process.env,
          stdio: ['ignore', out, out],
        });
        fs.closeSync(out);
        this.apps.push({ spec, child, logFile });
        this.log(`${spec.name}: starting (pid ${String(child.pid)}, log ${logFile})`);
        const deadline = Date.now() + 120_000;
        while (!(await httpOk(health))) {
          if (child.exitCode !== null) {
            throw new Error(
              `${spec.name} exited with ${child.exitCode}. Last lines of ${logFile}:\n${tailOf(logFile)}`,
            );
          }
          if (Date.now() > deadline)
            throw new Error(`${spec.name} did not answer ${health} within 120s; see ${logFile}`);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        this.log(`${spec.name}: healthy on port ${spec.port}`);
      }),
    );
    return this.apps;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.apps.map(async ({ child }) => {
        if (!child || child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
