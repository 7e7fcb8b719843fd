import type { Counter } from 'prom-client';
import { neighbours } from '@marquee/algorithms';
import type { StoredPlay } from '@marquee/storage';
import type { BecauseYouWatched, BecauseYouWatchedSignal } from '@marquee/signals';
import type { NeighbourChampion } from './champion-models';
import type { SignalWrite } from './signal-write';

/** Titles kept in "Because you watched <title>". */
const BECAUSE_YOU_WATCHED_LENGTH = 20;
/** Neighbours read per source title: enough that the row stays full after removing what was watched. */
const NEIGHBOURS_READ = 100;

/**
 * "Because you watched <title>", nearline: the member's latest play's neighbours in the champion
 * item-kNN model, minus everything in their history, stamped with the play's time (latest wins).
 * Outcomes are counted: written, or why there was nothing to write.
 */
export class BecauseYouWatchedWriter {
  constructor(
    private readonly signal: BecauseYouWatchedSignal,
    private readonly outcomes: Counter,
  ) {}

  /** The row for the member's latest play in `history`, and its hot copy; nothing when there is none. */
  write(memberId: string, history: readonly StoredPlay[], champion: NeighbourChampion | null): SignalWrite {
    const row = this.compute(history, champion);
    if (!row) return { statements: [], cache: async () => undefined };
    return {
      statements: [this.signal.insertStatement(memberId, row)],
      cache: async () => {
        await this.signal.cacheLatest(memberId, row);
        this.outcomes.inc({ outcome: 'written' });
      },
    };
  }

  /** Rewrites the member's hot copy from Cassandra (after memcached was unavailable). */
  async refill(memberId: string): Promise<void> {
    await this.signal.refresh(memberId);
  }

  /** The row for the member's latest play, or null (counted) when there is none to write. */
  private compute(
    history: readonly StoredPlay[],
    champion: NeighbourChampion | null,
  ): BecauseYouWatched | null {
    const latest = history[0];
    if (!champion || !latest) {
      this.outcomes.inc({ outcome: champion ? 'no-history' : 'no-model' });
      return null;
    }
    const index = champion.itemIndex.get(latest.itemId);
    if (index === undefined) {
      // A title newer than the model has no neighbours yet; the member keeps the previous row.
      this.outcomes.inc({ outcome: 'unknown-title' });
      return null;
    }
    const watched = new Set(history.map((p) => p.itemId));
    const near = neighbours(champion.model, index, NEIGHBOURS_READ);
    const itemIds: string[] = [];
    const scores: number[] = [];
    for (let j = 0; j < near.items.length && itemIds.length < BECAUSE_YOU_WATCHED_LENGTH; j++) {
      const itemId = champion.model.itemIds[near.items[j] as number] as string;
      if (watched.has(itemId)) continue;
      itemIds.push(itemId);
      scores.push(Math.round((near.similarities[j] as number) * 1e5) / 1e5);
    }
    return {
      sourceItemId: latest.itemId,
      list: { itemIds, scores },
      modelVersion: champion.version,
      updatedAt: latest.playedAt.toISOString(),
    };
  }
}
