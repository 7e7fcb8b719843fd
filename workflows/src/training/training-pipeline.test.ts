import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import type { PublishedResult } from '@marquee/domain';
import type { GateDecision, ShardResult, TrainingPipelineInput } from '@marquee/offline-client';
import {
  bundleWorkflows,
  runWithActivities,
  startTimeSkippingEnvironment,
} from '../time-skipping.test-support';
import type { TrainingActivities } from './activities';
import { trainingPipeline } from './training-pipeline';

const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', interactions: 900 };
const metrics = { ndcg: 0.31, map: 0.2, precision: 0.1, recall: 0.4, holdoutMembers: 200, trainSeconds: 1 };

/** The training activities as plain functions that record their calls; a test overrides the ones it is about. */
function mockActivities(overrides: Partial<TrainingActivities> = {}) {
  const calls: Record<string, unknown[]> = {};
  const record =
    <A, R>(name: string, answer: (input: A) => Promise<R>) =>
    async (input: A): Promise<R> => {
      (calls[name] ??= []).push(input);
      return answer(input);
    };
  const defaults: TrainingActivities = {
    snapshotInteractions: async () => ({
      blobId: 'snapshot:wf',
      window: { ...window, members: 250, items: 40 },
    }),
    trainModel: async (input) => ({
      registration: input.registration,
      version: input.version,
      algorithm: 'als',
      artifact: `model:${input.registration}:${input.version}`,
      trainSeconds: 1,
    }),
    evaluateModel: async () => metrics,
    gateModel: async (input): Promise<GateDecision> => ({
      publish: true,
      reason: 'no champion yet: ndcg 0.3100 becomes the first',
      candidate: input.metrics,
    }),
    scoreShard: async (input): Promise<ShardResult> => ({
      start: input.start,
      end: input.end,
      members: input.end - input.start,
      checksum: `sha256:${input.start}`,
    }),
    publishModel: async (input): Promise<PublishedResult> => ({
      list: input.registration,
      algorithm: input.algorithm,
      version: input.version,
      location: `cassandra:list_entries/${input.registration}/${input.version}`,
      counts: { members: input.shards.reduce((sum, s) => sum + s.members, 0), items: input.items },
      metrics: input.metrics,
      checksum: 'sha256:published',
      publishedAt: '2026-01-02T00:00:00.000Z',
    }),
    markModelFailed: async () => undefined,
    planTuning: async () => ({ mode: 'none' }),
    runTrial: async () => ({ value: 0, seconds: 0 }),
  };
  const merged = { ...defaults, ...overrides };
  const activities = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [
      name,
      record(name, fn as (input: unknown) => Promise<unknown>),
    ]),
  );
  return { activities, calls };
}

describe('training pipeline workflow (time-skipping test server, mocked activities)', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundle;

  before(async () => {
    env = await startTimeSkippingEnvironment();
    workflowBundle = await bundleWorkflows();
  });
  after(() => env?.teardown());

  const run = (input: TrainingPipelineInput, activities: Record<string, unknown>) =>
    runWithActivities('train', env, workflowBundle, trainingPipeline, { args: [input] }, activities);

  it('a candidate the gate rejects is not scored or published, and the run says why', async () => {
    const reason = 'ndcg 0.2000 < 0.2940 (champion v1 at 0.3000, tolerance 0.02)';
    const { activities, calls } = mockActivities({
      gateModel: async (input) => ({ publish: false, reason, candidate: input.metrics }),
    });
    const result = await run({ registration: 'als-64' }, activities);
    assert.equal(result.published, null);
    assert.equal(result.gate.publish, false);
    assert.equal(result.gate.reason, reason);
    assert.deepEqual(result.metrics, metrics);
    assert.equal(calls.scoreShard, undefined, 'no shard is scored');
    assert.equal(calls.publishModel, undefined, 'nothing is published');
    assert.equal(calls.markModelFailed, undefined, 'a rejected candidate is not a failure');
  });

  it('publishes every shard of the members and returns what was announced', async () => {
    const { activities, calls } = mockActivities();
    const result = await run({ registration: 'als-64', k: 20, shardSize: 100 }, activities);
    assert.match(result.version, /^v\d{8}T\d{6}Z-[0-9a-f]{12}$/);
    // Shards of a wave run in parallel, so they are called in any order.
    const shards = (calls.scoreShard as Array<{ start: number; end: number; k: number; version: string }>)
      .slice()
      .sort((a, b) => a.start - b.start);
    assert.deepEqual(
      shards.map((s) => [s.start, s.end]),
      [
        [0, 100],
        [100, 200],
        [200, 250],
      ],
    );
    assert.ok(shards.every((s) => s.k === 20 && s.version === result.version));
    const [published] = calls.publishModel as Array<{
      shards: ShardResult[];
      items: number;
      metrics: unknown;
    }>;
    assert.deepEqual(
      published?.shards.map((s) => [s.start, s.members, s.checksum]),
      [
        [0, 100, 'sha256:0'],
        [100, 100, 'sha256:100'],
        [200, 50, 'sha256:200'],
      ],
    );
    assert.equal(published?.items, 40);
    assert.deepEqual(published?.metrics, metrics);
    assert.equal(result.published?.version, result.version);
    assert.deepEqual(result.published?.counts, { members: 250, items: 40 });
    assert.equal(result.published?.checksum, 'sha256:published');
    assert.equal((calls.evaluateModel?.[0] as { k: number }).k, 10, 'evaluated at k of at most 10');
  });

  it('a shard that fails for a passing reason is retried and the run still publishes', async () => {
    let failures = 0;
    const { activities, calls } = mockActivities({
      scoreShard: async (input) => {
        if (input.start === 100 && failures++ === 0) throw new Error('cassandra timed out');
        return { start: input.start, end: input.end, members: input.end - input.start, checksum: 'sha256:x' };
      },
    });
    const result = await run({ registration: 'als-64', shardSize: 100 }, activities);
    assert.ok(result.published);
    assert.equal(calls.scoreShard?.length, 4, 'three shards, one of them twice');
  });

  for (const type of ['EmptyDataset', 'InvalidParams'] as const) {
    it(`a non-retryable ${type} failure fails the run without retries and marks the model failed`, async () => {
      const message = type === 'EmptyDataset' ? 'the snapshot is empty' : 'invalid params for als: factors';
      const failing = async () => {
        throw ApplicationFailure.nonRetryable(message, type);
      };
      const { activities, calls } = mockActivities(
        type === 'EmptyDataset' ? { snapshotInteractions: failing } : { trainModel: failing },
      );
      await assert.rejects(run({ registration: 'als-64' }, activities), (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        const cause = error.cause?.cause;
        assert.ok(cause instanceof ApplicationFailure, `cause is ${String(cause)}`);
        assert.equal(cause.type, type);
        assert.equal(cause.nonRetryable, true);
        return true;
      });
      const attempts = type === 'EmptyDataset' ? calls.snapshotInteractions : calls.trainModel;
      assert.equal(attempts?.length, 1, 'tried once');
      assert.equal(calls.publishModel, undefined);
      const [failed] = calls.markModelFailed as Array<{ registration: string; reason: string }>;
      assert.equal(failed?.registration, 'als-64');
      assert.match(failed?.reason ?? '', new RegExp(message));
    });
  }

  for (const [input, expected] of [
    [{ registration: 'als-64', k: 0 }, /k must be 1\.\.1000, got 0/],
    [{ registration: 'als-64', k: 1001 }, /k must be 1\.\.1000, got 1001/],
    [{ registration: 'als-64', shardSize: 50 }, /shardSize must be an integer of at least 100, got 50/],
  ] as const) {
    it(`rejects ${JSON.stringify(input)} before any activity runs`, async () => {
      const { activities, calls } = mockActivities();
      await assert.rejects(run(input, activities), (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.ok(error.cause instanceof ApplicationFailure);
        assert.equal(error.cause.type, 'InvalidParams');
        assert.match(error.cause.message, expected);
        return true;
      });
      assert.deepEqual(calls, {});
    });
  }

  it('with tuning asked for, runs every trial as an activity, halves on the validation metric, trains the best', async () => {
    // Nine trials: the value peaks at x = 5; the first rung trains with a third of the iterations.
    const trials = Array.from({ length: 9 }, (_, x) => ({ x, iterations: 30 }));
    const { activities, calls } = mockActivities({
      planTuning: async () => ({ mode: 'search', metric: 'ndcg', trials, rungs: 2, eta: 3 }),
      runTrial: async (input) => ({
        value: 1 - Math.abs((input.params['x'] as number) - 5) / 10 + input.fraction / 100,
        seconds: 2,
      }),
    });
    const result = await run({ registration: 'als-64' }, activities);
    const ran = calls.runTrial as Array<{ params: { x: number }; fraction: number; metric: string }>;
    assert.equal(ran.length, 9 + 3);
    assert.deepEqual(
      ran
        .filter((t) => t.fraction === 1)
        .map((t) => t.params.x)
        .sort(),
      [4, 5, 6],
      'the best third goes on to the full budget',
    );
    assert.ok(ran.slice(0, 9).every((t) => Math.abs(t.fraction - 1 / 3) < 1e-12 && t.metric === 'ndcg'));
    const [trained] = calls.trainModel as Array<{
      tuning: { best: { x: number }; trials: unknown[]; seconds: number };
    }>;
    assert.equal(trained?.tuning.best.x, 5);
    assert.equal(trained?.tuning.trials.length, 12);
    assert.equal(trained?.tuning.seconds, 24);
    assert.deepEqual(result.tuning, {
      metric: 'ndcg',
      params: { x: 5, iterations: 30 },
      validation: 1.01,
      trials: 12,
    });
  });

  it('carries the baseline to the full budget even when it ranks low on the short one, and keeps it when it wins', async () => {
    // The baseline (x = 0) is a slow starter: last on a third of the budget, best on the whole of it.
    const trials = Array.from({ length: 9 }, (_, x) => ({ x, iterations: 30 }));
    const baseline = { x: 0, iterations: 30 };
    const { activities, calls } = mockActivities({
      planTuning: async () => ({ mode: 'search', metric: 'ndcg', trials, baseline, rungs: 2, eta: 3 }),
      runTrial: async (input) => {
        const x = input.params['x'] as number;
        if (x === 0) return { value: input.fraction === 1 ? 2 : 0, seconds: 1 };
        return { value: 1 - Math.abs(x - 5) / 10, seconds: 1 };
      },
    });
    await run({ registration: 'als-64' }, activities);
    const ran = calls.runTrial as Array<{ params: { x: number }; fraction: number }>;
    assert.deepEqual(
      ran
        .filter((t) => t.fraction === 1)
        .map((t) => t.params.x)
        .sort(),
      [0, 4, 5],
      'the baseline and the best two others go on',
    );
    const [trained] = calls.trainModel as Array<{ tuning: { best: { x: number } } }>;
    assert.equal(trained?.tuning.best.x, 0);
  });

  it('reuses the last search when the plan says so: no trial runs, training gets the earlier choice', async () => {
    const tuning = { metric: 'ndcg', best: { factors: 128 }, validation: 0.3, reusedFrom: 'v1' };
    const { activities, calls } = mockActivities({ planTuning: async () => ({ mode: 'reuse', tuning }) });
    const result = await run({ registration: 'als-64' }, activities);
    assert.equal(calls.runTrial, undefined);
    assert.deepEqual((calls.trainModel as Array<{ tuning: unknown }>)[0]?.tuning, tuning);
    assert.deepEqual(result.tuning, {
      metric: 'ndcg',
      params: { factors: 128 },
      validation: 0.3,
      trials: 0,
      reusedFrom: 'v1',
    });
  });

  it('without tuning, trains the registration as is', async () => {
    const { activities, calls } = mockActivities();
    const result = await run({ registration: 'als-64' }, activities);
    assert.equal(calls.runTrial, undefined);
    assert.equal((calls.trainModel as Array<{ tuning?: unknown }>)[0]?.tuning, undefined);
    assert.equal(result.tuning, undefined);
  });
});
