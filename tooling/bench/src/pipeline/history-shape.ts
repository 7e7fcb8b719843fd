import type { InteractionMatrix } from '@marquee/algorithms';
import type { Play } from '@marquee/domain';
import { seededRandom } from '@marquee/synthetic';
import { syntheticImplicitMatrix } from '../training/synthetic-matrix';

/** MovieLens 20M: 20,000,263 ratings of 26,744 titles by 138,493 members. */
const ML20M = { plays: 20_000_263, members: 138_493, titles: 26_744 };

/** Below this many titles a scaled-down catalog cannot hold its heaviest members' plays. */
const MIN_TITLES = 2000;

export interface HistoryShape {
  plays: number;
  members: number;
  items: number;
}

/**
 * ML-20M's proportions at `plays` plays: about 145 plays per member and 26,744 titles scaled with
 * the plays (at least 2,000), unless members or titles are given.
 */
export function ml20mShape(plays: number, members?: number, items?: number): HistoryShape {
  const scale = plays / ML20M.plays;
  return {
    plays,
    members: members ?? Math.max(1, Math.round(ML20M.members * scale)),
    items: items ?? Math.max(MIN_TITLES, Math.round(ML20M.titles * scale)),
  };
}

/**
 * The bench's history as a member × title matrix from the project's generator: long-tail title
 * popularity, log-normal member activity, one play per stored pair (as MovieLens has one rating).
 */
export function benchHistory(shape: HistoryShape): InteractionMatrix {
  return syntheticImplicitMatrix({
    interactions: shape.plays,
    users: shape.members,
    items: shape.items,
    seed: 20,
  });
}

const HOUR_MS = 3600_000;
const DURATION_MS = 5_400_000;

/**
 * One play per stored pair, member by member as ML-20M's ratings file is ordered: each at a seeded
 * time in the year before 2026-06-01, a third of them unfinished. Deterministic, so the import and
 * the raw writes see the same rows.
 */
export function* playsOf(history: InteractionMatrix, memberPrefix = 'm'): Generator<Play> {
  const random = seededRandom(11);
  const end = Date.parse('2026-06-01T00:00:00Z');
  let n = 0;
  for (let u = 0; u < history.numUsers; u++) {
    const userId = `${memberPrefix}${u}`;
    for (let p = history.indptr[u] as number; p < (history.indptr[u + 1] as number); p++) {
      yield {
        eventId: `p${n++}`,
        userId,
        itemId: `t${history.indices[p] as number}`,
        device: 'tv',
        timestamp: new Date(end - Math.floor(random() * 365 * 24) * HOUR_MS).toISOString(),
        positionMs: random() < 1 / 3 ? DURATION_MS / 3 : DURATION_MS,
        durationMs: DURATION_MS,
      };
    }
  }
}
