import type { Registry } from 'prom-client';
import type { PublishedResult } from '@marquee/domain';
import { errorContext } from '@marquee/observability';
import {
  ReferenceData,
  SimilarItems,
  listenToPublishedResults,
  type ResultsListener,
} from '@marquee/online-context';
import { RowsService } from '@marquee/rows';
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
  /** Resolves when this instance follows results.published (or could not; it then relies on refreshes). */
  listening: Promise<void> = Promise.resolve();
  private listener: Promise<ResultsListener | null> = Promise.resolve(null);

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
    this.listener = this.listen();
    this.listening = this.listener.then((listener) => listener?.joined);
  }

  async stop(): Promise<void> {
    this.reference.stop();
    await (await this.listener)?.stop().catch(() => undefined);
  }

  private async listen(): Promise<ResultsListener | null> {
    try {
      return await listenToPublishedResults({
        kafka: this.platform.kafka,
        topics: this.platform.topics,
        groupId: this.options.resultsGroupId,
        logger: this.platform.logger,
        onResult: (result) => this.onResult(result),
      });
    } catch (error) {
      this.platform.logger.warn(
        errorContext(error),
        'not following results.published; new versions arrive with the periodic refresh',
      );
      return null;
    }
  }

  private async onResult(result: PublishedResult): Promise<void> {
    await this.reference.onPublished(result.list, result.version);
    if (await this.similar.concerns(result.list)) await this.similar.reload();
    this.platform.logger.info(
      { list: result.list, version: result.version },
      'switched to announced version',
    );
  }
}
