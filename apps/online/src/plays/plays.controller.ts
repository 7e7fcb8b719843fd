import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError, type Principal } from '@marquee/auth';
import { Allow, Caller } from '../common/decorators/access';
import { ApiAnswer, ApiBodyFrom, ApiErrors } from '../common/openapi';
import { acceptedSchema, playsBodySchema } from '../common/schemas';
import { PlaysBodyPipe, type PostedPlays } from './plays-body.pipe';
import { PlaysService } from './plays.service';

@ApiTags('plays')
@ApiBearerAuth()
@Controller('v1/plays')
export class PlaysController {
  constructor(private readonly plays: PlaysService) {}

  @Post()
  @HttpCode(202)
  @Allow('device', 'producer')
  @ApiOperation({
    summary: 'Post plays (one, or a batch of up to 500) to Kafka `plays`',
    description:
      'A device token may post plays of its own member only; a producer token of any member. 202 means ' +
      'every in-sync replica of the broker has the plays; 503 (with Retry-After) means it did not ' +
      'acknowledge in time: post them again with the same event ids, which are deduplicated.',
  })
  @ApiBodyFrom(playsBodySchema)
  @ApiAnswer(202, 'the accepted event ids', acceptedSchema)
  @ApiErrors(400, 401, 403, 429, 503)
  async publish(
    @Body(PlaysBodyPipe) { plays, batch }: PostedPlays,
    @Caller() caller: Principal,
  ): Promise<{ accepted: string[] }> {
    if (caller.role === 'device') {
      const foreign = plays.findIndex((play) => play.userId !== caller.memberId);
      if (foreign >= 0)
        throw new ForbiddenError(
          `${batch ? `plays[${foreign}].` : ''}userId: this device token acts for member ${caller.memberId ?? '?'} and may not post plays of ${plays[foreign]?.userId}`,
        );
    }
    return { accepted: await this.plays.publish(plays) };
  }
}
