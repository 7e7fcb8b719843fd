import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@marquee/auth';
import { Allow, Caller } from '../common/decorators/access';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from '../common/openapi';
import { ValidPath } from '../common/guards/path.guards';
import { validQuery } from '../common/pipes/zod-validation.pipe';
import { itemPathSchema, similarQuerySchema, similarSchema } from '../common/schemas';
import { ItemsService, type SimilarRequest } from './items.service';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get(':id/similar')
  @Allow('device', 'experimenter', 'operator')
  @ApiOperation({
    summary: 'Titles similar to a title',
    description:
      'Nearest neighbours from the champion item-kNN model, held in memory and reloaded on results.published. ' +
      'For a member (`user`, or a device token’s own member) titles above their profile’s maturity or unlicensed ' +
      'in its region are left out; `profile` says which.',
  })
  @ValidPath(itemPathSchema)
  @ApiQueryFrom(similarQuerySchema)
  @ApiAnswer(200, 'the similar titles, most similar first', similarSchema)
  @ApiErrors(400, 401, 403, 404, 429, 503)
  similar(
    @Param('id') id: string,
    @Query(validQuery(similarQuerySchema)) query: SimilarRequest,
    @Caller() caller: Principal,
  ) {
    return this.items.similar(id, query, caller);
  }
}
