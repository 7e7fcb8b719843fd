import type { Registry } from 'prom-client';
import type { PublishedResult } from '@marquee/domain';
import { errorContext } from '@marquee/observability';
import {
  ReferenceData,
  SimilarItems,
  listenToMemberUpdates,
  listenToPublishedResults,
  type TopicListener,
} from '@marquee/pages';
import { RowsService } from '@marquee/pages';
import type { Platform } from '@marquee/runtime';
import { rowsObserver } from './metrics';
import type { OnlineOptions } from './online-options';

/**
 * The online service's state beside the HTTP layer: reference data in memory, the item-kNN model,
 * the page pipeline, and the `results.published` listener that switches versions as they land.
 */
export class OnlineRuntime {
  readonly reference: ReferenceData;
  readonly similar: SimilarItems;
  readonly rows: RowsService;
  /**
   * Resolves when this instance follows results.published and members.updated (or could not; it
   * then relies on refreshes and the near cache's TTL).
   */
  listening: Promise<void> = Promise.resolve();
  private listeners: Promise<Array<TopicListener | null>> = Promise.resolve([]);

  constructor(
    private readonly platform: Platform,
    registry: Registry,
    private readonly options: OnlineOptions,
  ) {
    this.reference = new ReferenceData(platform, {
      refreshMs: options.referenceRefreshMs,
      ...(options.loadVariants ? { loadVariants: options.loadVariants } : {}),
    });
    this.similar = new SimilarItems(platform, options.similarRegistration);
    this.rows = new RowsService(
      { ...platform, reference: this.reference, similar: this.similar },
      {
        deadlineMs: options.deadlineMs,
        signalsTtlMs: options.signalsTtlMs,
        observer: rowsObserver(registry),
      },
    );
  }

  /** Loads what pages need before the first request; a store that is down leaves it empty, not failed. */
  async start(): Promise<void> {
    await this.reference.start();
    await this.similar
      .reload()
      .catch((error: unknown) =>
        this.platform.logger.warn(errorContext(error), 'no item-knn model loaded for similar titles yet'),
      );
    const { kafka, topics, logger } = this.platform;
    const groupId = this.options.instanceGroupId;
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
      this.listen("members.updated; a member's page shows a play within the near cache's TTL", () =>
        listenToMemberUpdates({
          kafka,
          topics,
          logger,
          groupId: `${groupId}.members`,
          onMember: (memberId) => this.rows.invalidate(memberId),
        }),
      ),
    ]);
    this.listening = this.listeners
      .then((listeners) => Promise.all(listeners.map((l) => l?.joined)))
      .then(() => undefined);
  }

  async stop(): Promise<void> {
    this.reference.stop();
    await Promise.all((await this.listeners).map((l) => l?.stop().catch(() => undefined)));
  }

  private async listen(what: string, start: () => Promise<TopicListener>): Promise<TopicListener | null> {
    try {
      return await start();
    } catch (error) {
      this.platform.logger.warn(errorContext(error), `not following ${what}`);
      return null;
    }
  }

  private async onResult(result: PublishedResult): Promise<void> {
    await this.reference.onPublished(result.list, result.version);
    // Pages kept in memory were blended from the previous version's lists.
    this.rows.invalidateAll();
    if (await this.similar.concerns(result.list)) await this.similar.reload();
    this.platform.logger.info(
      { list: result.list, version: result.version },
      'switched to announced version',
    );
  }
}
