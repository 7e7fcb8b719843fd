import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ForbiddenError, type Principal } from '@marquee/auth';
import { parseOrThrow, playSchema, type Play } from '@marquee/domain';
import { publishPlays } from '@marquee/kafka';
import type { Platform } from '@marquee/runtime';
import { Allow, Caller } from './auth/access';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from './openapi';
import { MAX_PLAYS_PER_REQUEST, acceptedSchema, playsBodySchema } from './schemas';
import type { OnlineRuntime } from './online-runtime';
import { PLATFORM, RUNTIME } from './tokens';

export { MAX_PLAYS_PER_REQUEST };

const batchSchema = z.object({ plays: z.array(playSchema).min(1).max(MAX_PLAYS_PER_REQUEST) }).strict();

function normalize(body: unknown): { plays: Play[]; batch: boolean } {
  // A single play or a batch; the error names fields as the client sent them.
  const batch = typeof body === 'object' && body !== null && 'plays' in body;
  return batch
    ? { plays: parseOrThrow(batchSchema, body, 'plays').plays, batch }
    : { plays: [parseOrThrow(playSchema, body, 'play')], batch };
}

@ApiTags('plays')
@ApiBearerAuth()
@Controller('v1/plays')
export class PlaysController {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME) private readonly runtime: OnlineRuntime,
  ) {}

  @Post()
  @HttpCode(202)
  @Allow('device', 'producer')
  @ApiOperation({
    summary: 'Post plays (one, or a batch of up to 500) to Kafka `plays`',
    description: 'A device token may post plays of its own member only; a producer token of any member.',
  })
  @ApiBodyFrom(playsBodySchema)
  @ApiAnswer(202, 'the accepted event ids', acceptedSchema)
  @ApiErrors(400, 401, 403, 429)
  async publish(@Body() body: unknown, @Caller() caller: Principal): Promise<{ accepted: string[] }> {
    const { plays, batch } = normalize(body);
    if (caller.role === 'device') {
      const foreign = plays.findIndex((play) => play.userId !== caller.memberId);
      if (foreign >= 0)
        throw new ForbiddenError(
          `${batch ? `plays[${foreign}].` : ''}userId: this device token acts for member ${caller.memberId ?? '?'} and may not post plays of ${plays[foreign]?.userId}`,
        );
    }
    await publishPlays(this.platform.producer, this.platform.topics, plays);
    // The members' next pages here read their signals afresh rather than from the near cache.
    for (const memberId of new Set(plays.map((play) => play.userId))) this.runtime.rows.forget(memberId);
    return { accepted: plays.map((play) => play.eventId) };
  }
}
