import type { Producer } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import type { ListStore, ModelsRepository } from '@marquee/storage';
import { announceResult, type Topics } from '@marquee/kafka';

export interface PublishVersionDeps {
  listStore: ListStore;
  models: ModelsRepository;
  producer: Producer;
  topics: Topics;
}

export interface VersionToPublish {
  /** What is announced, but for the time of the switch. */
  result: Omit<PublishedResult, 'publishedAt'>;
  /** Why the champion pointer moves; kept in the list's champion history. */
  reason: string;
  /** What the model registry records for the new champion and the version it replaces. */
  models: { champion: string; retired: string };
}

/**
 * Makes a stored version the champion of its list and announces it on `results.published`, so
 * online and nearline switch to it: the pointer and statuses through the list store, the model
 * registry where the list's versions are models (popularity lists have none), then the announcement.
 */
export async function publishVersion(
  deps: PublishVersionDeps,
  version: VersionToPublish,
): Promise<PublishedResult> {
  const { list } = version.result;
  const { champion, replaced } = await deps.listStore.switchChampion(
    list,
    version.result.version,
    version.reason,
  );
  if (replaced && (await deps.models.get(list, replaced))) {
    await deps.models.update(list, replaced, { status: 'retired', reason: version.models.retired });
  }
  if (await deps.models.get(list, version.result.version)) {
    await deps.models.update(list, version.result.version, {
      status: 'champion',
      reason: version.models.champion,
    });
  }
  const result: PublishedResult = { ...version.result, publishedAt: champion.announcedAt.toISOString() };
  await announceResult(deps.producer, deps.topics, result);
  return result;
}
