import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary, StepSummary } from '@marquee/offline-client';
import { benchHistory, ml20mShape, playsOf } from './history-shape';
import { stepSeconds } from './pipeline-bench';

const step = (activity: string, from: number, to: number): StepSummary => ({
  activity,
  activityId: `${activity}-${from}`,
  status: 'completed',
  attempt: 1,
  scheduledAt: new Date(from * 1000).toISOString(),
  closedAt: new Date(to * 1000).toISOString(),
  durationMs: (to - from) * 1000,
});

describe('bench pipeline', () => {
  it('has ML-20M proportions: about 145 plays a member, titles scaled with the plays (at least 2,000)', () => {
    assert.deepEqual(ml20mShape(20_000_000), { plays: 20_000_000, members: 138_491, items: 26_744 });
    assert.deepEqual(ml20mShape(1_000_000), { plays: 1_000_000, members: 6925, items: 2000 });
    assert.deepEqual(ml20mShape(1_000_000, 100, 50), { plays: 1_000_000, members: 100, items: 50 });
  });

  it('generates one play per stored pair, member by member, deterministically', () => {
    const history = benchHistory(ml20mShape(20_000));
    const plays = [...playsOf(history)];
    assert.equal(plays.length, 20_000);
    assert.deepEqual([...playsOf(history)], plays);
    assert.equal(plays[0]?.userId, 'm0');
    assert.equal(new Set(plays.map((p) => `${p.userId} ${p.itemId}`)).size, plays.length);
  });

  it("takes each step's span from the run's history; scoring runs from the first shard to the last", () => {
    const run: RunSummary = {
      workflowId: 'w',
      runId: 'r',
      type: 'trainingPipeline',
      status: 'COMPLETED',
      startTime: new Date(0).toISOString(),
      steps: [
        step('snapshotInteractions', 0, 10),
        step('planTuning', 10, 11),
        step('trainModel', 11, 30),
        step('evaluateModel', 30, 35),
        step('gateModel', 35, 36),
        step('scoreShard', 36, 40),
        step('scoreShard', 36, 44),
        step('scoreShard', 40, 47),
        step('publishModel', 47, 48),
      ],
    };
    assert.deepEqual(stepSeconds(run), {
      snapshot: 10,
      plan: 1,
      train: 19,
      evaluate: 5,
      gate: 1,
      score: 11,
      publish: 1,
    });
    assert.throws(() => stepSeconds({ ...run, steps: run.steps.slice(0, 3) }), /no completed evaluate step/);
  });
});
