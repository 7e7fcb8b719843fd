import type { KafkaMessage, Producer } from 'kafkajs';
import type { Counter, Histogram } from 'prom-client';
import { decodePlay } from '@marquee/domain';
import { sendToDeadLetters, type Topics } from '@marquee/kafka';
import type { ContinueWatchingSignal, RecentPlaysSignal } from '@marquee/signals';
import type { Logger } from '@marquee/observability';

export interface PlayProcessorDeps {
  recentPlays: RecentPlaysSignal;
  continueWatching: ContinueWatchingSignal;
  /** Producer for `plays.dlq`. */
  producer: Producer;
  topics: Topics;
  logger: Logger;
  metrics: {
    processed: Counter;
    latency: Histogram;
  };
}

export type PlayOutcome = 'stored' | 'dead-lettered';

/**
 * Nearline handling of one message of `plays`: a bad one goes to the dead-letter topic with its
 * reason; a good one updates the member's signals. Writes are idempotent, so a redelivery after a
 * crash (offsets are committed only after this resolves) changes nothing.
 */
export class PlayProcessor {
  constructor(private readonly deps: PlayProcessorDeps) {}

  async handle(topic: string, partition: number, message: KafkaMessage): Promise<PlayOutcome> {
    const decoded = decodePlay(message.value);
    if (!decoded.ok) {
      await sendToDeadLetters(
        this.deps.producer,
        this.deps.topics,
        { topic, partition, message },
        decoded.reason,
      );
      this.deps.logger.warn(
        { topic, partition, offset: message.offset, reason: decoded.reason },
        'play dead-lettered',
      );
      this.deps.metrics.processed.inc({ outcome: 'dead-lettered' });
      return 'dead-lettered';
    }
    const play = decoded.play;
    await this.deps.recentPlays.record(play);
    await this.deps.continueWatching.apply(play);
    this.deps.metrics.processed.inc({ outcome: 'stored' });
    const publishedAt = Number(message.timestamp);
    if (Number.isFinite(publishedAt))
      this.deps.metrics.latency.observe(Math.max(0, Date.now() - publishedAt) / 1000);
    return 'stored';
  }
}
