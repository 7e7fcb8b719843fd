import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MarqueeConfig } from '@marquee/config';
import { isAlive, runningPid, stackPaths, stopGroup, tailOf } from './processes';
import { SINGLE, type Replicas } from './replicas';
import { memcachedServers } from './servers';

export type AppName = 'online' | 'nearline' | 'offline-worker';

export interface AppSpec {
  name: AppName;
  /** Names this process (pid file, log, status): the tier's name, or `online-2` when there are several. */
  instance: string;
  /** Compiled entry point, relative to dist/. */
  entry: string;
  port: number;
  /** Flags for node (V8) itself, before the entry point. */
  nodeFlags?: string[];
  /** Arguments after the entry point. */
  args?: string[];
  /** What this process's environment sets on top of the caller's: its port, the memcached pool. */
  env: Record<string, string>;
}

/**
 * Online lets its old generation grow to 4× what survives a full collection (V8 picks 1.1–4× by
 * itself, and picked about 1.5× here): the near cache's pages reach it steadily, and each full
 * collection, with its concurrent marking on the other core, held requests for 30–60 ms. At 2,000
 * req/s that was most of the p99 (docs/benchmarks.md). Its live data is about 50 MB.
 *
 * Its young generation is 64 MB a half rather than 16: every page allocates its blend and its JSON,
 * and with 16 MB the scavenges that copy what is still in flight took a quarter of the CPU at
 * saturation; with 64 MB they take an eighth, and the pages served under overload rose by a fifth.
 */
const ONLINE_NODE_FLAGS = ['--heap-growing-percent=300', '--max-semi-space-size=64'];

/** The step between a tier's replica ports: the number of tiers, so replicas interleave (3000, 3003…). */
export const REPLICA_PORT_STEP = 3;

export function replicaPort(base: number, index: number): number {
  return base + REPLICA_PORT_STEP * index;
}

const TIERS: Array<{ name: AppName; count: keyof Replicas; entry: string; portVar: string }> = [
  {
    name: 'nearline',
    count: 'nearline',
    entry: 'apps/nearline/src/main.js',
    portVar: 'MARQUEE_NEARLINE_PORT',
  },
  {
    name: 'offline-worker',
    count: 'worker',
    entry: 'apps/offline/src/main.js',
    portVar: 'MARQUEE_OFFLINE_PORT',
  },
  { name: 'online', count: 'online', entry: 'apps/online/src/main.js', portVar: 'MARQUEE_ONLINE_PORT' },
];

function basePort(config: MarqueeConfig, name: AppName): number {
  return name === 'online'
    ? config.online.port
    : name === 'nearline'
      ? config.nearline.port
      : config.offline.port;
}

/**
 * Every app process of a layout. One process of a tier keeps the tier's port. Several nearline or
 * worker processes take it and the ports 3, 6… above; several online processes take the ports
 * above (3003, 3006) and the proxy (`proxySpec`) takes the public port.
 */
export function appSpecs(config: MarqueeConfig, replicas: Replicas = SINGLE): AppSpec[] {
  const servers = memcachedServers(config, replicas.memcached);
  const pool: Record<string, string> =
    servers !== config.memcached.servers ? { MARQUEE_MEMCACHED_SERVERS: servers } : {};
  return TIERS.flatMap((tier) => {
    const count = replicas[tier.count];
    return Array.from({ length: count }, (_, i): AppSpec => {
      const proxied = tier.name === 'online' && count > 1;
      const port = replicaPort(basePort(config, tier.name), proxied ? i + 1 : i);
      return {
        name: tier.name,
        instance: count > 1 ? `${tier.name}-${i + 1}` : tier.name,
        entry: tier.entry,
        port,
        ...(tier.name === 'online' ? { nodeFlags: ONLINE_NODE_FLAGS } : {}),
        env: { ...pool, [tier.portVar]: String(port) },
      };
    });
  });
}

/** The round-robin proxy on the public online port, when there are several online processes. */
export function proxySpec(config: MarqueeConfig, replicas: Replicas): AppSpec | undefined {
  if (replicas.online <= 1) return undefined;
  const backends = appSpecs(config, replicas).filter((spec) => spec.name === 'online');
  return {
    name: 'online',
    instance: 'online-proxy',
    entry: 'tooling/stack/src/proxy-main.js',
    port: config.online.port,
    args: [
      '--listen',
      `${config.host}:${config.online.port}`,
      ...backends.flatMap((b) => ['--backend', `${b.instance}=http://${config.host}:${b.port}`]),
    ],
    env: {},
  };
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
  pid?: number;
  logFile: string;
}

export interface AppStatus {
  instance: string;
  tier: AppName;
  state: 'running' | 'external' | 'stopped' | 'unhealthy';
  pid?: number;
  port: number;
  logFile: string;
}

export interface SupervisorOptions {
  replicas?: Replicas;
  /**
   * Start the processes in their own process groups with pid files, outliving this one
   * (`stack up --replicas`); otherwise they are this process's children (`npm start`).
   */
  detached?: boolean;
}

/**
 * Starts the apps as processes (unless one already answers on its port), one or several per tier
 * with the proxy in front of several online ones, logging to the state directory, and waits until
 * each answers `/health`. `stop` ends only those it started.
 */
export class AppSupervisor {
  readonly apps: RunningApp[] = [];
  readonly replicas: Replicas;

  constructor(
    private readonly config: MarqueeConfig,
    private readonly log: (line: string) => void = () => undefined,
    private readonly options: SupervisorOptions = {},
  ) {
    this.replicas = options.replicas ?? SINGLE;
  }

  /** Every process of the layout, the proxy last (it health-checks the online processes). */
  specs(): AppSpec[] {
    const proxy = proxySpec(this.config, this.replicas);
    return [...appSpecs(this.config, this.replicas), ...(proxy ? [proxy] : [])];
  }

  async start(names?: AppName[]): Promise<RunningApp[]> {
    const specs = this.specs().filter((spec) => !names || names.includes(spec.name));
    const proxy = specs.filter((spec) => spec.instance === 'online-proxy');
    await Promise.all(specs.filter((spec) => !proxy.includes(spec)).map((spec) => this.startOne(spec)));
    for (const spec of proxy) await this.startOne(spec);
    return this.apps;
  }

  /** Starts one process of the layout by its instance name (`online-2`), as after it died. */
  async startInstance(instance: string): Promise<void> {
    const spec = this.specs().find((s) => s.instance === instance);
    if (!spec)
      throw new Error(
        `no process ${instance} in the layout ${this.specs()
          .map((s) => s.instance)
          .join(', ')}`,
      );
    await this.startOne(spec);
  }

  private async startOne(spec: AppSpec): Promise<void> {
    const health = `http://${this.config.host}:${spec.port}/health`;
    const { logFile, pidFile } = stackPaths(this.config.stateDir, spec.instance);
    if (await httpOk(health)) {
      this.log(`${spec.instance}: already running on port ${spec.port}`);
      this.apps.push({ spec, logFile });
      return;
    }
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [...(spec.nodeFlags ?? []), path.join(distDir(), spec.entry), ...(spec.args ?? [])],
      {
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', out, out],
        detached: this.options.detached === true,
      },
    );
    fs.closeSync(out);
    if (this.options.detached) {
      child.unref();
      fs.mkdirSync(path.dirname(pidFile), { recursive: true });
      fs.writeFileSync(pidFile, `${String(child.pid)}\n`);
    }
    this.apps.push({ spec, child, ...(child.pid ? { pid: child.pid } : {}), logFile });
    this.log(`${spec.instance}: starting (pid ${String(child.pid)}, port ${spec.port}, log ${logFile})`);
    const deadline = Date.now() + 120_000;
    while (!(await httpOk(health))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${spec.instance} exited with ${child.exitCode ?? child.signalCode}. Last lines of ${logFile}:\n${tailOf(logFile)}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(`${spec.instance} did not answer ${health} within 120s; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    this.log(`${spec.instance}: healthy on port ${spec.port}`);
  }

  /** Stops what this supervisor started: the proxy first, then the apps. */
  async stop(): Promise<void> {
    // A child killed by a signal has no exit code but its signal code: it is gone too.
    const running = (child?: ChildProcess) => !!child && child.exitCode === null && child.signalCode === null;
    const started = this.apps.filter((app) => running(app.child));
    const proxy = started.filter((app) => app.spec.instance === 'online-proxy');
    const stopAll = (apps: RunningApp[]) =>
      Promise.all(
        apps.map(async ({ child }) => {
          if (!child || !running(child)) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    await stopAll(proxy);
    await stopAll(started.filter((app) => !proxy.includes(app)));
  }

  /** Each process of the layout: running (ours, with a pid file), external, stopped or unhealthy. */
  async status(): Promise<AppStatus[]> {
    return Promise.all(
      this.specs().map(async (spec): Promise<AppStatus> => {
        const { pidFile, logFile } = stackPaths(this.config.stateDir, spec.instance);
        const pid = runningPid(pidFile);
        const ok = await httpOk(`http://${this.config.host}:${spec.port}/health`);
        const state = ok ? (pid ? 'running' : 'external') : pid ? 'unhealthy' : 'stopped';
        return {
          instance: spec.instance,
          tier: spec.name,
          state,
          ...(pid ? { pid } : {}),
          port: spec.port,
          logFile,
        };
      }),
    );
  }

  /** Stops the detached processes of the layout that have pid files (`stack down`), proxy first. */
  async stopDetached(): Promise<string[]> {
    const stopped: string[] = [];
    for (const spec of [...this.specs()].reverse()) {
      const { pidFile } = stackPaths(this.config.stateDir, spec.instance);
      const pid = runningPid(pidFile);
      if (pid && isAlive(pid)) {
        const how = await stopGroup(pid, 25_000);
        this.log(`${spec.instance}: ${how} (pid ${pid})`);
        stopped.push(spec.instance);
      }
      fs.rmSync(pidFile, { force: true });
    }
    return stopped;
  }
}
