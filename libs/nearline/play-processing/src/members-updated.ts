import type { Producer } from 'kafkajs';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';

/**
 * Tells online instances which members' rows were just rewritten (one message per batch), so a
 * page they keep in memory is not served for longer. Best effort: a page is at most the near
 * cache's TTL stale anyway, so a failed send is logged and not retried.
 */
export async function announceMembersUpdated(
  producer: Producer,
  topics: Topics,
  logger: Logger,
  memberIds: readonly string[],
): Promise<void> {
  if (memberIds.length === 0) return;
  try {
    await producer.send({
      topic: topics.membersUpdated.name,
      messages: [{ value: JSON.stringify({ members: memberIds, at: Date.now() }) }],
    });
  } catch (error) {
    logger.warn(
      { members: memberIds.length, error: (error as Error).message },
      'members.updated not sent; online pages catch up within their near-cache TTL',
    );
  }
}
