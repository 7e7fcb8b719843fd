import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import type { Play } from '@marquee/domain';
import { publishPlays, type Topics } from '@marquee/kafka';
import { RowsService } from '@marquee/pages';
import { CONFIG, PRODUCER, TOPICS } from '../tokens';

/**
 * Play ingress: onto Kafka `plays`, keyed by member, for nearline to fold in. Accepted once every
 * in-sync replica has them; otherwise an UnavailableError (503) tells the client to retry.
 */
@Injectable()
export class PlaysService {
  constructor(
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly rows: RowsService,
    @Inject(CONFIG) private readonly config: MarqueeConfig,
  ) {}

  async publish(plays: Play[]): Promise<string[]> {
    await publishPlays(this.producer, this.topics, plays, this.config.kafka.playsAckTimeoutMs);
    // The members' next pages here read their signals afresh rather than from the near cache.
    for (const memberId of new Set(plays.map((play) => play.userId))) this.rows.forget(memberId);
    return plays.map((play) => play.eventId);
  }
}
