import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { getAlgorithm, searchSpaceOf } from '@marquee/algorithms';
import type { Registration, RegistrationsRepository } from '@marquee/storage';
import { ValidationError, formatIssues } from '@marquee/domain';
import { validateTraffic } from '@marquee/experiments';
import { parseSchedule, upsertTrainingSchedule, deleteTrainingSchedule } from './schedules';

export const GATE_METRICS = ['ndcg', 'map', 'precision', 'recall'] as const;

export const registrationInput = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,39}$/, { error: 'must be 2-40 characters: lowercase letters, digits, -' }),
    algorithm: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    schedule: z.string().min(1),
    traffic: z.number().min(0).max(1),
    k: z.number().int().min(1).max(1000).default(100),
    gateMetric: z.enum(GATE_METRICS).default('ndcg'),
    gateTolerance: z.number().min(0).max(1).default(0.02),
    /** Search the algorithm's params before training (`--tune '{"trials": 40}'`). */
    tune: z
      .object({
        trials: z.number().int().min(1).max(500),
        seed: z.number().int().min(0).max(0xffffffff).default(42),
      })
      .strict()
      .optional(),
    /** Search again every this many runs; otherwise retrains reuse the last search's params. */
    retuneEvery: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export type RegistrationInput = z.input<typeof registrationInput>;

/**
 * Registers (or updates) an experimenter's algorithm: validates the algorithm, its params, the
 * schedule and that traffic shares still add up to at most 1, stores it and creates its Temporal
 * Schedule. Every problem is reported, naming the flag.
 */
export async function registerAlgorithm(
  deps: { registrations: RegistrationsRepository; temporal: Client; taskQueue: string },
  raw: RegistrationInput,
): Promise<Registration> {
  // Collect every problem before answering, so one try shows them all.
  const parsed = registrationInput.safeParse(raw);
  const issues: string[] = parsed.success ? [] : formatIssues(parsed.error).map((i) => `--${i}`);
  let params: Record<string, unknown> = raw.params ?? {};
  try {
    const algorithm = getAlgorithm(raw.algorithm);
    const checked = algorithm.params.safeParse(raw.params ?? {});
    if (checked.success) params = checked.data as Record<string, unknown>;
    else issues.push(...formatIssues(checked.error).map((i) => `--params ${i}`));
    if (raw.tune && !searchSpaceOf(raw.algorithm))
      issues.push(`--tune: algorithm '${raw.algorithm}' has no search space, so there is nothing to tune`);
  } catch (error) {
    issues.push(`--algorithm: ${(error as Error).message}`);
  }
  try {
    parseSchedule(raw.schedule);
  } catch (error) {
    issues.push((error as Error).message);
  }
  if (raw.retuneEvery !== undefined && !raw.tune) issues.push('--retune-every: needs --tune');
  if (parsed.success) {
    const others = (await deps.registrations.list()).filter((r) => r.name !== parsed.data.name);
    try {
      validateTraffic([
        ...others.map((r) => ({ name: r.name, traffic: r.traffic })),
        { name: parsed.data.name, traffic: parsed.data.traffic },
      ]);
    } catch (error) {
      issues.push(`--traffic: ${(error as Error).message}`);
    }
  }
  if (issues.length > 0 || !parsed.success) throw new ValidationError(issues, 'registration');
  const input = parsed.data;
  const existing = await deps.registrations.get(input.name);
  const { tune, retuneEvery, ...rest } = input;
  const registration: Registration = {
    ...rest,
    tune: tune ?? null,
    retuneEvery: retuneEvery ?? null,
    params,
    createdAt: existing?.createdAt ?? new Date(),
    updatedAt: new Date(),
  };
  await deps.registrations.save(registration);
  await upsertTrainingSchedule(deps.temporal, {
    registration: input.name,
    schedule: input.schedule,
    taskQueue: deps.taskQueue,
    k: input.k,
  });
  return registration;
}

export async function unregisterAlgorithm(
  deps: { registrations: RegistrationsRepository; temporal: Client },
  name: string,
): Promise<void> {
  await deleteTrainingSchedule(deps.temporal, name);
  await deps.registrations.remove(name);
}
