import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { requireMember, type Principal } from '@marquee/auth';
import { ReferenceData, RowsService, SimilarItems, type Viewer } from '@marquee/pages';

export interface SimilarRequest {
  k: number;
  /** The member the titles are for (a device token's own member by default). */
  user?: string;
  region?: string;
}

/** Similar titles from the champion item-kNN model in memory, titled from the catalog. */
@Injectable()
export class ItemsService {
  constructor(
    private readonly similarItems: SimilarItems,
    private readonly reference: ReferenceData,
    private readonly rows: RowsService,
  ) {}

  async similar(itemId: string, { k, user, region }: SimilarRequest, caller: Principal) {
    const model = this.similarItems.current;
    if (!model)
      throw new ServiceUnavailableException(
        'no item-knn model is published yet: register and train one (marquee algorithms register --algorithm item-knn …)',
      );
    const memberId = user ?? (caller.role === 'device' ? caller.memberId : undefined);
    if (memberId) requireMember(caller, memberId, 'read similar titles for the profile');
    // For a member, the titles their profile may see; a profile that cannot be read filters as kids.
    const viewer: Viewer | undefined = memberId ? await this.rows.viewer(memberId, region) : undefined;
    const catalog = this.reference.catalog;
    // Asked for more than k: titles that may not be shown now (or to this profile) are left out
    // after the lookup; a protected profile leaves out more of them.
    const now = Date.now();
    const extra = viewer && viewer.maturity !== 'adult' ? 200 : 50;
    const similar = this.similarItems
      .similar(itemId, k + extra)
      ?.filter((s) =>
        this.reference.shows(s.itemId, now, viewer ? viewer.region : region, viewer?.maturity ?? 'adult'),
      )
      .slice(0, k);
    if (!similar && !catalog.has(itemId))
      throw new NotFoundException(`title ${itemId} is neither in the catalog nor in model ${model.version}`);
    const title = (id: string) => catalog.get(id)?.title ?? id;
    return {
      itemId,
      title: title(itemId),
      model,
      ...(viewer ? { profile: viewer } : {}),
      items: (similar ?? []).map((s) => ({ itemId: s.itemId, title: title(s.itemId), score: s.score })),
    };
  }
}
