import type { Kafka } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import type { Topics } from '@marquee/kafka';
import { errorContext, type Logger } from '@marquee/observability';
import {
  listenToCatalogUpdates,
  listenToRuleUpdates,
  type ActiveRules,
  listenToMemberUpdates,
  listenToPublishedResults,
  type ReferenceData,
  type RowsService,
  type SimilarItems,
  type TopicListener,
} from '@marquee/pages';

/** Where this instance hears announcements: unique consumer groups, so every replica hears every message. */
export interface Announcements {
  kafka: Kafka;
  topics: Topics;
  logger: Logger;
  instanceGroupId: string;
}

/**
 * The online service's state beside the HTTP layer: reference data in memory, the item-kNN model,
 * the page pipeline, and the `results.published` listener that switches versions as they land.
 */
export class OnlineRuntime {
  /**
   * Resolves when this instance follows results.published, members.updated and catalog.updated (or could not; it
   * then relies on refreshes and the near cache's TTL).
   */
  listening: Promise<void> = Promise.resolve();
  private listeners: Promise<Array<TopicListener | null>> = Promise.resolve([]);

  constructor(
    readonly reference: ReferenceData,
    readonly similar: SimilarItems,
    readonly rows: RowsService,
    private readonly announcements: Announcements,
    private readonly rules?: ActiveRules,
  ) {}

  /** Loads what pages need before the first request; a store that is down leaves it empty, not failed. */
  async start(): Promise<void> {
    await Promise.all([this.reference.start(), this.rules?.start()]);
    const { kafka, topics, logger, instanceGroupId: groupId } = this.announcements;
    await this.similar
      .reload()
      .catch((error: unknown) =>
        logger.warn(errorContext(error), 'no item-knn model loaded for similar titles yet'),
      );
    this.listeners = Promise.all([
      this.listen('results.published; new versions arrive with the periodic refresh', () =>
        listenToPublishedResults({
          kafka,
          topics,
          logger,
          groupId,
          onResult: (result) => this.onResult(result),
        }),
      ),
      this.listen(
        "members.updated; a member's page shows a play or a profile change within the near cache's TTL",
        () =>
          listenToMemberUpdates({
            kafka,
            topics,
            logger,
            groupId: `${groupId}.members`,
            onMember: (memberId) => this.rows.invalidate(memberId),
          }),
      ),
      this.listen('catalog.updated; catalog changes arrive with the periodic refresh', () =>
        listenToCatalogUpdates({
          kafka,
          topics,
          logger,
          groupId: `${groupId}.catalog`,
          onTitles: (itemIds) => this.onCatalogUpdated(itemIds),
        }),
      ),
      this.listen('rules.updated; rule changes arrive with the periodic re-read', () =>
        listenToRuleUpdates({
          kafka,
          topics,
          logger,
          groupId: `${groupId}.rules`,
          onUpdate: () => this.onRulesUpdated(),
        }),
      ),
    ]);
    this.listening = this.listeners
      .then((listeners) => Promise.all(listeners.map((l) => l?.joined)))
      .then(() => undefined);
  }

  async stop(): Promise<void> {
    this.reference.stop();
    this.rules?.stop();
    await Promise.all((await this.listeners).map((l) => l?.stop().catch(() => undefined)));
  }

  private async listen(what: string, start: () => Promise<TopicListener>): Promise<TopicListener | null> {
    try {
      return await start();
    } catch (error) {
      this.announcements.logger.warn(errorContext(error), `not following ${what}`);
      return null;
    }
  }

  private async onCatalogUpdated(itemIds: string[]): Promise<void> {
    await this.reference.onCatalogUpdated(itemIds);
    // Pages kept in memory may show a title that was just removed or went out of its window.
    this.rows.invalidateAll();
    this.announcements.logger.info({ titles: itemIds.length }, 'catalog titles reloaded');
  }

  private async onRulesUpdated(): Promise<void> {
    if (!this.rules || !(await this.rules.reload())) return;
    // Pages kept in memory were shaped by the previous rules.
    this.rows.invalidateAll();
    this.announcements.logger.info({ version: this.rules.version }, 'merchandising rules reloaded');
  }

  private async onResult(result: PublishedResult): Promise<void> {
    await this.reference.onPublished(result.list, result.version);
    // Pages kept in memory were blended from the previous version's lists.
    this.rows.invalidateAll();
    if (await this.similar.concerns(result.list)) await this.similar.reload();
    this.announcements.logger.info(
      { list: result.list, version: result.version },
      'switched to announced version',
    );
  }
}
