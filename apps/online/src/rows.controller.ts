import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { idSchema, parseOrThrow } from '@marquee/domain';
import type { RowsPage, RowsService } from '@marquee/rows';
import { ROWS } from './tokens';

const rowsQuerySchema = z.object({
  itemsPerRow: z.coerce.number().int().min(1).max(50).default(20),
});

@Controller('v1/users')
export class RowsController {
  constructor(@Inject(ROWS) private readonly rows: RowsService) {}

  /** A page of personalized rows for a member's device. */
  @Get(':id/rows')
  async page(@Param('id') id: string, @Query() query: unknown): Promise<RowsPage> {
    const memberId = parseOrThrow(idSchema, id, 'member id');
    const { itemsPerRow } = parseOrThrow(rowsQuerySchema, query ?? {}, 'query');
    return this.rows.page(memberId, { itemsPerRow });
  }
}
