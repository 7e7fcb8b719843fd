import { TopK, topKExcluding } from '@marquee/algorithms';
import type { ScoredList } from '@marquee/domain';
import type { FoldInChampion } from './champion-models';

/**
 * A member's history as the fold-in input: model title indices (ascending) with play counts as
 * strengths, as the offline snapshot builds them (buildMatrix sums one per play). Titles the model
 * does not know (added after training) carry no factors and are left out.
 */
export function historyVector(
  history: ReadonlyArray<{ itemId: string }>,
  itemIndex: ReadonlyMap<string, number>,
): { items: Int32Array; values: Float32Array } {
  const counts = new Map<number, number>();
  for (const play of history) {
    const i = itemIndex.get(play.itemId);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const items = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  return { items, values: Float32Array.from(items, (i) => counts.get(i) as number) };
}

/**
 * The top `k` titles for a member vector x: score(i) = y_i · x over every title's factors y_i,
 * skipping `exclude` (what the member watched: title indices, ascending, as `topKExcluding` takes
 * them). One member costs titles × factors multiply-adds (300 k for 3,000 titles and 100 factors),
 * well under a millisecond, so it runs inline per play; four running sums shorten the dependency
 * chain of each dot product.
 */
export function topPicksFor(
  itemFactors: Float32Array,
  factors: number,
  itemIds: readonly string[],
  vector: Float32Array,
  k: number,
  exclude: Int32Array,
): ScoredList {
  const row = new Float32Array(itemIds.length);
  for (let i = 0, o = 0; i < itemIds.length; i++, o += factors) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let q = 0;
    for (; q + 3 < factors; q += 4) {
      s0 += (itemFactors[o + q] as number) * (vector[q] as number);
      s1 += (itemFactors[o + q + 1] as number) * (vector[q + 1] as number);
      s2 += (itemFactors[o + q + 2] as number) * (vector[q + 2] as number);
      s3 += (itemFactors[o + q + 3] as number) * (vector[q + 3] as number);
    }
    for (; q < factors; q++) s0 += (itemFactors[o + q] as number) * (vector[q] as number);
    row[i] = s0 + s1 + s2 + s3;
  }
  const items = new Int32Array(k);
  const scores = new Float32Array(k);
  topKExcluding(row, exclude, 0, exclude.length, new TopK(k), items, scores, 0);
  const list: ScoredList = { itemIds: [], scores: [] };
  for (let j = 0; j < k && (items[j] as number) >= 0; j++) {
    list.itemIds.push(itemIds[items[j] as number] as string);
    // Rounded as the offline batch scorer rounds, so both writers store comparable lists.
    list.scores.push(Math.round((scores[j] as number) * 1e5) / 1e5);
  }
  return list;
}

/** Folds the member into one champion and ranks its titles; null when no title of the history is known to it. */
export function foldInTopPicks(
  champion: FoldInChampion,
  history: ReadonlyArray<{ itemId: string }>,
): ScoredList | null {
  const { items, values } = historyVector(history, champion.itemIndex);
  if (items.length === 0) return null;
  const foldIn = champion.algorithm.foldIn;
  if (!foldIn) return null;
  const vector = foldIn.call(champion.algorithm, champion.model, { items, values }) as Float32Array;
  const { model } = champion;
  // historyVector's indices are ascending, as topPicksFor's exclusions must be.
  return topPicksFor(model.itemFactors, model.factors, model.itemIds, vector, champion.k, items);
}
