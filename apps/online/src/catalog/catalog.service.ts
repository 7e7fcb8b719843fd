import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { ValidationError, type CatalogItem, type StoredCatalogItem } from '@marquee/domain';
import { announceCatalogUpdate, type Topics } from '@marquee/kafka';
import { errorContext, type Logger } from '@marquee/observability';
import { ReferenceData } from '@marquee/pages';
import { CatalogRepository } from '@marquee/storage';
import { LOGGER, PRODUCER, TOPICS } from '../tokens';

/** A title as the API answers it: what was put, without storage's removal mark. */
const shown = ({ removedAt: _removed, ...item }: StoredCatalogItem): CatalogItem => item;

/**
 * The operators' catalog: titles written to Cassandra (idempotent), then announced on
 * `catalog.updated` so every online and nearline instance follows within seconds.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly reference: ReferenceData,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async put(items: CatalogItem[]): Promise<{ written: string[] }> {
    await this.catalog.put(items);
    const written = items.map((item) => item.itemId);
    await this.announce(written);
    return { written };
  }

  async remove(itemId: string): Promise<void> {
    if (!(await this.catalog.remove(itemId)))
      throw new NotFoundException(`title ${itemId} is not in the catalog`);
    await this.announce([itemId]);
  }

  async get(itemId: string): Promise<CatalogItem> {
    const item = await this.catalog.get(itemId);
    if (!item || item.removedAt) throw new NotFoundException(`title ${itemId} is not in the catalog`);
    return shown(item);
  }

  /** A page of titles; removed ones are left out, so a page may hold fewer than `limit`. */
  async list(limit: number, cursor?: string): Promise<{ items: CatalogItem[]; next?: string }> {
    let page;
    try {
      page = await this.catalog.list(cursor, limit);
    } catch (error) {
      // A cursor that is hex but not a page state of this table: the driver cannot resume from it.
      if (cursor)
        throw new ValidationError(['cursor: must be the `next` cursor of a previous page'], 'query');
      throw error;
    }
    return {
      items: page.items.filter((item) => !item.removedAt).map(shown),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  /**
   * The write stands even when the announcement fails: this instance applies it at once, and the
   * others pick it up on their next catalog refresh.
   */
  private async announce(itemIds: string[]): Promise<void> {
    await this.reference.onCatalogUpdated(itemIds);
    try {
      await announceCatalogUpdate(this.producer, this.topics, itemIds);
    } catch (error) {
      this.logger.warn(
        { ...errorContext(error), titles: itemIds.length },
        'catalog.updated not sent; other instances follow on their next catalog refresh',
      );
    }
  }
}
