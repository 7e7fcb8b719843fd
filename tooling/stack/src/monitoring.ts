import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MarqueeConfig } from '@marquee/config';
import { appSpecs, httpOk } from './apps';
import { isAlive, runningPid, stackPaths, startDetachedProcess, stopGroup, tailOf } from './processes';
import type { Replicas } from './replicas';

/** How often the local Prometheus scrapes: often enough that a graph has points within seconds. */
export const SCRAPE_INTERVAL = '2s';

export interface ScrapeTarget {
  /** The scrape job: one per tier. */
  job: string;
  /** The process, as the `process` label of its series. */
  process: string;
  address: string;
}

/** Every app process of a layout, by its ops port (the proxy has no metrics of its own). */
export function scrapeTargets(config: MarqueeConfig, replicas: Replicas): ScrapeTarget[] {
  return appSpecs(config, replicas).map((spec) => ({
    job: `marquee-${spec.name === 'offline-worker' ? 'offline' : spec.name}`,
    process: spec.instance,
    address: `${config.host}:${spec.port}`,
  }));
}

/** prometheus.yml: a job per tier, a static target per process labelled with its name. */
export function prometheusConfig(targets: ScrapeTarget[]): string {
  const jobs = [...new Set(targets.map((t) => t.job))];
  const lines = [
    '# Written by `marquee stack up --with-monitoring`; rewritten on each start.',
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL}`,
    `  evaluation_interval: ${SCRAPE_INTERVAL}`,
    'scrape_configs:',
  ];
  for (const job of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    metrics_path: /metrics', '    static_configs:');
    for (const target of targets.filter((t) => t.job === job)) {
      lines.push(
        `      - targets: [${JSON.stringify(target.address)}]`,
        `        labels: { process: ${JSON.stringify(target.process)} }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface PrometheusStatus {
  state: 'running' | 'external' | 'stopped' | 'unhealthy';
  pid?: number;
  url: string;
  logFile: string;
}

/**
 * The local Prometheus (Debian's package) scraping every process of a layout, its data in the
 * state directory. `start` is idempotent: with one already answering on the port it rewrites the
 * scrape config and asks it to reload.
 */
export class LocalPrometheus {
  private readonly dir: string;
  private readonly paths: { pidFile: string; logFile: string };

  constructor(
    private readonly config: MarqueeConfig,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.dir = path.join(config.stateDir, 'prometheus');
    this.paths = stackPaths(config.stateDir, 'prometheus');
  }

  get url(): string {
    return `http://${this.config.host}:${this.config.monitoring.prometheusPort}`;
  }

  async start(replicas: Replicas): Promise<PrometheusStatus> {
    const binary = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
    if (binary.error || binary.status !== 0) {
      throw new Error(
        "prometheus is not installed: `apt-get install -y prometheus` (Debian's package; .ci/run installs it)",
      );
    }
    const configFile = path.join(this.dir, 'prometheus.yml');
    fs.mkdirSync(path.join(this.dir, 'data'), { recursive: true });
    fs.writeFileSync(configFile, prometheusConfig(scrapeTargets(this.config, replicas)));
    if (await httpOk(`${this.url}/-/ready`)) {
      const reload = await fetch(`${this.url}/-/reload`, { method: 'POST' }).catch(() => undefined);
      this.log(`prometheus: already running at ${this.url}${reload?.ok ? '; scrape config reloaded' : ''}`);
      return this.status();
    }
    const pid = startDetachedProcess(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=${this.config.host}:${this.config.monitoring.prometheusPort}`,
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=7d',
      ],
      {},
      this.paths.pidFile,
      this.paths.logFile,
    );
    this.log(`prometheus: starting (pid ${pid}, log ${this.paths.logFile})`);
    const deadline = Date.now() + 60_000;
    while (!(await httpOk(`${this.url}/-/ready`))) {
      if (!isAlive(pid))
        throw new Error(
          `prometheus exited. Last lines of ${this.paths.logFile}:\n${tailOf(this.paths.logFile)}`,
        );
      if (Date.now() > deadline)
        throw new Error(`prometheus did not get ready in 60 s; see ${this.paths.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    this.log(`prometheus: ready at ${this.url}`);
    return this.status();
  }

  async status(): Promise<PrometheusStatus> {
    const pid = runningPid(this.paths.pidFile);
    const ok = await httpOk(`${this.url}/-/ready`);
    const state = ok ? (pid ? 'running' : 'external') : pid ? 'unhealthy' : 'stopped';
    return { state, ...(pid ? { pid } : {}), url: this.url, logFile: this.paths.logFile };
  }

  /** Stops the Prometheus this stack started, if any. */
  async stop(): Promise<boolean> {
    const pid = runningPid(this.paths.pidFile);
    fs.rmSync(this.paths.pidFile, { force: true });
    if (!pid) return false;
    this.log(`prometheus: ${await stopGroup(pid, 20_000)} (pid ${pid})`);
    return true;
  }
}
