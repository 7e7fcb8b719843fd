import type { InteractionMatrix } from '@marquee/algorithms';
import type { RatingsDataset } from './ratings';
import type { Split } from './split';

export interface TrainTestOptions {
  /** Matrix values: the rating itself, or 1 for every rated title (implicit feedback). */
  values?: 'rating' | 'binary';
  /**
   * Test titles nobody rated in training: 'keep' counts them as relevant though no model can
   * recommend them (Recommenders' benchmark scores against the raw test split), 'drop' removes them.
   */
  unseenTestItems?: 'keep' | 'drop';
}

export interface TrainTest {
  /** Training ratings; members and titles indexed in order of first appearance in the file. */
  train: InteractionMatrix;
  /** Test ratings of training members for training titles, in the training index spaces. */
  test: InteractionMatrix;
  /** Training members with test ratings: the members to recommend for. */
  testMembers: Int32Array;
  /**
   * Relevant titles per member. Index m < train.numUsers is training member m; members only in the
   * test follow. Kept unseen titles get indices from train.numItems on, so they can never be hit.
   */
  truth: Array<Set<number> | undefined>;
}

/** The matrices and truth sets an offline evaluation needs from a split of `dataset`. */
export function trainTestMatrices(
  dataset: RatingsDataset,
  split: Split,
  options: TrainTestOptions = {},
): TrainTest {
  const users = firstSeen(dataset.users, split.train, dataset.userIds.length);
  const items = firstSeen(dataset.items, split.train, dataset.itemIds.length);
  const binary = options.values === 'binary';
  const train = toMatrix(dataset, split.train, users, items, binary);
  const test = toMatrix(dataset, split.test, users, items, binary);

  const truth: Array<Set<number> | undefined> = [];
  const testOnlyMember = new Map<number, number>();
  const unseenItem = new Map<number, number>();
  const keepUnseen = options.unseenTestItems !== 'drop';
  for (const row of split.test) {
    const datasetUser = dataset.users[row] as number;
    const datasetItem = dataset.items[row] as number;
    let item = items.map[datasetItem] as number;
    if (item < 0) {
      if (!keepUnseen) continue;
      item = unseenItem.get(datasetItem) ?? train.numItems + unseenItem.size;
      unseenItem.set(datasetItem, item);
    }
    let member = users.map[datasetUser] as number;
    if (member < 0) {
      member = testOnlyMember.get(datasetUser) ?? train.numUsers + testOnlyMember.size;
      testOnlyMember.set(datasetUser, member);
    }
    (truth[member] ??= new Set()).add(item);
  }
  const testMembers: number[] = [];
  for (let m = 0; m < train.numUsers; m++) if (truth[m]) testMembers.push(m);
  return { train, test, testMembers: Int32Array.from(testMembers), truth };
}

interface IndexSpace {
  /** Dataset index → matrix index, -1 when absent. */
  map: Int32Array;
  /** Matrix index → dataset index. */
  ids: number[];
}

function firstSeen(column: Int32Array, rows: Int32Array, size: number): IndexSpace {
  const map = new Int32Array(size).fill(-1);
  const ids: number[] = [];
  for (const row of rows) {
    const id = column[row] as number;
    if (map[id] === -1) {
      map[id] = ids.length;
      ids.push(id);
    }
  }
  return { map, ids };
}

/**
 * CSR of `rows` with the semantics of `buildMatrix` (indices sorted within a row, a repeated pair's
 * values summed and its latest time kept), built with two stable counting sorts instead of a Map
 * per member so that tens of millions of ratings fit in typed arrays.
 */
function toMatrix(
  dataset: RatingsDataset,
  rows: Int32Array,
  users: IndexSpace,
  items: IndexSpace,
  binary: boolean,
): InteractionMatrix {
  const numUsers = users.ids.length;
  const numItems = items.ids.length;
  const userOf = (row: number) => users.map[dataset.users[row] as number] as number;
  const itemOf = (row: number) => items.map[dataset.items[row] as number] as number;
  let count = 0;
  for (const row of rows) if (userOf(row) >= 0 && itemOf(row) >= 0) count++;
  const kept = new Int32Array(count);
  count = 0;
  for (const row of rows) if (userOf(row) >= 0 && itemOf(row) >= 0) kept[count++] = row;
  const byItem = countingSort(kept, itemOf, numItems);
  const ordered = countingSort(byItem, userOf, numUsers);

  const indptr = new Int32Array(numUsers + 1);
  const indices = new Int32Array(ordered.length);
  const values = new Float32Array(ordered.length);
  const times = new Float64Array(ordered.length);
  let p = -1;
  let previousUser = -1;
  let previousItem = -1;
  for (const row of ordered) {
    const u = userOf(row);
    const i = itemOf(row);
    const value = binary ? 1 : (dataset.ratings[row] as number);
    const at = dataset.timestamps[row] as number;
    if (u === previousUser && i === previousItem) {
      values[p] = (values[p] as number) + value;
      times[p] = Math.max(times[p] as number, at);
      continue;
    }
    p++;
    indptr[u + 1] = (indptr[u + 1] as number) + 1;
    indices[p] = i;
    values[p] = value;
    times[p] = at;
    previousUser = u;
    previousItem = i;
  }
  for (let u = 0; u < numUsers; u++) indptr[u + 1] = (indptr[u + 1] as number) + (indptr[u] as number);
  const nnz = p + 1;
  return {
    numUsers,
    numItems,
    userIds: users.ids.map((id) => dataset.userIds[id] as string),
    itemIds: items.ids.map((id) => dataset.itemIds[id] as string),
    indptr,
    indices: indices.slice(0, nnz),
    values: values.slice(0, nnz),
    times: times.slice(0, nnz),
  };
}

/** `rows` reordered by `key(row)` ascending, keeping the order of equal keys. */
function countingSort(rows: Int32Array, key: (row: number) => number, size: number): Int32Array {
  const start = new Int32Array(size + 1);
  for (const row of rows) start[key(row) + 1] = (start[key(row) + 1] as number) + 1;
  for (let k = 0; k < size; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const out = new Int32Array(rows.length);
  for (const row of rows) {
    const slot = start[key(row)] as number;
    out[slot] = row;
    start[key(row)] = slot + 1;
  }
  return out;
}
