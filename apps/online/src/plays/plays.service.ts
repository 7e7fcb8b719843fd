import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Play } from '@marquee/domain';
import { publishPlays, type Topics } from '@marquee/kafka';
import { RowsService } from '@marquee/pages';
import { PRODUCER, TOPICS } from '../tokens';

/** Play ingress: onto Kafka `plays`, keyed by member, for nearline to fold in. */
@Injectable()
export class PlaysService {
  constructor(
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: Topics,
    private readonly rows: RowsService,
  ) {}

  async publish(plays: Play[]): Promise<string[]> {
    await publishPlays(this.producer, this.topics, plays);
    // The members' next pages here read their signals afresh rather than from the near cache.
    for (const memberId of new Set(plays.map((play) => play.userId))) this.rows.forget(memberId);
    return plays.map((play) => play.eventId);
  }
}
