import type { Counter } from 'prom-client';
import type { ScoredList } from '@marquee/domain';
import type { ListStore, StoredPlay } from '@marquee/storage';
import type { Logger } from '@marquee/observability';
import type { FoldInChampion } from './champion-models';
import { foldInTopPicks } from './fold-in';
import type { SignalWrite } from './signal-write';

/** A member's Top picks under one fold-in champion. */
interface TopPicks {
  champion: FoldInChampion;
  list: ScoredList;
}

/** How much of a member's history the fold-in reads: the most recent plays, newest first. */
export const FOLD_IN_HISTORY = 500;

/**
 * Top picks, nearline: after each play the member is folded into every fold-in champion (ALS) and
 * their list is rewritten under that champion's current version, in Cassandra `list_entries` and
 * memcached, the same rows the offline batch scorer writes and the online rows read. The list is
 * computed from the stored history, so a redelivered or reordered play gives the same result.
 * A champion that cannot fold the member in is left out (and counted): the member keeps their list.
 */
export class TopPicksWriter {
  constructor(
    private readonly deps: {
      lists: ListStore;
      logger: Logger;
      foldIns: Counter;
      /** Whether a title may be shown now; titles it refuses are left out of the list. */
      shows?: (itemId: string) => boolean;
    },
  ) {}

  /** The member's Top picks under every champion, from `history`: the entries, then their hot copies. */
  write(memberId: string, history: readonly StoredPlay[], champions: readonly FoldInChampion[]): SignalWrite {
    const picks = this.compute(memberId, history, champions);
    return {
      statements: picks.map(({ champion, list }) =>
        this.deps.lists.entryStatement(champion.registration, champion.version, memberId, list),
      ),
      cache: () => this.cacheAndCount(memberId, picks),
    };
  }

  /** The member folded into each champion; a champion that cannot fold them in is left out (and counted). */
  private compute(
    memberId: string,
    history: readonly StoredPlay[],
    champions: readonly FoldInChampion[],
  ): TopPicks[] {
    const picks: TopPicks[] = [];
    for (const champion of champions) {
      let list;
      try {
        list = foldInTopPicks(champion, history);
      } catch (error) {
        // A numerical failure must not stall the partition: the member keeps their last list.
        this.deps.foldIns.inc({ registration: champion.registration, outcome: 'error' });
        this.deps.logger.error(
          {
            memberId,
            registration: champion.registration,
            version: champion.version,
            error: (error as Error).message,
          },
          'fold-in failed; the member keeps their previous Top picks',
        );
        continue;
      }
      if (!list) {
        this.deps.foldIns.inc({ registration: champion.registration, outcome: 'no-known-titles' });
        continue;
      }
      picks.push({ champion, list: this.shown(list) });
    }
    return picks;
  }

  private shown(list: ScoredList): ScoredList {
    const shows = this.deps.shows;
    if (!shows || list.itemIds.every((id) => shows(id))) return list;
    const kept: ScoredList = { itemIds: [], scores: [] };
    list.itemIds.forEach((id, i) => {
      if (!shows(id)) return;
      kept.itemIds.push(id);
      kept.scores.push(list.scores[i] ?? 0);
    });
    return kept;
  }

  /** After the Cassandra writes: the hot copies, and the fold-ins counted. */
  private async cacheAndCount(memberId: string, picks: readonly TopPicks[]): Promise<void> {
    await Promise.all(
      picks.map(({ champion, list }) =>
        this.deps.lists.cacheEntry(champion.registration, champion.version, memberId, list),
      ),
    );
    for (const { champion } of picks)
      this.deps.foldIns.inc({ registration: champion.registration, outcome: 'folded' });
  }

  /** Copies the member's stored lists back into memcached (after the cache was unavailable). */
  async refill(memberId: string, champions: readonly FoldInChampion[]): Promise<void> {
    await Promise.all(
      champions.map((champion) =>
        this.deps.lists.refillEntry(champion.registration, champion.version, memberId),
      ),
    );
  }
}
