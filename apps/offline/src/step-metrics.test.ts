import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { stepMetrics } from './step-metrics';

/** The part of an activity's context the interceptor reads. */
function contextOf(workflowType: string, activityType: string): Context {
  return {
    info: { workflowType, activityType },
    cancellationSignal: new AbortController().signal,
  } as unknown as Context;
}

const input = { args: [], headers: {} } as unknown as ActivityExecuteInput;

describe('pipeline step metrics', () => {
  it('time each step by pipeline, step and outcome, and pass results and errors through', async () => {
    const registry = new Registry();
    const factory = stepMetrics(registry);
    const train = factory(contextOf('trainingPipeline', 'trainModel')).inbound;
    const publish = factory(contextOf('trainingPipeline', 'publishModel')).inbound;
    assert.equal(await train?.execute?.(input, async () => 'model-1'), 'model-1');
    await assert.rejects(
      async () =>
        publish?.execute?.(input, async () => {
          throw new Error('Cassandra unavailable');
        }),
      /Cassandra unavailable/,
    );
    const metric = await registry.getSingleMetricAsString('marquee_offline_step_seconds');
    assert.match(
      metric,
      /marquee_offline_step_seconds_count\{pipeline="trainingPipeline",step="trainModel",outcome="completed"\} 1/,
    );
    assert.match(
      metric,
      /marquee_offline_step_seconds_count\{pipeline="trainingPipeline",step="publishModel",outcome="failed"\} 1/,
    );
  });
});
