import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { encodePlay, type Play, type PublishedResult } from '@marquee/domain';
import type { Topics } from './topics';

/** Publishes plays keyed by member, so each member's plays stay in order on one partition. */
export async function publishPlays(
  producer: Producer,
  topics: Topics,
  plays: readonly Play[],
): Promise<void> {
  if (plays.length === 0) return;
  await producer.send({
    topic: topics.plays.name,
    compression: CompressionTypes.None,
    messages: plays.map((play) => ({ key: play.userId, value: encodePlay(play) })),
  });
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
