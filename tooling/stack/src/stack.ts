import fs from 'node:fs';
import path from 'node:path';
import type { MarqueeConfig } from '@marquee/config';
import { healthChecks } from './health';
import { isAlive, runFetch, runningPid, stackPaths, startDetached, stopGroup, tailOf } from './processes';
import { readLayout } from './replicas';
import { serverSpecs, type ServerName, type ServerSpec } from './servers';

export interface ServerStatus {
  name: ServerName;
  id: string;
  state: 'running' | 'external' | 'stopped' | 'unhealthy';
  /** Set when this stack started the process (pid file). */
  pid?: number;
  health?: string;
  error?: string;
  ports: Record<string, number>;
  logFile: string;
}

export interface StackUpResult {
  started: ServerName[];
  alreadyRunning: ServerName[];
  servers: ServerStatus[];
}

/** Locates deploy/local from the compiled or source tree. */
export function deployDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'deploy', 'local');
    if (fs.existsSync(path.join(candidate, 'run-kafka.sh'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`deploy/local not found above ${__dirname}`);
}

async function probe(spec: ServerSpec, config: MarqueeConfig): Promise<{ ok: boolean; detail: string }> {
  try {
    return { ok: true, detail: await healthChecks[spec.name](config, spec.ports) };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

async function waitHealthy(
  spec: ServerSpec,
  config: MarqueeConfig,
  pid: number,
  logFile: string,
): Promise<string> {
  const deadline = Date.now() + spec.startTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await probe(spec, config);
    if (result.ok) return result.detail;
    last = result.detail;
    if (!isAlive(pid)) {
      throw new Error(
        `${spec.id} exited during start-up (${last}). Last lines of ${logFile}:\n${tailOf(logFile)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${spec.id} did not become healthy within ${spec.startTimeoutMs / 1000}s (${last}). Last lines of ${logFile}:\n${tailOf(logFile)}`,
  );
}

/**
 * The local stack: Kafka, Cassandra, Temporal and memcached started from deploy/local.
 * `up` is idempotent and waits on real health checks; `down` stops only what it started.
 */
export class LocalStack {
  private readonly specs: ServerSpec[];
  private readonly scripts: string;

  /** `memcachedCount`: servers in the local memcached pool (by default what `up --replicas` kept). */
  constructor(
    private readonly config: MarqueeConfig,
    private readonly log: (line: string) => void = () => undefined,
    memcachedCount = readLayout(config.stateDir)?.memcached ?? 1,
  ) {
    this.specs = serverSpecs(config, memcachedCount);
    this.scripts = deployDir();
  }

  async up(only?: ServerName[]): Promise<StackUpResult> {
    const specs = this.specs.filter((spec) => !only || only.includes(spec.name));
    const started: ServerName[] = [];
    const alreadyRunning: ServerName[] = [];
    // Fetch one at a time (downloads and Maven share the disk and network), then start all at once.
    const toStart: ServerSpec[] = [];
    for (const spec of specs) {
      const paths = stackPaths(this.config.stateDir, spec.id);
      const health = await probe(spec, this.config);
      if (health.ok) {
        if (!alreadyRunning.includes(spec.name)) alreadyRunning.push(spec.name);
        this.log(`${spec.id}: already running (${health.detail})`);
        continue;
      }
      const stalePid = runningPid(paths.pidFile);
      if (stalePid) {
        // Our process is alive but not healthy yet (still starting): wait for it rather than start another.
        this.log(`${spec.id}: started earlier (pid ${stalePid}), waiting for it`);
      } else {
        this.log(`${spec.id}: fetching if needed`);
        runFetch(path.join(this.scripts, spec.fetchScript), spec.env);
      }
      toStart.push(spec);
    }
    await Promise.all(
      toStart.map(async (spec) => {
        const paths = stackPaths(this.config.stateDir, spec.id);
        const pid =
          runningPid(paths.pidFile) ??
          startDetached(path.join(this.scripts, spec.runScript), spec.env, paths.pidFile, paths.logFile);
        this.log(`${spec.id}: starting (pid ${pid}, log ${paths.logFile})`);
        const detail = await waitHealthy(spec, this.config, pid, paths.logFile);
        this.log(`${spec.id}: healthy (${detail})`);
        if (!started.includes(spec.name)) started.push(spec.name);
      }),
    );
    return { started, alreadyRunning, servers: await this.status() };
  }

  async down(only?: ServerName[]): Promise<ServerName[]> {
    const stopped: ServerName[] = [];
    // Reverse order: stores last, so clients see their dependencies go in a sensible order.
    for (const spec of [...this.specs].reverse()) {
      if (only && !only.includes(spec.name)) continue;
      const paths = stackPaths(this.config.stateDir, spec.id);
      const pid = runningPid(paths.pidFile);
      if (!pid) {
        fs.rmSync(paths.pidFile, { force: true });
        continue;
      }
      const how = await stopGroup(pid, 60_000);
      fs.rmSync(paths.pidFile, { force: true });
      this.log(`${spec.id}: ${how} (pid ${pid})`);
      if (!stopped.includes(spec.name)) stopped.push(spec.name);
    }
    return stopped;
  }

  async status(): Promise<ServerStatus[]> {
    return Promise.all(
      this.specs.map(async (spec): Promise<ServerStatus> => {
        const paths = stackPaths(this.config.stateDir, spec.id);
        const pid = runningPid(paths.pidFile);
        const health = await probe(spec, this.config);
        const state = health.ok ? (pid ? 'running' : 'external') : pid ? 'unhealthy' : 'stopped';
        return {
          name: spec.name,
          id: spec.id,
          state,
          ...(pid ? { pid } : {}),
          ...(health.ok ? { health: health.detail } : { error: health.detail }),
          ports: spec.ports,
          logFile: paths.logFile,
        };
      }),
    );
  }
}
