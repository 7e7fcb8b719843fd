import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@marquee/observability';
import { testConfig } from '@marquee/testkit';
import { DEFAULT_CHAOS, runChaos } from './chaos';

describe('marquee chaos (the apps as processes on the real servers)', () => {
  it('kills the nearline app it started with SIGKILL: no accepted play lost or stored twice, rows answered, the training run completed once', async () => {
    // Only an app this test starts is killed: the servers are shared by every test run. Its steady
    // load goes to a keyspace and topics of its own (the apps it starts inherit them), so its plays
    // never crowd the other tests' trending rows.
    process.env['MARQUEE_KEYSPACE'] = `${process.env['MARQUEE_KEYSPACE'] ?? 'marquee_test'}_chaos`;
    process.env['MARQUEE_TOPIC_PREFIX'] = `${process.env['MARQUEE_TOPIC_PREFIX'] ?? ''}chaos.`;
    const config = testConfig('marquee-test-chaos');
    const lines: string[] = [];
    const report = await runChaos(
      config,
      createLogger('test-chaos', 'error', true),
      {
        ...DEFAULT_CHAOS,
        faults: ['nearline'],
        downSeconds: 3,
        steadySeconds: 3,
        trainingTimeoutSeconds: 60,
      },
      (line) => lines.push(line),
    );
    const [nearline] = report.faults;
    assert.ok(nearline, 'one fault reported');
    const why = `\n${JSON.stringify(report)}\n${lines.join('\n')}`;
    assert.equal(nearline.fault, 'nearline');
    assert.ok(nearline.playsAccepted > 100, `plays were accepted during the run${why}`);
    assert.equal(nearline.playsStored, nearline.playsAccepted, why);
    assert.equal(nearline.lost, 0, why);
    assert.equal(nearline.duplicates, 0, why);
    assert.ok(nearline.rows2xx > 0, why);
    assert.equal(nearline.rows5xx, 0, why);
    assert.equal(nearline.unanswered, 0, why);
    assert.equal(nearline.workflowsCompleted, 1, why);
    assert.equal(nearline.workflowsDuplicated, 0, why);
    assert.ok(nearline.recoverySeconds !== null, `nearline recovered${why}`);
    assert.equal(report.ok, true, why);
    assert.ok(
      lines.some((l) => /^nearline: \S+ killed \(SIGKILL\)/.test(l)),
      why,
    );
  });
});
