import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { DEFAULT_CHAOS, DEFAULT_FAULTS, FAULTS, formatTable, runChaos, type FaultName } from '@marquee/chaos';
import { createLogger } from '@marquee/observability';
import { positiveInt, serverList } from './options';
import { replicasOption } from './stack-commands';
import { formatReplicas, type Replicas } from '@marquee/stack';

/** `marquee chaos`: the fault matrix, one SIGKILL at a time, under steady load. */
export function registerChaosCommands(program: Command, config: () => MarqueeConfig): void {
  program
    .command('chaos')
    .description(
      'under steady load (plays through HTTP and Kafka, page reads with a 1 s deadline, one training run), ' +
        'kill each server and app of the stack with SIGKILL one at a time, start it again, and count what was ' +
        'lost, stored twice, answered 5xx or not at all, by reading Cassandra and Temporal. It kills the ' +
        'stack of MARQUEE_STATE_DIR: give it a stack of its own (state directory and ports)',
    )
    .option(
      '--faults <list>',
      `comma-separated processes to kill, in order (${FAULTS.join(', ')})`,
      serverList(FAULTS),
      DEFAULT_FAULTS,
    )
    .option(
      '--down-seconds <n>',
      'how long each killed process stays down',
      positiveInt(600),
      DEFAULT_CHAOS.downSeconds,
    )
    .option(
      '--steady-seconds <n>',
      'steady load before each kill and after each recovery',
      positiveInt(600),
      DEFAULT_CHAOS.steadySeconds,
    )
    .option(
      '--replicas <tiers>',
      `app processes per tier, online behind the round-robin proxy; an app fault kills one of them (${formatReplicas(DEFAULT_CHAOS.replicas)})`,
      replicasOption(config),
      DEFAULT_CHAOS.replicas,
    )
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        faults: FaultName[];
        downSeconds: number;
        steadySeconds: number;
        replicas: Replicas;
        json?: boolean;
      }) => {
        // Progress goes to stderr so that --json leaves stdout to the result alone.
        const report = await runChaos(
          config(),
          createLogger('chaos', 'fatal', true),
          {
            ...DEFAULT_CHAOS,
            faults: opts.faults,
            replicas: opts.replicas,
            downSeconds: opts.downSeconds,
            steadySeconds: opts.steadySeconds,
          },
          (line) => console.error(`chaos: ${line}`),
        );
        console.log(opts.json ? JSON.stringify(report) : formatTable(report));
        if (!report.ok) process.exitCode = 1;
      },
    );
}
