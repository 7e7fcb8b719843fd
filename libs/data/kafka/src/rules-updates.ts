import type { Producer } from 'kafkajs';
import type { RulesUpdate } from '@marquee/domain';
import type { Topics } from './topics';

/**
 * Announces on `rules.updated` that a rule changed. Readers reload the whole rule set from
 * Cassandra (it is small), so the message names the rule only; a lost one is caught up by the
 * readers' periodic re-read.
 */
export async function announceRulesUpdate(
  producer: Producer,
  topics: Topics,
  update: Omit<RulesUpdate, 'at'>,
  at = Date.now(),
): Promise<void> {
  const message: RulesUpdate = { ...update, at };
  await producer.send({
    topic: topics.rulesUpdated.name,
    messages: [{ key: update.id, value: JSON.stringify(message) }],
  });
}

/** The update of a `rules.updated` message, or null when it is not one. */
export function decodeRulesUpdate(value: unknown): RulesUpdate | null {
  const update = value as Partial<RulesUpdate> | null;
  if (typeof update?.id !== 'string' || typeof update.version !== 'number') return null;
  return { id: update.id, version: update.version, at: typeof update.at === 'number' ? update.at : 0 };
}
