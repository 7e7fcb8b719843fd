/**
 * Ranking and rating metrics exactly as Microsoft Recommenders defines them
 * (recommenders/evaluation/python_evaluation.py, release 1.2.1: `precision_at_k`, `recall_at_k`,
 * `ndcg_at_k` with binary relevance, `map`, `map_at_k`, `rmse`), so Marquee's numbers can be put next
 * to its published MovieLens benchmarks. Relevance is binary: a recommended title is a hit when it is
 * in the member's truth set. Recommenders' rules, kept here on purpose:
 *
 * - precision, recall and MAP average over the members present in both truth and predictions
 *   (`merge_ranking_true_pred`); precision divides by k even when fewer than k titles were predicted;
 * - `map` divides each member's sum of precisions at the hits by their number of relevant titles,
 *   `map_at_k` by min(relevant, k);
 * - nDCG averages over every member in the truth (a member without predictions scores 0), because its
 *   DCG table is outer-joined with the whole truth; IDCG counts min(relevant, k) ideal hits;
 * - with no hit at all, every ranking metric is 0.
 */

/** A member's recommendations, best first; -1 entries (padding for "no more titles") are ignored. */
export type RankedItems = ArrayLike<number>;

/** Values per member: an array indexed by member index, or a map keyed by any member id. */
export type PerMember<T> = ReadonlyArray<T | undefined> | ReadonlyMap<unknown, T>;

export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  /** Recommenders' `map`: average precision over each member's relevant titles. */
  map: number;
  /** Recommenders' `map_at_k`: the same, over min(relevant, k). */
  mapAtK: number;
  /** Members in both truth and predictions (the average of precision, recall and MAP). */
  members: number;
  /** Members in the truth (the average of nDCG). */
  truthMembers: number;
}

/** All ranking metrics in one pass over the members. */
export function rankingMetrics(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): RankingMetrics {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const predictions = asMap(predicted);
  let members = 0;
  let truthMembers = 0;
  let totalHits = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let mapAtK = 0;
  for (const [member, relevant] of entries(truth)) {
    if (relevant.size === 0) continue;
    truthMembers++;
    const ranked = predictions.get(member);
    let hits = 0;
    let dcg = 0;
    let sumPrecisions = 0;
    let rank = 0;
    if (ranked) {
      for (let p = 0; p < ranked.length && rank < k; p++) {
        const item = ranked[p] as number;
        if (item < 0) continue;
        rank++;
        if (!relevant.has(item)) continue;
        hits++;
        dcg += 1 / Math.log(1 + rank);
        sumPrecisions += hits / rank;
      }
    }
    ndcg += dcg / idealDcg(Math.min(relevant.size, k));
    if (rank === 0) continue; // no predictions: not one of the common members
    members++;
    totalHits += hits;
    precision += hits / k;
    recall += hits / relevant.size;
    map += sumPrecisions / relevant.size;
    mapAtK += sumPrecisions / Math.min(relevant.size, k);
  }
  if (totalHits === 0) return { precision: 0, recall: 0, ndcg: 0, map: 0, mapAtK: 0, members, truthMembers };
  return {
    precision: precision / members,
    recall: recall / members,
    ndcg: ndcg / truthMembers,
    map: map / members,
    mapAtK: mapAtK / members,
    members,
    truthMembers,
  };
}

export function precisionAtK(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): number {
  return rankingMetrics(predicted, truth, k).precision;
}

export function recallAtK(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): number {
  return rankingMetrics(predicted, truth, k).recall;
}

export function ndcgAtK(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): number {
  return rankingMetrics(predicted, truth, k).ndcg;
}

/** Recommenders' `map` (named `map_at_k` before 1.2). */
export function meanAveragePrecision(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): number {
  return rankingMetrics(predicted, truth, k).map;
}

export function mapAtK(
  predicted: PerMember<RankedItems>,
  truth: PerMember<ReadonlySet<number>>,
  k: number,
): number {
  return rankingMetrics(predicted, truth, k).mapAtK;
}

export interface RatedPair {
  member: number | string;
  item: number | string;
  rating: number;
}

/**
 * Root mean squared error over the (member, item) pairs present in both (Recommenders' `rmse`, an
 * inner join on member and item). Each side must list a pair at most once.
 */
export function rmse(truth: Iterable<RatedPair>, predicted: Iterable<RatedPair>): number {
  const predictions = new Map<string, number>();
  for (const pair of predicted) {
    const key = pairKey(pair);
    if (predictions.has(key))
      throw new RangeError(`rmse: member ${pair.member} has item ${pair.item} predicted twice`);
    predictions.set(key, pair.rating);
  }
  let sum = 0;
  let count = 0;
  for (const pair of truth) {
    const prediction = predictions.get(pairKey(pair));
    if (prediction === undefined) continue;
    sum += (pair.rating - prediction) ** 2;
    count++;
  }
  if (count === 0)
    throw new RangeError('rmse: no (member, item) pair is in both the truth and the predictions');
  return Math.sqrt(sum / count);
}

function pairKey(pair: RatedPair): string {
  return `${typeof pair.member}:${pair.member}\u0000${typeof pair.item}:${pair.item}`;
}

const idealCache: number[] = [0];

/** DCG of n hits at ranks 1..n. */
function idealDcg(n: number): number {
  for (let i = idealCache.length; i <= n; i++)
    idealCache[i] = (idealCache[i - 1] as number) + 1 / Math.log(1 + i);
  return idealCache[n] as number;
}

function entries<T>(values: PerMember<T>): Iterable<[unknown, T]> {
  if (values instanceof Map) return values.entries() as Iterable<[unknown, T]>;
  const array = values as ReadonlyArray<T | undefined>;
  return (function* () {
    for (let i = 0; i < array.length; i++) {
      const value = array[i];
      if (value !== undefined) yield [i, value] as [unknown, T];
    }
  })();
}

function asMap<T>(values: PerMember<T>): ReadonlyMap<unknown, T> {
  return values instanceof Map ? values : new Map(entries(values));
}
