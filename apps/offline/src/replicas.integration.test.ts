import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MarqueeConfig } from '@marquee/config';
import { AppProcess, replicaPort } from '@marquee/stack';
import { generateDataset } from '@marquee/synthetic';
import { type Platform, connectTestPlatform, testConfig, uniqueId } from '@marquee/testkit';

interface ShardArgs {
  start: number;
  end: number;
}

describe('two offline workers on one task queue (real Temporal, Cassandra, Kafka)', () => {
  let platform: Platform;
  let config: MarqueeConfig;
  let connection: Connection;
  const workers: AppProcess[] = [];
  const registration = uniqueId('pop-wk-').toLowerCase().slice(0, 30);
  const members = 2000;

  before(async () => {
    const base = testConfig('marquee-test-offline-replicas');
    // A keyspace of its own: the snapshot reads every play of the keyspace, so the count is known.
    config = { ...base, cassandra: { ...base.cassandra, keyspace: `${base.cassandra.keyspace}_wk` } };
    platform = await connectTestPlatform('offline-replicas', config);
    const { plays } = generateDataset({
      seed: 9,
      items: 80,
      members,
      playsPerMember: 6,
      days: 20,
      now: new Date(),
      eventPrefix: uniqueId('wk'),
    });
    for (let i = 0; i < plays.length; i += 200)
      await Promise.all(plays.slice(i, i + 200).map((play) => platform.plays.record(play)));
    const now = new Date();
    await platform.registrations.save({
      name: registration,
      algorithm: 'popularity',
      params: {},
      schedule: '1d',
      traffic: 0,
      k: 20,
      gateMetric: 'ndcg',
      gateTolerance: 0.02,
      createdAt: now,
      updatedAt: now,
    });
    const started = await Promise.all(
      [0, 1].map((index) => {
        const port = replicaPort(config.offline.port, index);
        return AppProcess.start({
          tier: 'offline-worker',
          name: `worker-${index + 1}`,
          env: {
            ...process.env,
            MARQUEE_KEYSPACE: config.cassandra.keyspace,
            MARQUEE_OFFLINE_PORT: String(port),
          },
          // Ready once its worker is RUNNING (polling), so both are there when the shards are scheduled.
          healthUrl: `http://${config.host}:${port}/ready`,
          logFile: path.join(os.tmpdir(), `offline-replica-${index + 1}-${process.pid}.log`),
        });
      }),
    );
    workers.push(...started);
    connection = await Connection.connect({ address: config.temporal.address });
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await platform.registrations.remove(registration).catch(() => undefined);
    await connection?.close();
    await platform.close();
  });

  it("share the scoring shards of one pipeline run, each shard scored once, by the worker Temporal's history names", async () => {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const workflowId = uniqueId(`train-${registration}-`);
    const handle = await client.workflow.start('trainingPipeline', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ registration, k: 20, shardSize: 100 }],
    });
    const result = (await handle.result()) as { version: string; published: { counts?: unknown } | null };
    assert.ok(result.published, 'the run published its lists');

    // Each scoreShard: its input (the member range), the worker that started it, and how it closed.
    const history = await handle.fetchHistory();
    const shards = new Map<
      string,
      { range: ShardArgs; attempts: number; identity?: string; completed: boolean }
    >();
    for (const event of history.events ?? []) {
      const id = String(event.eventId);
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'scoreShard') {
        const [input] = (scheduled.input?.payloads ?? []).map((p) =>
          defaultPayloadConverter.fromPayload<ShardArgs>(p),
        );
        shards.set(id, {
          range: { start: Number(input?.start), end: Number(input?.end) },
          attempts: 0,
          completed: false,
        });
      }
      const started = event.activityTaskStartedEventAttributes;
      const startedShard = started && shards.get(String(started.scheduledEventId));
      if (started && startedShard) {
        startedShard.attempts = started.attempt ?? 1;
        startedShard.identity = started.identity ?? undefined;
      }
      const completed = event.activityTaskCompletedEventAttributes;
      const completedShard = completed && shards.get(String(completed.scheduledEventId));
      if (completedShard) completedShard.completed = true;
    }
    const all = [...shards.values()];
    assert.equal(all.length, members / 100, 'one scoreShard per 100 members');
    const ranges = all.map((s) => s.range).sort((a, b) => a.start - b.start);
    let next = 0;
    for (const range of ranges) {
      assert.equal(range.start, next, `shards cover the members once: ${JSON.stringify(ranges)}`);
      next = range.end;
    }
    assert.equal(next, members);
    for (const shard of all) {
      assert.ok(shard.completed, `shard ${JSON.stringify(shard.range)} completed`);
      assert.equal(shard.attempts, 1, `shard ${JSON.stringify(shard.range)} ran once`);
    }
    const identities = new Set(all.map((s) => s.identity));
    const expected = new Set(workers.map((w) => `${w.pid}@${os.hostname()}`));
    assert.deepEqual(
      identities,
      expected,
      `the shards were spread over both workers: ${[...identities].join(', ')}`,
    );

    // Every member has an entry in the published version.
    const entry = await platform.lists.readEntry(registration, result.version, 'm1');
    assert.ok(entry && entry.itemIds.length > 0);
  });
});
