import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { als, alsParams, unpackMatrix, type AlsModel } from '@marquee/algorithms';
import type { MarqueeConfig } from '@marquee/config';
import { HistoryWriter, importPlays } from '@marquee/history-import';
import type { Logger } from '@marquee/observability';
import {
  connectTemporal,
  describeRun,
  TRAINING_PIPELINE,
  type RunSummary,
  type TrainingPipelineInput,
  type TrainingPipelineResult,
} from '@marquee/offline-client';
import {
  BlobStore,
  connectCassandra,
  createCassandraClient,
  openCache,
  RegistrationsRepository,
} from '@marquee/storage';
import { holdoutEvaluator } from '@marquee/workflows';
import { rawWrite, writePlaysFile } from '../import/import-bench';
import { ensureBaselineVenv, type Log } from '../training/python-env';
import { implicitTrain, numpyScore, rawRead } from './floors';
import { benchHistory, ml20mShape, playsOf } from './history-shape';
import { BenchWorkers, cassandraPeakMemoryMb } from './workers';

export interface PipelineBenchOptions {
  plays: number;
  members?: number;
  items?: number;
  /** Worker processes for the scoring comparison: 2 runs the pipeline again with a second worker. */
  workers: 1 | 2;
  factors: number;
  iterations: number;
  k: number;
  /** Keeps the bench keyspace afterwards (to look at the published lists). */
  keep?: boolean;
  /** Workers write CPU profiles (node --cpu-prof) here. */
  profileDir?: string;
  /** A long phase's progress: rows (or steps) done of total. */
  onProgress?: (phase: string, done: number, total: number) => void;
  log: Log;
}

export const DEFAULT_PIPELINE_BENCH = {
  plays: 1_000_000,
  workers: 1,
  factors: 64,
  iterations: 15,
  k: 100,
} as const;

/** The pipeline's steps as the bench reports them, in seconds (scoring: first shard scheduled to last done). */
export interface PipelineSteps {
  snapshot: number;
  plan: number;
  train: number;
  evaluate: number;
  gate: number;
  score: number;
  publish: number;
}

export interface PipelineBenchResult {
  plays: number;
  members: number;
  items: number;
  importSeconds: number;
  importPlaysPerSecond: number;
  rawWriteSeconds: number;
  /** Import rate / the bare driver's write rate of the same rows. */
  importVsRawWrite: number;
  /** The workflow's start to close, with one worker. */
  pipelineSeconds: number;
  steps: PipelineSteps;
  floors: { rawReadSeconds: number; implicitTrainSeconds: number; numpyScoreSeconds: number };
  /** rawReadSeconds + implicitTrainSeconds + numpyScoreSeconds. */
  floorSeconds: number;
  /** pipelineSeconds / floorSeconds. */
  ratio: number;
  /** Both ALS models' training loss on the same matrix (implicit's loss function). */
  agreement: { oursLoss: number; implicitLoss: number };
  scoring?: { oneWorkerSeconds: number; twoWorkersSeconds: number };
  published: { version: string; members: number };
  peakMemoryMb: { cli: number; worker: number; cassandra?: number };
  params: { factors: number; iterations: number; k: number; threads: number };
  baseline: string;
}

const REGISTRATION = 'bench-als';

/** Dropping a keyspace of millions of rows takes Cassandra longer than a query's usual timeout. */
const SCHEMA_CHANGE = { readTimeout: 120_000 };

/**
 * `marquee bench pipeline`: a history of ML-20M's shape imported with the bulk path, then the ALS
 * training pipeline end to end through Temporal on worker processes of its own, beside the floors on
 * the same data (bare driver writes and reads, implicit's training, numpy's scoring). Everything is
 * in keyspaces of its own (`<keyspace>_pipeline_bench`, `<keyspace>_pipeline_raw`), dropped afterwards.
 */
export async function runPipelineBench(
  config: MarqueeConfig,
  logger: Logger,
  o: PipelineBenchOptions,
): Promise<PipelineBenchResult> {
  const keyspace = `${config.cassandra.keyspace}_pipeline_bench`.slice(0, 48);
  const rawKeyspace = `${config.cassandra.keyspace}_pipeline_raw`.slice(0, 48);
  const benchConfig: MarqueeConfig = { ...config, cassandra: { ...config.cassandra, keyspace } };
  const rawConfig: MarqueeConfig = { ...config, cassandra: { ...config.cassandra, keyspace: rawKeyspace } };
  // A queue of the bench keyspace's own: no other worker (the platform's, another bench's) takes its tasks.
  const taskQueue = `${config.temporal.taskQueue}-${keyspace}`;
  const threads = os.availableParallelism();
  const shape = ml20mShape(o.plays, o.members, o.items);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'marquee-pipeline-bench-'));
  const python = await ensureBaselineVenv(config.cacheDir, o.log);
  const admin = createCassandraClient(config.cassandra);
  const drop = async () => {
    for (const ks of o.keep ? [rawKeyspace] : [keyspace, rawKeyspace])
      await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`, [], SCHEMA_CHANGE).catch(() => undefined);
  };
  await drop();
  const client = await connectCassandra(benchConfig, logger);
  const cache = openCache(benchConfig, logger, 1000);
  const workers = new BenchWorkers(
    config,
    { MARQUEE_KEYSPACE: keyspace, MARQUEE_TASK_QUEUE: taskQueue },
    o.profileDir,
  );
  const temporal = await connectTemporal(config);
  try {
    o.log(`bench: generating ${shape.plays} plays of ${shape.members} members × ${shape.items} titles`);
    const history = benchHistory(shape);
    const file = path.join(dir, 'plays.jsonl');
    await writePlaysFile(
      file,
      progressOf(playsOf(history), shape.plays, (n) => o.onProgress?.('write file', n, shape.plays)),
    );

    const importStarted = performance.now();
    const summary = await importPlays({
      file,
      writer: new HistoryWriter(client, cache),
      knownItems: new Set(Array.from({ length: shape.items }, (_, i) => `t${i}`)),
      restart: true,
      onProgress: (p) => o.onProgress?.('import', p.rows, shape.plays),
    });
    const importSeconds = (performance.now() - importStarted) / 1000;
    if (summary.plays !== shape.plays)
      throw new Error(`the bench import wrote ${summary.plays} of ${shape.plays} plays`);
    await rm(file, { force: true });

    const raw = await connectCassandra(rawConfig, logger);
    const rawStarted = performance.now();
    await rawWrite(raw, playsOf(history), (n) => o.onProgress?.('raw write', n, shape.plays));
    const rawWriteSeconds = (performance.now() - rawStarted) / 1000;
    await raw.shutdown();
    await admin.execute(`DROP KEYSPACE IF EXISTS ${rawKeyspace}`, [], SCHEMA_CHANGE);

    const params = alsParams.parse({ factors: o.factors, iterations: o.iterations, threads });
    const now = new Date();
    await new RegistrationsRepository(client).save({
      name: REGISTRATION,
      algorithm: 'als',
      params: params as Record<string, unknown>,
      schedule: '@daily',
      traffic: 0,
      k: o.k,
      gateMetric: 'ndcg',
      // Every run publishes: the bench measures the pipeline, not the gate's verdict.
      gateTolerance: 1,
      createdAt: now,
      updatedAt: now,
    });

    await workers.add();
    const first = await runPipeline(temporal.client, taskQueue, shape.plays, o);
    let scoring: PipelineBenchResult['scoring'];
    if (o.workers === 2) {
      await workers.add();
      const second = await runPipeline(temporal.client, taskQueue, shape.plays, o);
      scoring = { oneWorkerSeconds: first.steps.score, twoWorkersSeconds: second.steps.score };
    }
    const workerPeaks = workers.peaks();
    if (!first.result.published) throw new Error(`the pipeline did not publish: ${first.result.gate.reason}`);

    // The floors, on the pipeline's own snapshot and model.
    const readStarted = performance.now();
    await rawRead(client, (n) => o.onProgress?.('raw read', n, shape.plays));
    const rawReadSeconds = (performance.now() - readStarted) / 1000;
    const blobs = new BlobStore(client);
    const { matrix } = unpackMatrix(await blobs.get(`snapshot:${first.workflowId}`));
    const model = als.deserialize(
      await blobs.get(`model:${REGISTRATION}:${first.result.version}`),
    ) as AlsModel;
    const { train } = holdoutEvaluator.split(matrix);
    o.log(`bench: implicit ALS on ${train.indices.length} training plays`);
    const implicit = await implicitTrain(python, train, model, { ...params, threads });
    o.log(`bench: numpy top-${o.k} of ${model.userIds.length} members`);
    const numpy = await numpyScore(python, model, o.k);

    const floorSeconds = rawReadSeconds + implicit.seconds + numpy.seconds;
    const cassandra = cassandraPeakMemoryMb(config);
    return {
      plays: shape.plays,
      members: summary.members,
      items: matrix.numItems,
      importSeconds: round(importSeconds),
      importPlaysPerSecond: Math.round(shape.plays / importSeconds),
      rawWriteSeconds: round(rawWriteSeconds),
      importVsRawWrite: round(rawWriteSeconds / importSeconds),
      pipelineSeconds: round(first.seconds),
      steps: first.steps,
      floors: {
        rawReadSeconds: round(rawReadSeconds),
        implicitTrainSeconds: round(implicit.seconds),
        numpyScoreSeconds: round(numpy.seconds),
      },
      floorSeconds: round(floorSeconds),
      ratio: round(first.seconds / floorSeconds),
      agreement: { oursLoss: implicit.oursLoss, implicitLoss: implicit.implicitLoss },
      ...(scoring ? { scoring } : {}),
      published: { version: first.result.published.version, members: first.result.published.counts.members },
      peakMemoryMb: {
        cli: Math.round(process.resourceUsage().maxRSS / 1024),
        worker: Math.max(...workerPeaks),
        ...(cassandra !== undefined ? { cassandra } : {}),
      },
      params: { factors: o.factors, iterations: o.iterations, k: o.k, threads },
      baseline: `implicit ${implicit.versions['implicit']}, numpy ${implicit.versions['numpy']}`,
    };
  } finally {
    await workers.stop();
    await temporal.close();
    cache.close();
    await client.shutdown();
    await drop();
    await admin.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

const STEP_OF: Record<string, keyof PipelineSteps> = {
  snapshotInteractions: 'snapshot',
  planTuning: 'plan',
  trainModel: 'train',
  evaluateModel: 'evaluate',
  gateModel: 'gate',
  scoreShard: 'score',
  publishModel: 'publish',
};

/** Each step's span in the run's history: from its first activity scheduled to its last one closed. */
export function stepSeconds(run: RunSummary): PipelineSteps {
  const spans = new Map<keyof PipelineSteps, { from: number; to: number }>();
  for (const step of run.steps) {
    const name = STEP_OF[step.activity];
    if (!name || !step.closedAt) continue;
    const from = Date.parse(step.scheduledAt);
    const to = Date.parse(step.closedAt);
    const span = spans.get(name);
    spans.set(name, span ? { from: Math.min(span.from, from), to: Math.max(span.to, to) } : { from, to });
  }
  const seconds = (name: keyof PipelineSteps) => {
    const span = spans.get(name);
    if (!span) throw new Error(`the run ${run.workflowId} has no completed ${name} step`);
    return round((span.to - span.from) / 1000);
  };
  return {
    snapshot: seconds('snapshot'),
    plan: seconds('plan'),
    train: seconds('train'),
    evaluate: seconds('evaluate'),
    gate: seconds('gate'),
    score: seconds('score'),
    publish: seconds('publish'),
  };
}

/** Starts the training pipeline on the bench's task queue and waits for it, showing which step runs. */
async function runPipeline(
  client: Awaited<ReturnType<typeof connectTemporal>>['client'],
  taskQueue: string,
  plays: number,
  o: PipelineBenchOptions,
): Promise<{ workflowId: string; result: TrainingPipelineResult; seconds: number; steps: PipelineSteps }> {
  const workflowId = `pipeline-bench-${Date.now()}`;
  const input: TrainingPipelineInput = { registration: REGISTRATION, k: o.k };
  const handle = await client.workflow.start(TRAINING_PIPELINE, { taskQueue, workflowId, args: [input] });
  const watch = setInterval(() => {
    describeRun(client, workflowId)
      .then((run) => {
        const progress = progressOfRun(run, plays);
        if (progress) o.onProgress?.(`pipeline ${progress.step}`, progress.done, progress.total);
      })
      .catch(() => undefined);
  }, 1000);
  try {
    const result = (await handle.result()) as TrainingPipelineResult;
    const run = await describeRun(client, workflowId);
    return { workflowId, result, seconds: (run.durationMs ?? 0) / 1000, steps: stepSeconds(run) };
  } finally {
    clearInterval(watch);
  }
}

/** The running step's progress from its heartbeat details (plays scanned, iterations, members, shards). */
function progressOfRun(
  run: RunSummary,
  plays: number,
): { step: string; done: number; total: number } | undefined {
  const shards = run.steps.filter((s) => s.activity === 'scoreShard');
  if (shards.length > 0 && shards.some((s) => s.status !== 'completed')) {
    const done = shards.filter((s) => s.status === 'completed').length;
    return { step: 'score (shards)', done, total: shards.length };
  }
  const running = run.steps.find((s) => s.status === 'running' || s.status === 'scheduled');
  if (!running) return undefined;
  const step = STEP_OF[running.activity] ?? running.activity;
  const details = (running.progress ?? {}) as Record<string, unknown>;
  const number = (key: string) => (typeof details[key] === 'number' ? (details[key] as number) : undefined);
  const scanned = number('playsScanned');
  if (scanned !== undefined) return { step, done: scanned, total: plays };
  const done = number('done') ?? number('members');
  const total = number('total') ?? number('of');
  return done !== undefined && total !== undefined ? { step, done, total } : { step, done: 0, total: 1 };
}

function* progressOf<T>(items: Iterable<T>, total: number, report: (n: number) => void): Generator<T> {
  let n = 0;
  for (const item of items) {
    yield item;
    if (++n % 50_000 === 0 || n === total) report(n);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
