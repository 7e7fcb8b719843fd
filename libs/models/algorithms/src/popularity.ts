import type { ScoredList } from '@marquee/domain';

export interface PopularityCounterParams {
  /** How many titles the list keeps. */
  k: number;
  /** A play loses half its weight every `halfLifeDays` (trending = short, popular = long). */
  halfLifeDays: number;
}

export interface TimedPlay {
  memberId: string;
  itemId: string;
  at: number;
}

/**
 * Time-decayed popularity: each (member, title) pair counts once, weighted by
 * 2^(-age / halfLife) of the member's latest play of it, so bingeing one title does not
 * outweigh many members watching it.
 */
export class PopularityCounter {
  private readonly latest = new Map<string, number>();

  constructor(private readonly params: PopularityCounterParams) {
    if (!Number.isInteger(params.k) || params.k < 1)
      throw new RangeError(`k must be a positive integer, got ${params.k}`);
    if (!(params.halfLifeDays > 0))
      throw new RangeError(`halfLifeDays must be positive, got ${params.halfLifeDays}`);
  }

  add(interaction: TimedPlay): void {
    const key = `${interaction.memberId}\u0000${interaction.itemId}`;
    const seen = this.latest.get(key);
    if (seen === undefined || interaction.at > seen) this.latest.set(key, interaction.at);
  }

  get pairs(): number {
    return this.latest.size;
  }

  top(now: number): ScoredList {
    const halfLifeMs = this.params.halfLifeDays * 24 * 3600 * 1000;
    const scores = new Map<string, number>();
    for (const [key, at] of this.latest) {
      const itemId = key.slice(key.indexOf('\u0000') + 1);
      const weight = Math.pow(2, -Math.max(0, now - at) / halfLifeMs);
      scores.set(itemId, (scores.get(itemId) ?? 0) + weight);
    }
    const ranked = [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, this.params.k);
    return { itemIds: ranked.map(([id]) => id), scores: ranked.map(([, s]) => Math.round(s * 1e6) / 1e6) };
  }
}
