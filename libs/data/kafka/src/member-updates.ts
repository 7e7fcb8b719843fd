import type { Producer } from 'kafkajs';
import type { Topics } from './topics';

/**
 * Announces on `members.updated` that something a member's pages are made from changed outside
 * nearline (their profile). Online replicas drop what they keep for those members; the message has
 * the shape nearline sends, with `reason` naming what changed.
 */
export async function announceMemberUpdate(
  producer: Producer,
  topics: Topics,
  memberIds: readonly string[],
  reason: string,
  at = Date.now(),
): Promise<void> {
  if (memberIds.length === 0) return;
  await producer.send({
    topic: topics.membersUpdated.name,
    messages: memberIds.map((memberId) => ({
      key: memberId,
      value: JSON.stringify({ members: [memberId], reason, at }),
    })),
  });
}
