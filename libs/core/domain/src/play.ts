import { z } from 'zod';
import { idSchema } from './ids';
import { formatIssues } from './validation';

export const DEVICES = ['tv', 'mobile', 'web', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

/** Plays older than this are not events but corrupt data. */
const EARLIEST_PLAY = Date.parse('2000-01-01T00:00:00Z');
/** Device clocks drift; more than this into the future is rejected. */
const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;
/** A Kafka play message larger than this is rejected before parsing. */
export const MAX_PLAY_BYTES = 16 * 1024;

export const playSchema = z
  .object({
    eventId: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, {
      error: 'must be 1-128 characters of letters, digits, _ . : -',
    }),
    userId: idSchema,
    itemId: idSchema,
    device: z.enum(DEVICES, { error: `must be one of ${DEVICES.join(', ')}` }),
    timestamp: z.iso
      .datetime({ offset: true, error: 'must be an ISO-8601 date-time, e.g. 2026-11-22T20:15:00Z' })
      .refine((value) => Date.parse(value) >= EARLIEST_PLAY, { error: 'must not be before 2000-01-01' })
      .refine((value) => Date.parse(value) <= Date.now() + MAX_CLOCK_SKEW_MS, {
        error: 'must not be more than one hour in the future',
      })
      .describe('when the play happened: not before 2000-01-01, at most one hour ahead of the clock'),
    positionMs: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be an integer' })
      .min(0)
      .describe('how far into the title the member got; at most durationMs'),
    durationMs: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be an integer' })
      .positive({ error: 'must be positive' })
      .max(24 * 3600 * 1000, { error: 'must be at most 24 hours' }),
  })
  .strict()
  .refine((play) => play.positionMs <= play.durationMs, {
    error: 'must not exceed durationMs',
    path: ['positionMs'],
  });

export type Play = z.infer<typeof playSchema>;

/** A title counts as finished once watched to within this share of its end (credits). */
export const FINISHED_SHARE = 0.95;

export function isFinished(play: Pick<Play, 'positionMs' | 'durationMs'>): boolean {
  return play.positionMs >= play.durationMs * FINISHED_SHARE;
}

export type DecodedPlay = { ok: true; play: Play } | { ok: false; reason: string };

/** Decodes one Kafka message value; never throws, so a bad message becomes a dead letter. */
export function decodePlay(bytes: Buffer | null): DecodedPlay {
  if (!bytes || bytes.length === 0) return { ok: false, reason: 'empty message' };
  if (bytes.length > MAX_PLAY_BYTES) {
    return { ok: false, reason: `message of ${bytes.length} bytes exceeds ${MAX_PLAY_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = playSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: formatIssues(result.error).join('; ') };
  return { ok: true, play: result.data };
}

export function encodePlay(play: Play): Buffer {
  return Buffer.from(JSON.stringify(play));
}
