import type { GateDecision } from '@marquee/offline-client';
import type { ModelsRepository, RegistrationsRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import { nonRetryable } from '../../activity-context';
import { registrationOf } from './registry';

export interface GateDeps {
  registrations: RegistrationsRepository;
  models: ModelsRepository;
  logger: Logger;
}

export function gateActivities(deps: GateDeps) {
  return {
    /** Publishes only when the candidate is within the tolerance of the champion on the gate metric. */
    async gateModel(input: {
      registration: string;
      version: string;
      metrics: Record<string, number>;
    }): Promise<GateDecision> {
      const registration = await registrationOf(deps.registrations, input.registration);
      const metric = registration.gateMetric;
      const candidateValue = input.metrics[metric];
      if (candidateValue === undefined)
        throw nonRetryable('InvalidParams', `the gate metric '${metric}' was not measured`);
      const champion = (await deps.models.list(input.registration, 50)).find((m) => m.status === 'champion');
      let decision: GateDecision;
      if (!champion || champion.metrics[metric] === undefined) {
        decision = {
          publish: true,
          reason: `no champion yet: ${metric} ${candidateValue.toFixed(4)} becomes the first`,
          candidate: input.metrics,
        };
      } else {
        const championValue = champion.metrics[metric] as number;
        const floor = championValue * (1 - registration.gateTolerance);
        const publish = candidateValue >= floor;
        decision = {
          publish,
          reason: `${metric} ${candidateValue.toFixed(4)} ${publish ? '>=' : '<'} ${floor.toFixed(4)} (champion ${champion.version} at ${championValue.toFixed(4)}, tolerance ${registration.gateTolerance})`,
          candidate: input.metrics,
          champion: { version: champion.version, metrics: champion.metrics },
        };
      }
      await deps.models.update(input.registration, input.version, {
        status: decision.publish ? 'candidate' : 'rejected',
        reason: `gate: ${decision.reason}`,
      });
      deps.logger.info(
        { registration: input.registration, version: input.version, ...decision },
        'gate decided',
      );
      return decision;
    },
  };
}
