import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chaosReport, formatTable, missedTargets, type FaultResult } from './report';

const clean: Omit<FaultResult, 'missed'> = {
  fault: 'kafka',
  downSeconds: 10,
  playsAccepted: 2000,
  playsStored: 2000,
  lost: 0,
  duplicates: 0,
  rows2xx: 600,
  rowsDegraded: 12,
  rows4xx: 0,
  rows5xx: 0,
  unanswered: 0,
  workflowsCompleted: 1,
  workflowsDuplicated: 0,
  recoverySeconds: 8.4,
};

describe('the fault matrix report', () => {
  it('meets the targets with nothing lost, stored twice, 5xx or unanswered, and the run completed once', () => {
    assert.deepEqual(missedTargets(clean), []);
    const report = chaosReport([{ ...clean, missed: [] }]);
    assert.equal(report.ok, true);
    assert.match(
      formatTable(report),
      /\| kafka \| 10 \| 2000 \| 2000 \| 0 \| 0 \| 600 \| 12 \| 0 \| 0 \| 1× \| 8\.4 \| ✔ \|/,
    );
  });

  it('names each missed target, and degraded pages are not one of them', () => {
    const bad = {
      ...clean,
      lost: 3,
      duplicates: 1,
      rows5xx: 2,
      unanswered: 5,
      workflowsCompleted: 0,
      recoverySeconds: null,
    };
    const missed = missedTargets(bad);
    assert.deepEqual(missed, [
      '3 accepted plays lost',
      '1 plays stored twice',
      '2 rows reads answered 5xx',
      '5 rows reads unanswered within 1 s',
      'the training run completed 0 times',
      'did not recover',
    ]);
    const report = chaosReport([
      { ...bad, missed },
      { ...clean, fault: 'memcached', missed: [] },
    ]);
    assert.equal(report.ok, false);
    assert.match(formatTable(report), /kafka: 3 accepted plays lost/);
    assert.match(formatTable(report), /\| kafka .*\| — \| ✘ \|/);
  });

  it('counts a training run that completed twice as duplicated', () => {
    assert.deepEqual(missedTargets({ ...clean, workflowsCompleted: 2, workflowsDuplicated: 1 }), [
      'the training run completed 2 times',
      '1 duplicate training runs',
    ]);
  });
});
