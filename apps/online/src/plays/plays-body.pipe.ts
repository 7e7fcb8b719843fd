import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow, playSchema, type Play } from '@marquee/domain';
import { MAX_PLAYS_PER_REQUEST } from '../common/schemas';

const batchSchema = z.object({ plays: z.array(playSchema).min(1).max(MAX_PLAYS_PER_REQUEST) }).strict();

export interface PostedPlays {
  plays: Play[];
  /** Posted as `{plays: [...]}`: errors name the play by its index. */
  batch: boolean;
}

/** A single play or a batch; the error names fields as the client sent them. */
export class PlaysBodyPipe implements PipeTransform<unknown, PostedPlays> {
  transform(body: unknown): PostedPlays {
    const batch = typeof body === 'object' && body !== null && 'plays' in body;
    return batch
      ? { plays: parseOrThrow(batchSchema, body, 'plays').plays, batch }
      : { plays: [parseOrThrow(playSchema, body, 'play')], batch };
  }
}
