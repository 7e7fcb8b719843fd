import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { DEFAULT_DEMO, runDemo, type DemoSummary } from '@marquee/demo';
import { createLogger } from '@marquee/observability';
import {
  AppSupervisor,
  LocalPrometheus,
  LocalStack,
  SINGLE,
  memcachedServers,
  writeLayout,
  type Replicas,
} from '@marquee/stack';
import { positiveInt } from './options';
import { REPLICAS_HELP, replicasOption } from './stack-commands';

function printSummary(summary: DemoSummary): void {
  console.log(`\nworkflow ${summary.workflowId}: ${summary.runStatus} (version ${summary.version})`);
  console.log(`plays published ${summary.playsPublished}, stored ${summary.playsStored}`);
  console.log(
    `live play of "${summary.livePlay.title}" reflected in ${summary.member}'s rows in ${summary.livePlay.reflectedInMs} ms`,
  );
  for (const row of summary.rows) {
    console.log(`  ${row.title} [${row.source}]: ${row.items.map((i) => i.title).join(' · ')}`);
  }
  console.log(`done in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
}

function printUrls(summary: DemoSummary): void {
  console.log('\nMarquee is up:');
  console.log(`  API          ${summary.urls.api}   (rows: ${summary.urls.rows})`);
  console.log(`  Temporal UI  ${summary.urls.temporalUi}`);
  console.log(`  metrics      ${summary.urls.metrics.join('  ')}`);
}

export function registerDemoCommands(program: Command, config: () => MarqueeConfig): void {
  program
    .command('demo')
    .description('run the walking skeleton end to end on the real stack with synthetic members')
    .option('--seed <n>', 'generator seed', positiveInt(), DEFAULT_DEMO.seed)
    .option('--members <n>', 'members', positiveInt(100_000), DEFAULT_DEMO.members)
    .option('--json', 'print one JSON object')
    .action(async (opts: { seed: number; members: number; json?: boolean }) => {
      const log = opts.json ? () => undefined : (line: string) => console.log(line);
      const c = config();
      const apps = new AppSupervisor(c, log);
      // An interrupted demo (Ctrl-C, a caller's timeout) stops the apps it started: left running,
      // they would answer the next demo's health checks while following another run's topics and
      // task queue, so that demo's plays and workflow would never reach them.
      const interrupted = (signal: NodeJS.Signals) =>
        void apps.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      let summary: DemoSummary;
      try {
        summary = await runDemo(
          c,
          createLogger('demo', 'warn', true),
          { ...DEFAULT_DEMO, ...opts },
          log,
          apps,
        );
      } finally {
        await apps.stop();
      }
      if (opts.json) console.log(JSON.stringify(summary));
      else printSummary(summary);
    });

  program
    .command('start')
    .description(
      'npm start: the stack, the three apps, demo data, the popularity pipeline and the default personal algorithms trained once; Ctrl-C stops the apps',
    )
    .option('--replicas <tiers>', REPLICAS_HELP, replicasOption(config))
    .option('--with-monitoring', 'also a local Prometheus scraping every app process; prints its URL')
    .action(async (opts: { replicas?: Replicas; withMonitoring?: boolean }) => {
      const replicas = opts.replicas ?? SINGLE;
      const log = (line: string) => console.log(line);
      // The demo's own clients use the same memcached pool as the apps.
      const base = config();
      const c = {
        ...base,
        memcached: { ...base.memcached, servers: memcachedServers(base, replicas.memcached) },
      };
      await new LocalStack(base, log, replicas.memcached).up();
      // Kept so `stack status` lists these processes and `stack down` finds a memcached pool's servers.
      if (opts.replicas) writeLayout(base.stateDir, opts.replicas);
      const apps = new AppSupervisor(base, log, { replicas });
      const stop = async () => {
        console.log(
          '\nstopping the apps (the servers keep running; `npm run marquee -- stack down` stops them)',
        );
        await apps.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      const summary = await runDemo(
        c,
        createLogger('start', 'warn', true),
        { ...DEFAULT_DEMO, personalRows: true },
        log,
        apps,
      );
      const prometheus = opts.withMonitoring
        ? await new LocalPrometheus(base, log).start(replicas)
        : undefined;
      printSummary(summary);
      printUrls(summary);
      if (prometheus)
        console.log(`  Prometheus   ${prometheus.url}/graph   (\`npm run marquee -- stack down\` stops it)`);
      if (apps.apps.length > 3) {
        console.log('  processes');
        for (const app of apps.apps)
          console.log(`    ${app.spec.instance.padEnd(14)} http://${c.host}:${app.spec.port}`);
      }
      console.log('\nlogs are in', `${c.stateDir}/logs`, '- press Ctrl-C to stop the apps');
      // Stay in the foreground while the apps run.
      await new Promise<never>(() => undefined);
    });
}
