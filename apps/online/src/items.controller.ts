import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { parseOrThrow } from '@marquee/domain';
import { Allow } from './auth/access';
import type { OnlineRuntime } from './online-runtime';
import { ApiAnswer, ApiErrors, ApiQueryFrom } from './openapi';
import { itemPathSchema, similarQuerySchema, similarSchema } from './schemas';
import { RUNTIME } from './tokens';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/items')
export class ItemsController {
  constructor(@Inject(RUNTIME) private readonly runtime: OnlineRuntime) {}

  @Get(':id/similar')
  @Allow('device', 'experimenter', 'operator')
  @ApiOperation({
    summary: 'Titles similar to a title',
    description:
      'Nearest neighbours from the champion item-kNN model, held in memory and reloaded on results.published.',
  })
  @ApiParam({ name: 'id', description: 'title (item) id' })
  @ApiQueryFrom(similarQuerySchema)
  @ApiAnswer(200, 'the similar titles, most similar first', similarSchema)
  @ApiErrors(400, 401, 403, 404, 429, 503)
  similar(@Param('id') id: string, @Query() query: unknown) {
    const { id: itemId } = parseOrThrow(itemPathSchema, { id }, 'path');
    const { k } = parseOrThrow(similarQuerySchema, query ?? {}, 'query');
    const model = this.runtime.similar.current;
    if (!model)
      throw new ServiceUnavailableException(
        'no item-knn model is published yet: register and train one (marquee algorithms register --algorithm item-knn …)',
      );
    const catalog = this.runtime.reference.catalog;
    const similar = this.runtime.similar.similar(itemId, k);
    if (!similar && !catalog.has(itemId))
      throw new NotFoundException(`title ${itemId} is neither in the catalog nor in model ${model.version}`);
    const title = (id: string) => catalog.get(id)?.title ?? id;
    return {
      itemId,
      title: title(itemId),
      model,
      items: (similar ?? []).map((s) => ({ itemId: s.itemId, title: title(s.itemId), score: s.score })),
    };
  }
}
