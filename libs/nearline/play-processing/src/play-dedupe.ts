import type { Play } from '@marquee/domain';
import type { PlaysRepository } from '@marquee/storage';

/**
 * Drops plays whose event id was processed already: a redelivery after a crash or a rebalance, or
 * a producer that sent an event twice. A play is processed once it is recorded in the member's
 * `plays_by_member` partition, which holds it with the member's other writes in one request; the
 * member's history kept in memory answers for recent plays, and the ids this process applied are
 * kept too, so the common redelivery costs no read. Only a play older than everything kept of the
 * member is looked up, by its primary key.
 */
export class PlayDedupe {
  private readonly recent = new Map<string, true>();

  constructor(
    private readonly stored: PlaysRepository,
    private readonly capacity = 200_000,
  ) {}

  /** Whether this process applied the event (no read). */
  seen(eventId: string): boolean {
    return this.recent.has(eventId);
  }

  /** The event ids among `plays` recorded in their members' history. Throws when Cassandra cannot answer. */
  async recordedAmong(plays: readonly Play[]): Promise<Set<string>> {
    const recorded = new Set<string>();
    await Promise.all(
      plays.map(async (play) => {
        if (await this.stored.isRecorded(play)) recorded.add(play.eventId);
      }),
    );
    return recorded;
  }

  /** Remembers plays this process applied (all of their writes succeeded). */
  remember(plays: readonly Play[]): void {
    for (const play of plays) {
      this.recent.set(play.eventId, true);
      if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value as string);
    }
  }
}
