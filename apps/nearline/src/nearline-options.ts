import { z } from 'zod';
import { ConfigError } from '@marquee/config';
import { formatIssues, idSchema } from '@marquee/domain';
import type { NearlineOptions } from '@marquee/play-processing';

const envSchema = z.object({
  /** The same variable the online service reads, so both serve neighbours from one item-kNN model. */
  MARQUEE_SIMILAR_REGISTRATION: idSchema.optional(),
  /** Members applied at once across partitions. */
  MARQUEE_NEARLINE_CONCURRENCY: z.coerce.number().int().min(1).max(4096).optional(),
  /** Members of the plays consumer group in this process, each with its own fetch loop. */
  MARQUEE_NEARLINE_CONSUMERS: z.coerce.number().int().min(1).max(64).optional(),
});

/** The nearline process's own settings, read at its edge; a bad value names its variable. */
export function nearlineOptionsFromEnv(env: NodeJS.ProcessEnv): NearlineOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid environment: ${formatIssues(parsed.error).join('; ')}`);
  const e = parsed.data;
  return {
    ...(e.MARQUEE_SIMILAR_REGISTRATION ? { neighboursRegistration: e.MARQUEE_SIMILAR_REGISTRATION } : {}),
    ...(e.MARQUEE_NEARLINE_CONCURRENCY ? { concurrency: e.MARQUEE_NEARLINE_CONCURRENCY } : {}),
    ...(e.MARQUEE_NEARLINE_CONSUMERS ? { consumers: e.MARQUEE_NEARLINE_CONSUMERS } : {}),
  };
}
