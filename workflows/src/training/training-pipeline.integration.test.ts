import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type PublishedResult, ValidationError } from '@marquee/domain';
import { createTrainingActivities } from './activities';
import { describeRun, registerAlgorithm, rollbackList, unregisterAlgorithm } from '@marquee/offline-client';
import { type Platform, causeChain, testConfig, uniqueId, waitFor } from '@marquee/testkit';
import { generateDataset } from '@marquee/synthetic';
import { activityDepsOf, startOfflineHarness, type OfflineHarness } from '../offline-harness.test-support';
import { trainingPipeline } from './training-pipeline';

describe('training pipeline (real Temporal, Cassandra, Kafka, memcached)', () => {
  let harness: OfflineHarness;
  let env: OfflineHarness['env'];
  let platform: Platform;
  let announcements: PublishedResult[];
  const config = testConfig('marquee-test-training');
  const name = uniqueId('pop-').toLowerCase().slice(0, 30);
  const tunedName = uniqueId('als-tuned-').toLowerCase().slice(0, 30);
  const deps = () => ({
    registrations: platform.registrations,
    temporal: env.client,
    taskQueue: config.temporal.taskQueue,
  });

  before(async () => {
    harness = await startOfflineHarness('training', config);
    ({ env, platform, announcements } = harness);
    // A small synthetic service's plays, straight into the history the snapshot reads.
    const { plays } = generateDataset({
      seed: 5,
      items: 120,
      members: 250,
      playsPerMember: 12,
      days: 20,
      now: new Date(),
      eventPrefix: uniqueId('tp'),
    });
    for (let i = 0; i < plays.length; i += 100)
      await Promise.all(plays.slice(i, i + 100).map((play) => platform.plays.record(play)));
  });

  after(async () => {
    await unregisterAlgorithm(deps(), name).catch(() => undefined);
    await unregisterAlgorithm(deps(), tunedName).catch(() => undefined);
    await harness.stop();
  });

  it('registration validates the algorithm, params, schedule and traffic, naming each flag', async () => {
    await assert.rejects(
      registerAlgorithm(deps(), {
        name,
        algorithm: 'popularity',
        params: { halfLifeDays: -1, bogus: 1 },
        schedule: 'sometimes',
        traffic: 2,
      }),
      (error: unknown) => {
        const issues = (error as ValidationError).issues.join('\n');
        return error instanceof ValidationError && /--traffic/.test(issues);
      },
    );
    await assert.rejects(
      registerAlgorithm(deps(), {
        name,
        algorithm: 'popularity',
        params: { halfLifeDays: -1 },
        schedule: 'sometimes',
        traffic: 0.1,
      }),
      (error: unknown) => {
        const issues = (error as ValidationError).issues.join('\n');
        return /--params halfLifeDays/.test(issues) && /--schedule: 'sometimes'/.test(issues);
      },
    );
    await assert.rejects(
      registerAlgorithm(deps(), { name, algorithm: 'nope', schedule: '1d', traffic: 0.1 }),
      /--algorithm: unknown algorithm 'nope'/,
    );
  });

  it('a registered algorithm gets a Temporal schedule and a run publishes its lists as champion', async () => {
    const registration = await registerAlgorithm(deps(), {
      name,
      algorithm: 'popularity',
      params: {},
      schedule: '1d',
      traffic: 0.05,
      k: 20,
    });
    assert.equal(registration.gateMetric, 'ndcg');
    const schedule = await env.client.schedule.getHandle(`train-${name}`).describe();
    assert.equal(schedule.action.type, 'startWorkflow');

    const workflowId = uniqueId(`train-${name}-`);
    const result = await env.client.workflow.execute(trainingPipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ registration: name, k: 20, shardSize: 100 }],
    });
    assert.ok(result.published, `published (gate: ${result.gate.reason})`);
    assert.ok((result.metrics['ndcg'] ?? 0) > 0, 'popularity finds some held-out plays');
    assert.equal((await platform.lists.champion(name))?.version, result.version);
    const model = await platform.models.get(name, result.version);
    assert.equal(model?.status, 'champion');
    assert.equal(model?.algorithm, 'popularity');
    assert.ok((model?.dataWindow.members ?? 0) >= 250);
    assert.ok(await platform.blobs.meta(model?.artifact ?? ''), 'the model artifact is stored');

    const entry = await platform.lists.readEntry(name, result.version, 'm1');
    assert.ok(entry && entry.itemIds.length > 0 && entry.itemIds.length <= 20);
    const history = await platform.plays.recent('m1', 1000);
    const seen = new Set(history.map((p) => p.itemId));
    assert.ok(
      entry.itemIds.every((id) => !seen.has(id)),
      'nothing the member played',
    );

    const run = await describeRun(env.client, workflowId);
    const steps = run.steps.map((s) => s.activity);
    for (const step of [
      'snapshotInteractions',
      'trainModel',
      'evaluateModel',
      'gateModel',
      'scoreShard',
      'publishModel',
    ]) {
      assert.ok(steps.includes(step), `history has ${step}`);
    }
    assert.ok(steps.filter((s) => s === 'scoreShard').length >= 3, 'members scored in several shards');
    assert.ok(run.steps.every((s) => s.status === 'completed'));

    const announced = await waitFor('the announcement', async () =>
      announcements.find((a) => a.list === name && a.version === result.version),
    );
    assert.equal(announced.algorithm, 'popularity');
    assert.ok(announced.counts.members >= 250);
  });

  it('a registration asking for tuning searches params in trial activities, records them, then reuses the choice', async () => {
    await assert.rejects(
      registerAlgorithm(deps(), {
        name: tunedName,
        algorithm: 'als',
        schedule: '1d',
        traffic: 0.05,
        tune: { trials: 0 },
        retuneEvery: 0,
      }),
      (error: unknown) => {
        const issues = (error as ValidationError).issues.join('\n');
        return /--tune\.trials/.test(issues) && /--retuneEvery/.test(issues);
      },
    );
    await assert.rejects(
      registerAlgorithm(deps(), {
        name: tunedName,
        algorithm: 'als',
        schedule: '1d',
        traffic: 0.05,
        retuneEvery: 2,
      }),
      /--retune-every: needs --tune/,
    );
    const registration = await registerAlgorithm(deps(), {
      name: tunedName,
      algorithm: 'als',
      params: { iterations: 6 },
      schedule: '1d',
      traffic: 0.05,
      k: 20,
      tune: { trials: 3 },
      retuneEvery: 2,
    });
    assert.deepEqual(registration.tune, { trials: 3, seed: 42 });
    assert.deepEqual((await platform.registrations.get(tunedName))?.retuneEvery, 2);

    const train = async () => {
      const workflowId = uniqueId(`train-${tunedName}-`);
      const result = await env.client.workflow.execute(trainingPipeline, {
        taskQueue: config.temporal.taskQueue,
        workflowId,
        args: [{ registration: tunedName, k: 20, shardSize: 1000 }],
      });
      return { result, run: await describeRun(env.client, workflowId) };
    };
    const first = await train();
    // Three trials at a third of the iterations, the best one again at all of them.
    assert.equal(first.result.tuning?.trials, 4);
    assert.equal(first.run.steps.filter((s) => s.activity === 'runTrial').length, 4);
    assert.ok(first.run.steps.some((s) => s.activity === 'planTuning'));
    const model = await platform.models.get(tunedName, first.result.version);
    assert.equal(model?.tuning?.trials?.length, 4);
    assert.deepEqual(model?.tuning?.best, first.result.tuning?.params);
    assert.equal(model?.params['factors'], model?.tuning?.best['factors']);
    assert.ok((model?.tuning?.trials ?? []).every((t) => t.value >= 0 && t.seconds >= 0));

    const second = await train();
    assert.equal(second.result.tuning?.reusedFrom, first.result.version);
    assert.equal(second.result.tuning?.trials, 0);
    assert.equal(second.run.steps.filter((s) => s.activity === 'runTrial').length, 0);
    assert.deepEqual(second.result.tuning?.params, first.result.tuning?.params);

    // retuneEvery 2: the run after one reuse searches again.
    const third = await train();
    assert.equal(third.result.tuning?.trials, 4);
  });

  it('the gate keeps a worse candidate from publishing and says why', async () => {
    const champion = await platform.lists.champion(name);
    assert.ok(champion);
    await platform.models.update(name, champion.version, { metrics: { ndcg: 0.99 } });
    const result = await env.client.workflow.execute(trainingPipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId: uniqueId(`train-${name}-`),
      args: [{ registration: name, k: 20, shardSize: 100 }],
    });
    assert.equal(result.published, null);
    assert.match(result.gate.reason, /ndcg 0\.\d+ < 0\.9702 \(champion v\S+ at 0\.9900, tolerance 0\.02\)/);
    assert.equal((await platform.lists.champion(name))?.version, champion.version, 'champion untouched');
    assert.equal((await platform.models.get(name, result.version))?.status, 'rejected');
  });

  it('an unknown algorithm fails the run without retries and without touching the champion', async () => {
    const champion = await platform.lists.champion(name);
    const registration = await platform.registrations.get(name);
    assert.ok(registration);
    await platform.registrations.save({ ...registration, algorithm: 'does-not-exist' });
    try {
      await assert.rejects(
        env.client.workflow.execute(trainingPipeline, {
          taskQueue: config.temporal.taskQueue,
          workflowId: uniqueId(`train-${name}-`),
          args: [{ registration: name }],
        }),
        (error: unknown) =>
          error instanceof WorkflowFailedError &&
          /unknown algorithm 'does-not-exist'/.test(causeChain(error)),
      );
    } finally {
      await platform.registrations.save(registration);
    }
    assert.equal((await platform.lists.champion(name))?.version, champion?.version);
  });

  it('rollback makes the previous version champion again and announces it', async () => {
    // Publish a second version so there is one to go back from.
    const champion = await platform.lists.champion(name);
    assert.ok(champion);
    await platform.models.update(name, champion.version, { metrics: { ndcg: 0 } });
    const second = await env.client.workflow.execute(trainingPipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId: uniqueId(`train-${name}-`),
      args: [{ registration: name, k: 20, shardSize: 100 }],
    });
    assert.ok(second.published);
    const rolledBack = await rollbackList(activityDepsOf(platform), name, 'test');
    assert.equal(rolledBack.version, champion.version);
    assert.equal((await platform.lists.champion(name))?.version, champion.version);
    assert.equal((await platform.models.get(name, second.version))?.status, 'retired');
    await waitFor(
      'the rollback announcement',
      async () => announcements.filter((a) => a.list === name && a.version === champion.version).length >= 2,
    );
  });

  it('an empty snapshot fails the run without retries, naming the cause', async () => {
    // A keyspace with no plays at all, served by its own worker and task queue.
    const empty = {
      ...config,
      cassandra: { ...config.cassandra, keyspace: `${config.cassandra.keyspace}_empty` },
      temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-empty` },
    };
    const emptyHarness = await startOfflineHarness('training-empty', empty);
    try {
      await registerAlgorithm(
        {
          registrations: emptyHarness.platform.registrations,
          temporal: env.client,
          taskQueue: empty.temporal.taskQueue,
        },
        { name: `${name}-e`.slice(0, 40), algorithm: 'popularity', schedule: '1d', traffic: 0 },
      );
      await assert.rejects(
        env.client.workflow.execute(trainingPipeline, {
          taskQueue: empty.temporal.taskQueue,
          workflowId: uniqueId(`train-${name}-empty-`),
          args: [{ registration: `${name}-e`.slice(0, 40) }],
        }),
        (error: unknown) =>
          error instanceof WorkflowFailedError && /the snapshot is empty/.test(causeChain(error)),
      );
    } finally {
      await unregisterAlgorithm(
        { registrations: emptyHarness.platform.registrations, temporal: env.client },
        `${name}-e`.slice(0, 40),
      ).catch(() => undefined);
      await emptyHarness.stop();
    }
  });

  it('a corrupt artifact fails as CorruptArtifact, which is not retried', async () => {
    const blobId = uniqueId('snapshot:corrupt-');
    await platform.blobs.put(blobId, 'snapshot', new Uint8Array(2048).fill(7), 600);
    // Overwrite the only chunk behind the checksum's back.
    await platform.cassandra.execute(
      'INSERT INTO blobs (blob_id, chunk, data) VALUES (?, 0, ?)',
      [blobId, Buffer.alloc(2048, 9)],
      {
        prepare: true,
      },
    );
    const activities = createTrainingActivities(activityDepsOf(platform));
    const snapshot = { blobId, window: { from: '', to: '', members: 1, items: 1, interactions: 1 } };
    await assert.rejects(
      activities.evaluateModel({
        trained: {
          registration: name,
          version: 'v0',
          algorithm: 'popularity',
          artifact: blobId,
          trainSeconds: 0,
        },
        snapshot,
        k: 10,
      }),
      (error: unknown) =>
        error instanceof ApplicationFailure &&
        error.type === 'CorruptArtifact' &&
        error.nonRetryable &&
        /checksum mismatch/.test(error.message),
    );
    const unreadable = uniqueId('snapshot:garbage-');
    await platform.blobs.put(unreadable, 'snapshot', new Uint8Array(64).fill(1), 600);
    await assert.rejects(
      activities.evaluateModel({
        trained: {
          registration: name,
          version: 'v0',
          algorithm: 'popularity',
          artifact: unreadable,
          trainSeconds: 0,
        },
        snapshot: { ...snapshot, blobId: unreadable },
        k: 10,
      }),
      /snapshot snapshot:garbage-\S+ cannot be read: not a Marquee model artifact/,
    );
  });
});
