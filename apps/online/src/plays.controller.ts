import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow, playSchema } from '@marquee/domain';
import { publishPlays } from '@marquee/kafka';
import type { Platform } from '@marquee/runtime';
import { PLATFORM } from './tokens';

export const MAX_PLAYS_PER_REQUEST = 500;

const batchSchema = z.object({ plays: z.array(playSchema).min(1).max(MAX_PLAYS_PER_REQUEST) }).strict();

function normalize(body: unknown) {
  // A single play or a batch; the error names fields as the client sent them.
  const isBatch = typeof body === 'object' && body !== null && 'plays' in body;
  return isBatch ? parseOrThrow(batchSchema, body, 'plays').plays : [parseOrThrow(playSchema, body, 'play')];
}

@Controller('v1/plays')
export class PlaysController {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  /** Forwards validated plays to Kafka `plays`, keyed by member. */
  @Post()
  @HttpCode(202)
  async publish(@Body() body: unknown): Promise<{ accepted: string[] }> {
    const plays = normalize(body);
    await publishPlays(this.platform.producer, this.platform.topics, plays);
    return { accepted: plays.map((play) => play.eventId) };
  }
}
