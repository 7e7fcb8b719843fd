import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RecommendationsPage } from '@marquee/pages';
import { Allow } from '../common/decorators/access';
import { OwnMemberOnly } from '../common/guards/path.guards';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from '../common/openapi';
import { validQuery } from '../common/pipes/zod-validation.pipe';
import {
  recommendationsQuerySchema,
  recommendationsSchema,
  rowsPageSchema,
  rowsQuerySchema,
  type RowsQuery,
} from '../common/schemas';
import { MemberRowsService } from './rows.service';

@ApiTags('rows')
@ApiBearerAuth()
@Controller('v1/users')
export class RowsController {
  constructor(private readonly rows: MemberRowsService) {}

  @Get(':id/rows')
  @Allow('device', 'operator')
  @OwnMemberOnly('read the rows')
  @ApiOperation({
    summary: "A member's page of rows for a device",
    description:
      'Continue watching, Top picks (the variant’s list), Because you watched <title>, Trending now and genre rows; ' +
      'watched titles left out, no title twice, re-ranked by device and time-of-day affinities; no title above the ' +
      'member’s profile maturity or unlicensed in its region (`profile` says which; unread: filtered as kids). A device token reads ' +
      'its own member only. Store reads run in parallel under a deadline; late or failed ones are filled from the ' +
      'last served page or the popular list in memory, and `degraded`, `fallbacks` and each row’s `source` say so.',
  })
  @ApiQueryFrom(rowsQuerySchema)
  @ApiAnswer(200, 'the page', rowsPageSchema)
  @ApiErrors(400, 401, 403, 429)
  // Sent as RowsService.pageJson serialized it: a page kept in the near cache is serialized once.
  @Header('content-type', 'application/json; charset=utf-8')
  page(@Param('id') memberId: string, @Query(validQuery(rowsQuerySchema)) query: RowsQuery): Promise<string> {
    return this.rows.page(memberId, query);
  }

  @Get(':id/recommendations')
  @Allow('device', 'operator')
  @OwnMemberOnly('read the recommendations')
  @ApiOperation({
    summary: "The member's raw list for their variant",
    description:
      'The precomputed list of the registration the member is assigned to (popular for the control group), ' +
      'without titles above the member’s profile maturity or unlicensed in its region.',
  })
  @ApiQueryFrom(recommendationsQuerySchema)
  @ApiAnswer(200, 'the list', recommendationsSchema)
  @ApiErrors(400, 401, 403, 429)
  recommendations(
    @Param('id') memberId: string,
    @Query(validQuery(recommendationsQuerySchema)) { k, region }: { k: number; region?: string },
  ): Promise<RecommendationsPage> {
    return this.rows.recommendations(memberId, k, region);
  }
}
