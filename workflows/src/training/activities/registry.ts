import { getAlgorithm, type Algorithm, type AnyAlgorithm } from '@marquee/algorithms';
import type { Registration, RegistrationsRepository } from '@marquee/storage';
import { nonRetryable } from '../../activity-context';

/** The registration a run trains; a missing one fails the run without retries. */
export async function registrationOf(
  registrations: RegistrationsRepository,
  name: string,
): Promise<Registration> {
  const registration = await registrations.get(name);
  if (!registration)
    throw nonRetryable(
      'InvalidParams',
      `no algorithm is registered as '${name}'; see marquee algorithms list`,
    );
  return registration;
}

export function algorithmOf(name: string): AnyAlgorithm {
  try {
    return getAlgorithm(name);
  } catch (error) {
    throw nonRetryable('UnknownAlgorithm', (error as Error).message);
  }
}

export function parseParams(algorithm: Algorithm, params: unknown): unknown {
  const parsed = algorithm.params.safeParse(params);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
      .join('; ');
    throw nonRetryable('InvalidParams', `invalid params for ${algorithm.name}: ${issues}`);
  }
  return parsed.data;
}
