import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { ValidationError } from '@marquee/domain';
import { algorithmNames } from '@marquee/algorithms';
import { createLogger } from '@marquee/observability';
import {
  GATE_METRICS,
  TRAINING_PIPELINE,
  connectTemporal,
  listRuns,
  registerAlgorithm,
  unregisterAlgorithm,
  type TrainingPipelineInput,
  type TrainingPipelineResult,
} from '@marquee/offline-client';
import { connectCassandra, ListsRepository, RegistrationsRepository } from '@marquee/storage';
import { oneOf, positiveInt, positiveNumber } from './options';

/** What the algorithm commands work with: the registrations (Cassandra) and Temporal. */
async function connectRegistry(c: MarqueeConfig) {
  const cassandra = await connectCassandra(c, createLogger('cli', 'warn', true));
  const temporal = await connectTemporal(c).catch(async (error: unknown) => {
    await cassandra.shutdown();
    throw error;
  });
  return {
    cassandra,
    temporal,
    registrations: new RegistrationsRepository(cassandra),
    async close() {
      await temporal.close();
      await cassandra.shutdown().catch(() => undefined);
    },
  };
}

function parseJsonFlag(flag: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new ValidationError([`${flag}: not JSON (${(error as Error).message})`], 'flags');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError([`${flag}: must be a JSON object like '{"factors": 64}'`], 'flags');
  }
  return parsed as Record<string, unknown>;
}

/** A number; its range (0..1, and the sum over registrations) is checked with every other flag. */
function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new ValidationError([`--traffic: expected a share from 0 to 1, got '${value}'`], 'flags');
  return n;
}

export function registerAlgorithmCommands(program: Command, config: () => MarqueeConfig): void {
  const algorithms = program
    .command('algorithms')
    .description('register algorithms as scheduled Temporal pipelines with a traffic share');

  algorithms
    .command('register')
    .description('register or update an algorithm: params, retraining schedule, share of traffic')
    .requiredOption('--name <name>', 'registration (and list) name, e.g. als-64')
    .requiredOption('--algorithm <algorithm>', `one of the built-ins (${algorithmNames().join(', ')})`)
    .option('--params <json>', 'algorithm params as a JSON object', '{}')
    .requiredOption(
      '--schedule <schedule>',
      "retraining schedule: 6h, 30m, 1d or a cron expression '0 3 * * *'",
    )
    .requiredOption('--traffic <share>', 'share of members, 0..1', share)
    .option('--k <n>', 'list length per member', positiveInt(1000), 100)
    .option('--gate-metric <metric>', 'metric the gate compares', oneOf(GATE_METRICS), 'ndcg')
    .option(
      '--gate-tolerance <share>',
      'publish when within this share of the champion',
      positiveNumber,
      0.02,
    )
    .option('--tune <json>', 'search params before training, e.g. \'{"trials": 40}\' (and "seed")')
    .option(
      '--retune-every <runs>',
      'search again every this many runs (default: reuse the last search)',
      positiveInt(1000),
    )
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        tune?: string;
        retuneEvery?: number;
        name: string;
        algorithm: string;
        params: string;
        schedule: string;
        traffic: number;
        k: number;
        gateMetric: (typeof GATE_METRICS)[number];
        gateTolerance: number;
        json?: boolean;
      }) => {
        const c = config();
        const params = parseJsonFlag('--params', opts.params);
        const tune = opts.tune ? parseJsonFlag('--tune', opts.tune) : undefined;
        const registry = await connectRegistry(c);
        try {
          const registration = await registerAlgorithm(
            {
              registrations: registry.registrations,
              temporal: registry.temporal.client,
              taskQueue: c.temporal.taskQueue,
            },
            {
              name: opts.name,
              algorithm: opts.algorithm,
              params,
              schedule: opts.schedule,
              traffic: opts.traffic,
              k: opts.k,
              gateMetric: opts.gateMetric,
              gateTolerance: opts.gateTolerance,
              ...(tune ? { tune: tune as { trials: number } } : {}),
              ...(opts.retuneEvery ? { retuneEvery: opts.retuneEvery } : {}),
            },
          );
          if (opts.json) console.log(JSON.stringify(registration));
          else
            console.log(
              `registered ${registration.name}: ${registration.algorithm} ${JSON.stringify(registration.params)}, schedule ${registration.schedule} (Temporal schedule train-${registration.name}), traffic ${registration.traffic}` +
                (registration.tune
                  ? `, tuned with ${registration.tune.trials} trials` +
                    (registration.retuneEvery
                      ? `, searched again every ${registration.retuneEvery} runs`
                      : '')
                  : ''),
            );
        } finally {
          await registry.close();
        }
      },
    );

  algorithms
    .command('list')
    .description('registered algorithms with their latest run and champion version')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const c = config();
      const registry = await connectRegistry(c);
      try {
        const lists = new ListsRepository(registry.cassandra);
        const runs = await listRuns(registry.temporal.client, { type: TRAINING_PIPELINE, limit: 500 });
        const rows = await Promise.all(
          (await registry.registrations.list()).map(async (r) => ({
            ...r,
            latestRun: runs.find((run) => run.workflowId.startsWith(`train-${r.name}`)) ?? null,
            champion: (await lists.champion(r.name))?.version ?? null,
          })),
        );
        if (opts.json) return console.log(JSON.stringify({ algorithms: rows }));
        if (rows.length === 0)
          return console.log('no algorithms registered; see marquee algorithms register --help');
        for (const r of rows) {
          console.log(
            `${r.name.padEnd(16)} ${r.algorithm.padEnd(11)} traffic ${r.traffic.toFixed(2)}  every ${r.schedule.padEnd(10)} champion ${r.champion ?? '-'}`,
          );
          console.log(
            `${''.padEnd(16)} params ${JSON.stringify(r.params)}  latest run ${r.latestRun ? `${r.latestRun.workflowId} ${r.latestRun.status}` : '-'}`,
          );
        }
      } finally {
        await registry.close();
      }
    });

  algorithms
    .command('run')
    .description("run a registered algorithm's pipeline now (train, evaluate, gate, batch-score, publish)")
    .argument('<name>', 'registration name')
    .option('--shard-size <n>', 'members per batch-scoring shard', positiveInt(1_000_000), 5000)
    .option('--no-wait', 'start it and return')
    .option('--json', 'print one JSON object')
    .action(async (name: string, opts: { shardSize: number; wait: boolean; json?: boolean }) => {
      const c = config();
      const registry = await connectRegistry(c);
      try {
        const registration = await registry.registrations.get(name);
        if (!registration)
          throw new ValidationError([`<name>: no algorithm is registered as '${name}'`], 'arguments');
        const workflowId = `train-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const input: TrainingPipelineInput = {
          registration: name,
          k: registration.k,
          shardSize: opts.shardSize,
        };
        const handle = await registry.temporal.client.workflow.start(TRAINING_PIPELINE, {
          taskQueue: c.temporal.taskQueue,
          workflowId,
          args: [input],
        });
        if (!opts.wait)
          return console.log(opts.json ? JSON.stringify({ workflowId }) : `started ${workflowId}`);
        if (!opts.json) console.error(`started ${workflowId}; waiting (needs a running offline worker)`);
        const result = (await handle.result()) as TrainingPipelineResult;
        if (opts.json)
          console.log(
            JSON.stringify({ workflowId, status: (await handle.describe()).status.name, ...result }),
          );
        else
          console.log(
            `${result.published ? 'published' : 'not published'} ${result.version}: ${result.gate.reason}`,
          );
      } finally {
        await registry.close();
      }
    });

  algorithms
    .command('remove')
    .description('delete a registration and its schedule (its published lists stay until they expire)')
    .argument('<name>', 'registration name')
    .action(async (name: string) => {
      const c = config();
      const registry = await connectRegistry(c);
      try {
        await unregisterAlgorithm(
          { registrations: registry.registrations, temporal: registry.temporal.client },
          name,
        );
        console.log(`removed ${name}`);
      } finally {
        await registry.close();
      }
    });
}
