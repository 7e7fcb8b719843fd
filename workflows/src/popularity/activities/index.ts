import type { Producer } from 'kafkajs';
import type {
  AffinitiesRepository,
  CatalogRepository,
  ListStore,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
} from '@marquee/storage';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { computePopularListActivities } from './compute-popular-list';
import { createAffinityActivities } from './genre-affinities';
import { publishListActivities } from './publish-list';

export type { ComputePopularListInput, ComputedList } from './compute-popular-list';
export type { PublishListInput } from './publish-list';
export type { ComputeAffinitiesInput } from './genre-affinities';
export { createAffinityActivities } from './genre-affinities';

/** What the popularity pipeline's activities work with. */
export interface PopularityActivityDeps {
  plays: PlaysRepository;
  catalog: CatalogRepository;
  affinities: AffinitiesRepository;
  /** Version records and stored entries. */
  lists: ListsRepository;
  /** Hot copies and the champion switch. */
  listStore: ListStore;
  /** Statuses of versions that are models (a popularity list has none). */
  models: ModelsRepository;
  producer: Producer;
  topics: Topics;
  logger: Logger;
}

/** The popularity pipeline's activities: compute the list → publish it → genre affinities. */
export function createPopularityActivities(deps: PopularityActivityDeps) {
  return {
    ...computePopularListActivities(deps),
    ...publishListActivities(deps),
    ...createAffinityActivities(deps),
  };
}

export type PopularityActivities = ReturnType<typeof createPopularityActivities>;
