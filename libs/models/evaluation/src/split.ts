import { LegacyRandomState } from './mt19937';

export type StratifyBy = 'user' | 'item';

export interface StratifiedSplitOptions {
  /** Share of each member's (or title's) ratings that goes to training. */
  ratio?: number;
  /** Stratify per member (every member keeps `ratio` of their ratings for training) or per title. */
  filterBy?: StratifyBy;
  /** Members (titles, with filterBy 'item') with fewer ratings are dropped before splitting. */
  minRating?: number;
  seed?: number;
}

/** Row indices of the ratings, ascending (file order). */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Recommenders' `python_stratified_split(data, ratio, min_rating, filter_by, seed)` (Microsoft
 * Recommenders 1.2.1, recommenders/datasets/python_splitters.py `_do_stratification`):
 *
 *   1. with min_rating > 1, drop groups (members or titles) with fewer rows (`groupby().filter`);
 *   2. `np.random.seed(seed)`; give row r (in file order) the r-th draw of `np.random.rand(n)`;
 *   3. sort each group by its draws; rank = 1..count;
 *   4. train = rank <= round(ratio * count), test = the rest (numpy rounds halves to even).
 *
 * Exactness: the test rows are the same rows as Recommenders' for any input given in the same row
 * order, because the draws come from the same generator (`LegacyRandomState`, MT19937 + numpy's
 * 53-bit double) and the cut uses the same float products and the same half-to-even rounding.
 * Ties between draws (practically impossible) break by row order, as pandas' stable lexsort does.
 * Only the order of the output differs: pandas returns rows sorted by (group, draw); this returns
 * file order. Checked against the real function in split.test.ts (fixtures/stratified-split.json).
 * Recommenders' multi-way splits (a list of ratios) are not supported.
 */
export function stratifiedSplit(
  rows: { users: ArrayLike<number>; items: ArrayLike<number> },
  options: StratifiedSplitOptions = {},
): Split {
  const ratio = options.ratio ?? 0.75;
  const filterBy = options.filterBy ?? 'user';
  const minRating = options.minRating ?? 1;
  if (!(ratio > 0 && ratio < 1)) throw new RangeError(`split ratio must be between 0 and 1, got ${ratio}`);
  if (filterBy !== 'user' && filterBy !== 'item')
    throw new RangeError(`filterBy must be 'user' or 'item', got '${String(filterBy)}'`);
  if (!Number.isInteger(minRating) || minRating < 1)
    throw new RangeError(`minRating must be an integer >= 1, got ${minRating}`);
  if (rows.users.length !== rows.items.length)
    throw new RangeError(`users and items differ in length (${rows.users.length} vs ${rows.items.length})`);

  const groupOf = filterBy === 'user' ? rows.users : rows.items;
  const kept = keptRows(groupOf, minRating);
  const draws = new LegacyRandomState(options.seed ?? 42).rand(kept.length);
  const groups = groupRows(groupOf, kept);
  // The same float arithmetic as `np.cumsum([ratio, 1 - ratio])`.
  const thresholds = [ratio, ratio + (1 - ratio)];

  const isTest = new Uint8Array(groupOf.length);
  let testCount = 0;
  for (const members of groups) {
    // `members` holds positions in `kept`; sorting by draw, then position, is pandas' stable sort.
    members.sort((a, b) => (draws[a] as number) - (draws[b] as number) || a - b);
    const trainCut = roundHalfEven((thresholds[0] as number) * members.length);
    const testCut = roundHalfEven((thresholds[1] as number) * members.length);
    for (let rank = trainCut + 1; rank <= Math.min(testCut, members.length); rank++) {
      isTest[kept[members[rank - 1] as number] as number] = 1;
      testCount++;
    }
  }
  const train = new Int32Array(kept.length - testCount);
  const test = new Int32Array(testCount);
  let t = 0;
  let s = 0;
  for (const row of kept) {
    if (isTest[row]) test[s++] = row;
    else train[t++] = row;
  }
  return { train, test };
}

/** numpy's `round` for halves: to the nearest even integer. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Rows whose group has at least `minRating` rows, in file order. */
function keptRows(groupOf: ArrayLike<number>, minRating: number): Int32Array {
  if (minRating <= 1) return Int32Array.from({ length: groupOf.length }, (_, r) => r);
  const counts = new Map<number, number>();
  for (let r = 0; r < groupOf.length; r++) {
    const g = groupOf[r] as number;
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const kept: number[] = [];
  for (let r = 0; r < groupOf.length; r++)
    if ((counts.get(groupOf[r] as number) ?? 0) >= minRating) kept.push(r);
  return Int32Array.from(kept);
}

/** Positions in `kept`, grouped by group key. */
function groupRows(groupOf: ArrayLike<number>, kept: Int32Array): number[][] {
  const byGroup = new Map<number, number[]>();
  kept.forEach((row, position) => {
    const g = groupOf[row] as number;
    let members = byGroup.get(g);
    if (!members) byGroup.set(g, (members = []));
    members.push(position);
  });
  return [...byGroup.values()];
}
