import type { Command } from 'commander';
import type { Client } from 'cassandra-driver';
import type { MarqueeConfig } from '@marquee/config';
import { ValidationError } from '@marquee/domain';
import { createLogger } from '@marquee/observability';
import {
  TRAINING_PIPELINE,
  connectTemporal,
  describeRun,
  listRuns,
  rollbackList,
  type TrainingPipelineResult,
} from '@marquee/offline-client';
import {
  connectCassandra,
  openCache,
  BlobStore,
  ListStore,
  ListsRepository,
  ModelsRepository,
  RegistrationsRepository,
} from '@marquee/storage';
import { connectProducer } from '@marquee/kafka';
import { positiveInt } from './options';

/** Runs `use` with a Cassandra session of the configured keyspace, and closes it after. */
async function withCassandra<T>(c: MarqueeConfig, use: (cassandra: Client) => Promise<T>): Promise<T> {
  const cassandra = await connectCassandra(c, createLogger('cli', 'warn', true));
  try {
    return await use(cassandra);
  } finally {
    await cassandra.shutdown().catch(() => undefined);
  }
}

export function registerModelCommands(program: Command, config: () => MarqueeConfig): void {
  const models = program
    .command('models')
    .description('the model registry: versions, metrics, status; rollback');

  models
    .command('list')
    .description('model versions of a registration (or of every registration), newest first')
    .argument('[registration]', 'registration name')
    .option('--limit <n>', 'versions per registration', positiveInt(1000), 10)
    .option('--json', 'print one JSON object')
    .action(async (registration: string | undefined, opts: { limit: number; json?: boolean }) => {
      await withCassandra(config(), async (cassandra) => {
        const models = new ModelsRepository(cassandra);
        const names = registration
          ? [registration]
          : (await new RegistrationsRepository(cassandra).list()).map((r) => r.name);
        const rows = (await Promise.all(names.map((name) => models.list(name, opts.limit)))).flat();
        if (opts.json) return console.log(JSON.stringify({ models: rows }));
        if (rows.length === 0) return console.log('no models yet');
        for (const m of rows) {
          const metrics = Object.entries(m.metrics)
            .map(([k, v]) => `${k}=${Number(v.toFixed(4))}`)
            .join(' ');
          console.log(
            `${m.registration.padEnd(14)} ${m.version}  ${m.algorithm.padEnd(10)} ${m.status.padEnd(9)} ${metrics}`,
          );
        }
      });
    });

  models
    .command('show')
    .description('one model version: params, data window, metrics, artifact, status and why')
    .argument('<registration>', 'registration name')
    .argument('<version>', 'model version')
    .action(async (registration: string, version: string) => {
      await withCassandra(config(), async (cassandra) => {
        const model = await new ModelsRepository(cassandra).get(registration, version);
        if (!model)
          throw new ValidationError(
            [`no model ${version} of '${registration}'; see marquee models list ${registration}`],
            'arguments',
          );
        const artifact = model.artifact ? await new BlobStore(cassandra).meta(model.artifact) : null;
        console.log(JSON.stringify({ ...model, artifactMeta: artifact }, null, 2));
      });
    });

  models
    .command('rollback')
    .description('make the previous version of a list champion again and announce it on results.published')
    .argument('<list>', 'list (registration) name')
    .option('--reason <text>', 'why, for the history', 'operator rollback')
    .action(async (list: string, opts: { reason: string }) => {
      const c = config();
      const logger = createLogger('cli', 'warn', true);
      await withCassandra(c, async (cassandra) => {
        const { producer, topics } = await connectProducer(c, logger);
        const cache = openCache(c, logger);
        try {
          const lists = new ListsRepository(cassandra);
          const result = await rollbackList(
            {
              lists,
              listStore: new ListStore(lists, cache),
              models: new ModelsRepository(cassandra),
              producer,
              topics,
            },
            list,
            opts.reason,
          );
          console.log(
            `rolled ${list} back to ${result.version} (announced on ${topics.resultsPublished.name})`,
          );
        } finally {
          await producer.disconnect().catch(() => undefined);
          cache.close();
        }
      });
    });

  const workflows = program
    .command('workflows')
    .description('pipeline runs from Temporal: status, per-step durations, attempts, failures');
  workflows
    .command('list')
    .description('recent runs, newest first')
    .option('--type <type>', 'workflow type, e.g. trainingPipeline or popularityPipeline')
    .option('--limit <n>', 'how many', positiveInt(1000), 20)
    .option('--json', 'print one JSON object')
    .action(async (opts: { type?: string; limit: number; json?: boolean }) => {
      const temporal = await connectTemporal(config());
      try {
        const runs = await listRuns(temporal.client, {
          limit: opts.limit,
          ...(opts.type ? { type: opts.type } : {}),
        });
        if (opts.json) return console.log(JSON.stringify({ runs }));
        for (const r of runs)
          console.log(`${r.startTime}  ${r.status.padEnd(10)} ${r.type.padEnd(20)} ${r.workflowId}`);
      } finally {
        await temporal.close();
      }
    });
  workflows
    .command('show')
    .description('one run: status and each step with its duration, attempts and failure')
    .argument('<workflowId>', 'workflow id')
    .option('--json', 'print one JSON object')
    .action(async (workflowId: string, opts: { json?: boolean }) => {
      const temporal = await connectTemporal(config());
      try {
        const run = await describeRun(temporal.client, workflowId);
        // A training run's tune step: the params it chose and how (the trials are its runTrial steps).
        const tuning =
          run.type === TRAINING_PIPELINE && run.status === 'COMPLETED'
            ? ((await temporal.client.workflow.getHandle(workflowId).result()) as TrainingPipelineResult)
                .tuning
            : undefined;
        if (opts.json) return console.log(JSON.stringify({ ...run, ...(tuning ? { tuning } : {}) }));
        console.log(
          `${run.workflowId} (${run.type}) ${run.status}${run.durationMs !== undefined ? ` in ${(run.durationMs / 1000).toFixed(1)} s` : ''}`,
        );
        for (const s of run.steps) {
          const took = s.durationMs !== undefined ? `${(s.durationMs / 1000).toFixed(2)} s` : '';
          console.log(
            `  ${s.activity.padEnd(22)} ${s.status.padEnd(10)} attempt ${s.attempt}  ${took}${s.failure ? `  ${s.failure}` : ''}` +
              (s.progress !== undefined ? `  ${JSON.stringify(s.progress)}` : ''),
          );
        }
        if (run.failure) console.log(`  failure: ${run.failure}`);
        if (tuning)
          console.log(
            `  tuned: ${JSON.stringify(tuning.params)} (validation ${tuning.metric} ${tuning.validation.toFixed(4)}, ` +
              (tuning.reusedFrom ? `reused from ${tuning.reusedFrom})` : `${tuning.trials} trials)`),
          );
      } finally {
        await temporal.close();
      }
    });
}
