import { getAlgorithm, neighbours, type ItemKnnModel } from '@marquee/algorithms';
import type { BlobStore, ModelsRepository, RegistrationsRepository } from '@marquee/storage';
import type { Logger } from '@marquee/observability';

export interface SimilarItemsDeps {
  models: ModelsRepository;
  blobs: BlobStore;
  registrations: RegistrationsRepository;
  logger: Logger;
}

export interface LoadedModel {
  registration: string;
  version: string;
  model: ItemKnnModel;
  index: ReadonlyMap<string, number>;
}

export interface SimilarTitle {
  itemId: string;
  score: number;
}

export const ITEM_KNN = 'item-knn';

/**
 * Titles like a title, from the champion item-kNN model held in memory. The model is reloaded when
 * `results.published` announces a new version of its registration (and at start).
 */
export class SimilarItems {
  private loaded: LoadedModel | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly deps: SimilarItemsDeps,
    /** Serve this registration's model; by default the first item-kNN registration with a champion. */
    private readonly registration?: string,
  ) {}

  get current(): Pick<LoadedModel, 'registration' | 'version'> | null {
    return this.loaded ? { registration: this.loaded.registration, version: this.loaded.version } : null;
  }

  /** Whether an announced list may carry a new model for this service. */
  async concerns(list: string): Promise<boolean> {
    if (this.registration) return list === this.registration;
    if (this.loaded?.registration === list) return true;
    return (await this.deps.registrations.get(list))?.algorithm === ITEM_KNN;
  }

  /** Loads the champion model if it changed; concurrent calls share one load. */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Up to `n` titles most like `itemId`, best first; undefined when the model does not know the title. */
  similar(itemId: string, n: number): SimilarTitle[] | undefined {
    const loaded = this.loaded;
    const index = loaded?.index.get(itemId);
    if (!loaded || index === undefined) return undefined;
    const found = neighbours(loaded.model, index, n);
    return Array.from(found.items, (item, i) => ({
      itemId: loaded.model.itemIds[item] as string,
      score: Math.round((found.similarities[i] as number) * 1e4) / 1e4,
    }));
  }

  private async load(): Promise<void> {
    const names = this.registration
      ? [this.registration]
      : (await this.deps.registrations.list()).filter((r) => r.algorithm === ITEM_KNN).map((r) => r.name);
    for (const registration of names) {
      const champion = (await this.deps.models.list(registration, 50)).find((m) => m.status === 'champion');
      if (!champion?.artifact) continue;
      if (this.loaded?.registration === registration && this.loaded.version === champion.version) return;
      const model = getAlgorithm(ITEM_KNN).deserialize(
        await this.deps.blobs.get(champion.artifact),
      ) as ItemKnnModel;
      this.loaded = {
        registration,
        version: champion.version,
        model,
        index: new Map(model.itemIds.map((id, i) => [id, i])),
      };
      this.deps.logger.info(
        { registration, version: champion.version, titles: model.itemIds.length },
        'item-knn model loaded for similar titles',
      );
      return;
    }
  }
}
