import type { ContextLifts } from '@marquee/algorithms';
import type { BlendInput, CandidateList, Scored } from './blend';
import { contextBoost, contextLifts, tasteBoost } from './rerank';

/** Titles re-ranked beyond those a page can show, for members whose watched titles are filtered out. */
const SHARED_SLACK = 64;

const ids = new WeakMap<object, number>();
let lastId = 0;
const idOf = (value: object) => {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, (id = ++lastId));
  return id;
};

/**
 * Re-rankings that do not depend on the member (trending, genre rows, the popular list) are the same
 * for every page in one context, so they are made once per list and context. Lists in memory are
 * replaced on reload, never changed in place: a reloaded list starts afresh and the old entries go
 * with the old list.
 */
const sharedRankings = new WeakMap<object, Map<string, readonly Scored[]>>();
const MAX_CONTEXTS_PER_LIST = 256;

/** Ranks the candidates of one page; context boosts are computed once per title. */
export class Ranker {
  private readonly lifts: ContextLifts | null;
  private readonly boosts = new Map<string, number>();
  private readonly contextKey: string;

  constructor(private readonly input: BlendInput) {
    this.lifts = contextLifts(input.context, input.affinities);
    const { device, utcHour } = input.context;
    // Rankings shared across pages are kept per set of rules in force too (their boosts and buries).
    this.contextKey = `${device}|${utcHour}|${idOf(input.affinities)}|${idOf(input.catalog)}|${input.itemsPerRow}|${input.merchandising?.key ?? ''}`;
  }

  genresOf(itemId: string): readonly string[] {
    return this.input.catalog.get(itemId)?.genres ?? [];
  }

  titleOf(itemId: string): string {
    return this.input.catalog.get(itemId)?.title ?? itemId;
  }

  /** Whether a list has a title the member has not watched. */
  viable(itemIds: readonly string[]): boolean {
    return itemIds.some((id) => !this.input.watched.has(id));
  }

  /**
   * A member's list, its head re-ranked by context. Only the head is re-ranked (a few rows' worth,
   * plus what the member watched and is filtered out): the list's own order decides what is a
   * candidate, the context only reorders candidates.
   */
  rerank(candidate: CandidateList): Scored[] {
    return this.rank(candidate, this.input.itemsPerRow * 3 + this.input.watched.size);
  }

  /** A list every member sees (trending, popular), ranked once per context. */
  shared(candidate: CandidateList): readonly Scored[] {
    if (candidate.ranked) return this.rerank(candidate);
    return this.memo(candidate.list, () => this.rank(candidate, this.sharedWindow));
  }

  /** A genre's titles (most popular first), ranked once per context. */
  sharedGenre(titles: readonly string[]): readonly Scored[] {
    return this.memo(titles, () => {
      const head = titles.slice(0, this.sharedWindow);
      return this.rank(
        { list: { itemIds: head, scores: head.map((_, i) => 1 / (1 + i)) }, source: '' },
        head.length,
      );
    });
  }

  /** For lists that are not personal: titles of the genres the member plays most rise. */
  withTaste(ranked: readonly Scored[]): readonly Scored[] {
    if (this.input.taste.size === 0) return ranked;
    return ranked
      .slice(0, this.input.itemsPerRow * 3 + this.input.watched.size)
      .map(({ itemId, score }) => ({
        itemId,
        score: score * tasteBoost(this.genresOf(itemId), this.input.taste),
      }))
      .sort((a, b) => b.score - a.score);
  }

  private get sharedWindow(): number {
    return this.input.itemsPerRow * 3 + SHARED_SLACK;
  }

  private rank(candidate: CandidateList, limit: number): Scored[] {
    const { itemIds, scores } = candidate.list;
    const window = Math.min(itemIds.length, limit);
    const scored: Scored[] = new Array(window);
    for (let i = 0; i < window; i++) scored[i] = { itemId: itemIds[i] as string, score: scores[i] ?? 0 };
    if (candidate.ranked) return scored;
    for (const entry of scored) entry.score *= this.boost(entry.itemId);
    return scored.sort((a, b) => b.score - a.score);
  }

  private boost(itemId: string): number {
    let boost = this.boosts.get(itemId);
    if (boost === undefined) {
      const genres = this.genresOf(itemId);
      boost = contextBoost(genres, this.lifts);
      // Operators' boosts and buries multiply the score before the row is ranked.
      if (this.input.merchandising) boost *= this.input.merchandising.weight(itemId, genres);
      this.boosts.set(itemId, boost);
    }
    return boost;
  }

  private memo(owner: object, rank: () => readonly Scored[]): readonly Scored[] {
    let byContext = sharedRankings.get(owner);
    if (!byContext) sharedRankings.set(owner, (byContext = new Map()));
    let ranked = byContext.get(this.contextKey);
    if (!ranked) {
      if (byContext.size >= MAX_CONTEXTS_PER_LIST) byContext.clear();
      byContext.set(this.contextKey, (ranked = rank()));
    }
    return ranked;
  }
}
