import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '@marquee/config';
import type { PipelineBenchResult } from '@marquee/bench';
import { createLogger } from '@marquee/observability';
import { connectCassandra, createCassandraClient, ListsRepository } from '@marquee/storage';

const CLI = path.join(__dirname, 'main.js');

describe('marquee bench pipeline (real Cassandra, Temporal and a worker of its own)', () => {
  const config = loadConfig(process.env, 'marquee-test-bench-pipeline');
  const keyspace = `${config.cassandra.keyspace}_pipeline_bench`.slice(0, 48);

  after(async () => {
    const admin = createCassandraClient(config.cassandra);
    try {
      await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { readTimeout: 120_000 });
    } finally {
      await admin.shutdown();
    }
  });

  it('prints one JSON object with every step, the floors, and scored lists published for every member', async () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'bench', 'pipeline', '--plays', '20000', '--iterations', '3', '--keep', '--json'],
      { encoding: 'utf8', env: process.env },
    );
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON object on stdout');
    const bench = JSON.parse(lines[0] as string) as PipelineBenchResult;

    assert.equal(bench.plays, 20_000);
    assert.ok(bench.members > 0 && bench.items > 0);
    for (const step of ['snapshot', 'plan', 'train', 'evaluate', 'gate', 'score', 'publish'] as const)
      assert.equal(typeof bench.steps[step], 'number', `step ${step} is reported`);
    for (const value of [
      bench.importSeconds,
      bench.importVsRawWrite,
      bench.pipelineSeconds,
      bench.floors.rawReadSeconds,
      bench.floors.implicitTrainSeconds,
      bench.floors.numpyScoreSeconds,
      bench.floorSeconds,
      bench.ratio,
      bench.peakMemoryMb.cli,
      bench.peakMemoryMb.worker,
    ])
      assert.ok(Number.isFinite(value) && value > 0, `${JSON.stringify(bench)} has a positive figure`);
    assert.equal(bench.published.members, bench.members, 'every member has a scored list');

    // The published version's lists are in the bench keyspace, kept by --keep.
    const cassandra = await connectCassandra(
      { ...config, cassandra: { ...config.cassandra, keyspace } },
      createLogger('test', 'warn', true),
    );
    try {
      const entry = await new ListsRepository(cassandra).readEntry(
        'bench-als',
        bench.published.version,
        'm0',
      );
      assert.ok(entry && entry.itemIds.length > 0, 'member m0 has a scored list');
    } finally {
      await cassandra.shutdown();
    }
  });
});
