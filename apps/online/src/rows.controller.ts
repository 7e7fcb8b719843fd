import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { requireMember, type Principal } from '@marquee/auth';
import { parseOrThrow } from '@marquee/domain';
import type { RecommendationsPage } from '@marquee/pages';
import { Allow, Caller } from './auth/access';
import type { OnlineRuntime } from './online-runtime';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from './openapi';
import {
  memberPathSchema,
  recommendationsQuerySchema,
  recommendationsSchema,
  rowsPageSchema,
  rowsQuerySchema,
} from './schemas';
import { RUNTIME } from './tokens';

@ApiTags('rows')
@ApiBearerAuth()
@Controller('v1/users')
export class RowsController {
  constructor(@Inject(RUNTIME) private readonly runtime: OnlineRuntime) {}

  @Get(':id/rows')
  @Allow('device', 'operator')
  @ApiOperation({
    summary: "A member's page of rows for a device",
    description:
      'Continue watching, Top picks (the variant’s list), Because you watched <title>, Trending now and genre rows; ' +
      'watched titles left out, no title twice, re-ranked by device and time-of-day affinities. A device token reads ' +
      'its own member only. Store reads run in parallel under a deadline; late or failed ones are filled from the ' +
      'last served page or the popular list in memory, and `degraded`, `fallbacks` and each row’s `source` say so.',
  })
  @ApiParam({ name: 'id', description: 'member id' })
  @ApiQueryFrom(rowsQuerySchema)
  @ApiAnswer(200, 'the page', rowsPageSchema)
  @ApiErrors(400, 401, 403, 429)
  // Sent as RowsService.pageJson serialized it: a page kept in the near cache is serialized once.
  @Header('content-type', 'application/json; charset=utf-8')
  async page(@Param('id') id: string, @Query() query: unknown, @Caller() caller: Principal): Promise<string> {
    const { id: memberId } = parseOrThrow(memberPathSchema, { id }, 'path');
    requireMember(caller, memberId, 'read the rows');
    const q = parseOrThrow(rowsQuerySchema, query ?? {}, 'query');
    return this.runtime.rows.pageJson({
      memberId,
      device: q.device,
      rows: q.rows,
      itemsPerRow: q.itemsPerRow,
      ...(q.tz ? { timeZone: q.tz } : {}),
    });
  }

  @Get(':id/recommendations')
  @Allow('device', 'operator')
  @ApiOperation({
    summary: "The member's raw list for their variant",
    description:
      'The precomputed list of the registration the member is assigned to (popular for the control group).',
  })
  @ApiParam({ name: 'id', description: 'member id' })
  @ApiQueryFrom(recommendationsQuerySchema)
  @ApiAnswer(200, 'the list', recommendationsSchema)
  @ApiErrors(400, 401, 403, 429)
  async recommendations(
    @Param('id') id: string,
    @Query() query: unknown,
    @Caller() caller: Principal,
  ): Promise<RecommendationsPage> {
    const { id: memberId } = parseOrThrow(memberPathSchema, { id }, 'path');
    requireMember(caller, memberId, 'read the recommendations');
    const { k } = parseOrThrow(recommendationsQuerySchema, query ?? {}, 'query');
    return this.runtime.rows.recommendations(memberId, k);
  }
}
