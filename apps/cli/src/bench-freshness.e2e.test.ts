import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FreshnessReport } from '@marquee/bench';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

/**
 * The benchmark registers its own algorithms (with traffic shares), seeds the demo data and publishes
 * thousands of plays that count as trending: in a keyspace (and so a cache namespace), topics and a
 * task queue of its own, the other tests never see them.
 */
const env = {
  ...process.env,
  MARQUEE_KEYSPACE: `${process.env.MARQUEE_KEYSPACE ?? 'marquee_test'}_freshness`,
  MARQUEE_TOPIC_PREFIX: `${process.env.MARQUEE_TOPIC_PREFIX ?? 'test.'}freshness.`,
  MARQUEE_TASK_QUEUE: `${process.env.MARQUEE_TASK_QUEUE ?? 'marquee-test'}-freshness`,
};

describe('marquee bench freshness (the apps as processes on the real stack)', () => {
  it('measures publish → rows after an unmeasured warm-up, counting only the measured plays', async () => {
    const rate = 40;
    const seconds = 4;
    const { stdout, stderr } = await run(
      process.execPath,
      [
        cli,
        'bench',
        'freshness',
        '--rate',
        String(rate),
        '--seconds',
        String(seconds),
        '--warmup',
        '3',
        '--samples-per-second',
        '4',
        '--json',
      ],
      { env, maxBuffer: 16 * 1024 * 1024, timeout: 280_000 },
    );
    const report = JSON.parse(stdout.trim()) as FreshnessReport;
    assert.deepEqual(Object.keys(report).sort(), [
      'lost',
      'maxLag',
      'p50Ms',
      'p95Ms',
      'p99Ms',
      'rate',
      'reflected',
      'seconds',
      'sent',
    ]);
    assert.equal(report.rate, rate);
    assert.equal(report.seconds, seconds);
    // The warm-up's 120 plays are not in `sent`: the measured 4 s are about 160.
    assert.ok(
      report.sent >= rate * seconds * 0.8 && report.sent <= rate * seconds * 1.2,
      `sent ${report.sent}`,
    );
    assert.equal(report.lost, 0);
    assert.ok(report.reflected >= 8, `reflected ${report.reflected}`);
    assert.ok(report.p50Ms > 0 && report.p50Ms <= report.p95Ms && report.p95Ms <= report.p99Ms);
    assert.match(stderr, /warm-up: 3 s at 40 plays\/s, not measured/);
  });

  it('rejects a bad --warmup naming the flag', async () => {
    await assert.rejects(
      run(process.execPath, [cli, 'bench', 'freshness', '--warmup', '-5', '--json'], {
        env,
        timeout: 30_000,
      }),
      (error: Error & { stderr?: string }) => {
        assert.match(error.stderr ?? '', /--warmup must be a whole number from 0 to 600, got '-5'/);
        return true;
      },
    );
  });
});
