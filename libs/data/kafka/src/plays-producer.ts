import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { UnavailableError, encodePlay, type Play, type PublishedResult } from '@marquee/domain';
import type { Topics } from './topics';

/** How long a publisher waits for the broker's acknowledgement before it tells its caller to retry. */
export const PLAYS_ACK_TIMEOUT_MS = 3000;

/**
 * Publishes plays keyed by member, so each member's plays stay in order on one partition, and
 * resolves only once every in-sync replica has them (acks = all). When the broker does not
 * acknowledge within `ackTimeoutMs` it throws an UnavailableError instead of waiting on: the caller
 * retries with the same event ids, which consumers dedupe, so a send that still lands later
 * changes nothing.
 */
export async function publishPlays(
  producer: Producer,
  topics: Topics,
  plays: readonly Play[],
  ackTimeoutMs = PLAYS_ACK_TIMEOUT_MS,
): Promise<void> {
  if (plays.length === 0) return;
  const sent = producer.send({
    topic: topics.plays.name,
    acks: -1,
    timeout: ackTimeoutMs,
    compression: CompressionTypes.None,
    messages: plays.map((play) => ({ key: play.userId, value: encodePlay(play) })),
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ackTimeoutMs} ms`)), ackTimeoutMs);
  });
  try {
    await Promise.race([sent, late]);
  } catch (error) {
    sent.catch(() => undefined);
    throw new UnavailableError(
      `Kafka did not accept ${plays.length} play(s) on ${topics.plays.name}: ${(error as Error).message}; retry with the same event ids`,
      1,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

export async function announceResult(
  producer: Producer,
  topics: Topics,
  result: PublishedResult,
): Promise<void> {
  await producer.send({
    topic: topics.resultsPublished.name,
    messages: [{ key: result.list, value: JSON.stringify(result) }],
  });
}

/**
 * Producer settings. Not kafkajs's idempotent mode (it wants unbounded retries, which would hang a
 * request while the broker is down): consumers dedupe by event id instead, so a retried send that
 * lands twice changes nothing downstream.
 */
export const PRODUCER_OPTIONS = {
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
};
