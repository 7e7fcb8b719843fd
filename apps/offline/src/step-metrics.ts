import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import { histogram } from '@marquee/observability';

/**
 * Each pipeline step (an activity) timed by pipeline, step and outcome, so the dashboards show
 * how long training, scoring and publishing take and how often they fail. Runs of a pipeline are
 * counted by its last step's successes.
 */
export function stepMetrics(registry: Registry): ActivityInterceptorsFactory {
  const steps = histogram(
    registry,
    'marquee_offline_step_seconds',
    'Duration of pipeline steps (activities) by pipeline, step and outcome',
    ['pipeline', 'step', 'outcome'],
    [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  );
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const labels = { pipeline: ctx.info.workflowType, step: ctx.info.activityType };
        const end = steps.startTimer(labels);
        try {
          const result = await next(input);
          end({ outcome: 'completed' });
          return result;
        } catch (error) {
          end({ outcome: ctx.cancellationSignal.aborted ? 'cancelled' : 'failed' });
          throw error;
        }
      },
    },
  });
}
