import { CompressionTypes, type Producer } from 'kafkajs';
import { encodePlay, type Play, type PublishedResult } from '@marquee/domain';
import { TOPICS } from './topics';

/** Publishes plays keyed by member, so each member's plays stay in order on one partition. */
export async function publishPlays(producer: Producer, plays: readonly Play[]): Promise<void> {
  if (plays.length === 0) return;
  await producer.send({
    topic: TOPICS.plays.name,
    compression: CompressionTypes.None,
    messages: plays.map((play) => ({ key: play.userId, value: encodePlay(play) })),
  });
}

export async function announceResult(producer: Producer, result: PublishedResult): Promise<void> {
  await producer.send({
    topic: TOPICS.resultsPublished.name,
    messages: [{ key: result.list, value: JSON.stringify(result) }],
  });
}

/** An idempotent producer: broker-side dedupe of retried batches. */
export const PRODUCER_OPTIONS = { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
