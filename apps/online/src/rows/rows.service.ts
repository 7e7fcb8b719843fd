import { Injectable } from '@nestjs/common';
import { RowsService, type RecommendationsPage } from '@marquee/pages';
import type { RowsQuery } from '../common/schemas';

/** A member's page and raw list, from the page pipeline. */
@Injectable()
export class MemberRowsService {
  constructor(private readonly rows: RowsService) {}

  /** The page as JSON, ready to send (see RowsService.pageJson). */
  page(memberId: string, query: RowsQuery): Promise<string> {
    return this.rows.pageJson({
      memberId,
      device: query.device,
      rows: query.rows,
      itemsPerRow: query.itemsPerRow,
      ...(query.tz ? { timeZone: query.tz } : {}),
      ...(query.region ? { region: query.region } : {}),
    });
  }

  recommendations(memberId: string, k: number, region?: string): Promise<RecommendationsPage> {
    return this.rows.recommendations(memberId, k, region);
  }
}
