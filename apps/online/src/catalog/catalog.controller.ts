import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ValidationError, type CatalogItem } from '@marquee/domain';
import { Allow } from '../common/decorators/access';
import { ValidPath } from '../common/guards/path.guards';
import { ApiAnswer, ApiBodyFrom, ApiErrors, ApiQueryFrom } from '../common/openapi';
import { validBody, validQuery } from '../common/pipes/zod-validation.pipe';
import {
  MAX_TITLES_PER_REQUEST,
  catalogBulkBodySchema,
  catalogItemAnswerSchema,
  catalogItemBodySchema,
  catalogListQuerySchema,
  catalogPageSchema,
  catalogWrittenSchema,
  itemPathSchema,
} from '../common/schemas';
import { CatalogService } from './catalog.service';

type TitleBody = Omit<CatalogItem, 'itemId'> & { itemId?: string };

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/catalog/items')
@Allow('operator')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Put(':id')
  @ValidPath(itemPathSchema)
  @ApiOperation({
    summary: 'Add or replace one title (idempotent)',
    description:
      'Every field is replaced by the body’s; a removed title is shown again. Announced on `catalog.updated`: ' +
      'pages and nearline follow within seconds.',
  })
  @ApiParam({ name: 'id', description: 'the title (item) id' })
  @ApiBodyFrom(catalogItemBodySchema)
  @ApiAnswer(200, 'the written id', catalogWrittenSchema)
  @ApiErrors(400, 401, 403, 429)
  put(@Param('id') itemId: string, @Body(validBody(catalogItemBodySchema)) body: TitleBody) {
    if (body.itemId !== undefined && body.itemId !== itemId)
      throw new ValidationError([`itemId: must match the path id ${itemId}`], 'body');
    return this.catalog.put([{ ...body, itemId }]);
  }

  @Post()
  @ApiOperation({
    summary: `Add or replace up to ${MAX_TITLES_PER_REQUEST} titles at once (idempotent)`,
    description:
      'All or nothing: one bad title refuses the request, and `issues` name the index and field of each ' +
      '(`items[3].title: …`).',
  })
  @ApiBodyFrom(catalogBulkBodySchema)
  @ApiAnswer(200, 'the written ids', catalogWrittenSchema)
  @ApiErrors(400, 401, 403, 429)
  @HttpCode(200)
  bulk(@Body(validBody(catalogBulkBodySchema)) { items }: { items: CatalogItem[] }) {
    return this.catalog.put(items);
  }

  @Delete(':id')
  @HttpCode(204)
  @ValidPath(itemPathSchema)
  @ApiOperation({
    summary: 'Remove a title',
    description:
      'It leaves every page and similar list within seconds; plays of it remain history. Removing twice is ' +
      'harmless; putting it again brings it back.',
  })
  @ApiParam({ name: 'id', description: 'the title (item) id' })
  @ApiAnswer(204, 'removed')
  @ApiErrors(400, 401, 403, 404, 429)
  async remove(@Param('id') itemId: string): Promise<void> {
    await this.catalog.remove(itemId);
  }

  @Get(':id')
  @ValidPath(itemPathSchema)
  @ApiOperation({ summary: 'One title (a removed one is not found)' })
  @ApiParam({ name: 'id', description: 'the title (item) id' })
  @ApiAnswer(200, 'the title', catalogItemAnswerSchema)
  @ApiErrors(400, 401, 403, 404, 429)
  get(@Param('id') itemId: string) {
    return this.catalog.get(itemId);
  }

  @Get()
  @ApiOperation({
    summary: 'The catalog, a page at a time',
    description: 'Pass `next` back as `cursor` for the following page; removed titles are left out.',
  })
  @ApiQueryFrom(catalogListQuerySchema)
  @ApiAnswer(200, 'a page of titles', catalogPageSchema)
  @ApiErrors(400, 401, 403, 429)
  list(@Query(validQuery(catalogListQuerySchema)) { limit, cursor }: { limit: number; cursor?: string }) {
    return this.catalog.list(limit, cursor);
  }
}
