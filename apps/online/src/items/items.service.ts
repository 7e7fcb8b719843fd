import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ReferenceData, SimilarItems } from '@marquee/pages';

/** Similar titles from the champion item-kNN model in memory, titled from the catalog. */
@Injectable()
export class ItemsService {
  constructor(
    private readonly similarItems: SimilarItems,
    private readonly reference: ReferenceData,
  ) {}

  similar(itemId: string, k: number) {
    const model = this.similarItems.current;
    if (!model)
      throw new ServiceUnavailableException(
        'no item-knn model is published yet: register and train one (marquee algorithms register --algorithm item-knn …)',
      );
    const catalog = this.reference.catalog;
    // Asked for more than k: titles that may not be shown now are left out after the lookup.
    const now = Date.now();
    const similar = this.similarItems
      .similar(itemId, k + 50)
      ?.filter((s) => this.reference.shows(s.itemId, now))
      .slice(0, k);
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
