import { InvalidArgumentError, type Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { topicsFor } from '@marquee/kafka';
import {
  AppSupervisor,
  LocalPrometheus,
  LocalStack,
  SINGLE,
  clearLayout,
  formatReplicas,
  parseReplicas,
  readLayout,
  writeLayout,
  type AppStatus,
  type PrometheusStatus,
  type Replicas,
  type ServerName,
  type ServerStatus,
} from '@marquee/stack';
import { serverList } from './options';

const SERVERS: ServerName[] = ['memcached', 'temporal', 'kafka', 'cassandra'];

function printStatus(servers: ServerStatus[], apps: AppStatus[] = [], prometheus?: PrometheusStatus): void {
  for (const s of servers) {
    const ports = Object.entries(s.ports)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const who = s.pid ? `pid ${s.pid}` : s.state === 'external' ? 'not started by marquee' : '';
    console.log(
      `${s.id.padEnd(14)} ${s.state.padEnd(9)} ${ports.padEnd(36)} ${who}  ${s.health ?? s.error ?? ''}`,
    );
    console.log(`${''.padEnd(14)} log: ${s.logFile}`);
  }
  for (const a of apps) {
    const who = a.pid ? `pid ${a.pid}` : a.state === 'external' ? 'not started by marquee' : '';
    console.log(`${a.instance.padEnd(14)} ${a.state.padEnd(9)} ${`port=${a.port}`.padEnd(36)} ${who}`);
    console.log(`${''.padEnd(14)} log: ${a.logFile}`);
  }
  if (prometheus && prometheus.state !== 'stopped') {
    const who = prometheus.pid ? `pid ${prometheus.pid}` : 'not started by marquee';
    console.log(
      `${'prometheus'.padEnd(14)} ${prometheus.state.padEnd(9)} ${prometheus.url.padEnd(36)} ${who}`,
    );
    console.log(`${''.padEnd(14)} log: ${prometheus.logFile}`);
  }
}

/** `--replicas online=2,nearline=2,worker=2,memcached=2`, checked against the partitions of plays. */
export function replicasOption(config: () => MarqueeConfig) {
  return (value: string): Replicas => {
    try {
      return parseReplicas(value, topicsFor(config().kafka.topicPrefix).plays.partitions);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

export const REPLICAS_HELP =
  'processes per tier, e.g. online=2,nearline=2,worker=2,memcached=2 (online behind a round-robin proxy on the online port)';

export function registerStackCommands(program: Command, config: () => MarqueeConfig): void {
  const stack = program
    .command('stack')
    .description(
      'the local Kafka, Cassandra, Temporal and memcached servers (and, with --replicas, the apps)',
    );
  stack
    .command('up')
    .description(
      'fetch (first run) and start the servers; with --replicas also the apps, several processes per tier; waits on real health checks; idempotent',
    )
    .option('--only <servers>', `comma-separated subset of ${SERVERS.join(',')}`, serverList(SERVERS))
    .option('--replicas <tiers>', REPLICAS_HELP, replicasOption(config))
    .option('--with-monitoring', "also a local Prometheus (Debian's package) scraping every app process")
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        only?: ServerName[];
        replicas?: Replicas;
        withMonitoring?: boolean;
        json?: boolean;
      }) => {
        const c = config();
        const log = opts.json ? () => undefined : (line: string) => console.log(line);
        const replicas = opts.replicas ?? readLayout(c.stateDir);
        const local = new LocalStack(c, log, replicas?.memcached ?? 1);
        const result = await local.up(opts.only);
        let apps: AppStatus[] = [];
        if (opts.replicas) {
          writeLayout(c.stateDir, opts.replicas);
          log(`apps: ${formatReplicas(opts.replicas)}`);
          const supervisor = new AppSupervisor(c, log, { replicas: opts.replicas, detached: true });
          await supervisor.start();
          apps = await supervisor.status();
        }
        const prometheus = opts.withMonitoring
          ? await new LocalPrometheus(c, log).start(replicas ?? SINGLE)
          : undefined;
        if (opts.json)
          console.log(JSON.stringify({ ...result, apps, ...(prometheus ? { prometheus } : {}) }));
        else printStatus(result.servers, apps, prometheus);
      },
    );
  stack
    .command('down')
    .description('stop the apps and servers this stack started (never ones it did not start)')
    .option('--only <servers>', `comma-separated subset of ${SERVERS.join(',')}`, serverList(SERVERS))
    .action(async (opts: { only?: ServerName[] }) => {
      const c = config();
      const log = (line: string) => console.log(line);
      const layout = readLayout(c.stateDir);
      const apps =
        layout && !opts.only ? await new AppSupervisor(c, log, { replicas: layout }).stopDetached() : [];
      const monitoring = !opts.only && (await new LocalPrometheus(c, log).stop()) ? ['prometheus'] : [];
      const stopped = await new LocalStack(c, log).down(opts.only);
      if (!opts.only) clearLayout(c.stateDir);
      const all = [...apps, ...monitoring, ...stopped];
      console.log(all.length ? `stopped: ${all.join(', ')}` : 'nothing to stop');
    });
  stack
    .command('status')
    .description(
      'state, ports, health and logs of each server, and of each app process `up --replicas` started',
    )
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const c = config();
      const layout = readLayout(c.stateDir);
      const servers = await new LocalStack(c).status();
      const apps = layout ? await new AppSupervisor(c, () => undefined, { replicas: layout }).status() : [];
      const prometheus = await new LocalPrometheus(c).status();
      if (opts.json) console.log(JSON.stringify({ servers, apps, prometheus }));
      else printStatus(servers, apps, prometheus);
    });
}
