import type { Producer } from 'kafkajs';
import type { CatalogUpdate } from '@marquee/domain';
import type { Topics } from './topics';

/** Ids per message: a bulk import announces its titles in a few messages, not one per title. */
const IDS_PER_MESSAGE = 1000;

/**
 * Announces on `catalog.updated` which titles were added, changed or removed. Readers reload those
 * titles from Cassandra, so the message carries ids only and a lost one is caught up by the
 * readers' periodic refresh.
 */
export async function announceCatalogUpdate(
  producer: Producer,
  topics: Topics,
  itemIds: readonly string[],
  at = Date.now(),
): Promise<void> {
  if (itemIds.length === 0) return;
  const messages = [];
  for (let i = 0; i < itemIds.length; i += IDS_PER_MESSAGE) {
    const update: CatalogUpdate = { items: itemIds.slice(i, i + IDS_PER_MESSAGE), at };
    messages.push({ value: JSON.stringify(update) });
  }
  await producer.send({ topic: topics.catalogUpdated.name, messages });
}

/** The ids of a `catalog.updated` message, or null when it is not one. */
export function decodeCatalogUpdate(value: unknown): string[] | null {
  const items = (value as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return null;
  return items.filter((id): id is string => typeof id === 'string');
}
