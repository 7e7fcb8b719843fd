/**
 * A member × title interaction matrix in CSR form (rows = members), the input of every algorithm.
 * `values` hold the interaction strength (play count, rating or confidence weight); indices within a
 * row are sorted ascending so rows can be merged and searched.
 */
export interface InteractionMatrix {
  numUsers: number;
  numItems: number;
  /** External ids by index. */
  userIds: string[];
  itemIds: string[];
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Optional event time (ms) of each stored entry, for time-aware algorithms (trending). */
  times?: Float64Array;
}

export interface Interaction {
  userId: string;
  itemId: string;
  /** Strength; repeated (user, item) pairs are summed. Defaults to 1. */
  value?: number;
  /** Event time in ms; the latest wins for a repeated pair. */
  at?: number;
}

/**
 * Builds a CSR matrix from interactions. Given `userIds` / `itemIds`, the index spaces are fixed
 * (interactions outside them are dropped); otherwise they are discovered in first-seen order.
 */
export function buildMatrix(
  interactions: Iterable<Interaction>,
  index: { userIds?: readonly string[]; itemIds?: readonly string[] } = {},
): InteractionMatrix {
  const userIndex = new Map<string, number>((index.userIds ?? []).map((id, i) => [id, i]));
  const itemIndex = new Map<string, number>((index.itemIds ?? []).map((id, i) => [id, i]));
  const fixedUsers = index.userIds !== undefined;
  const fixedItems = index.itemIds !== undefined;
  const userIds = [...(index.userIds ?? [])];
  const itemIds = [...(index.itemIds ?? [])];
  const rows: Array<Map<number, { value: number; at: number }>> = userIds.map(() => new Map());
  let hasTimes = false;
  for (const interaction of interactions) {
    let u = userIndex.get(interaction.userId);
    if (u === undefined) {
      if (fixedUsers) continue;
      u = userIds.length;
      userIndex.set(interaction.userId, u);
      userIds.push(interaction.userId);
      rows.push(new Map());
    }
    let i = itemIndex.get(interaction.itemId);
    if (i === undefined) {
      if (fixedItems) continue;
      i = itemIds.length;
      itemIndex.set(interaction.itemId, i);
      itemIds.push(interaction.itemId);
    }
    const row = rows[u] as Map<number, { value: number; at: number }>;
    const value = interaction.value ?? 1;
    const at = interaction.at ?? 0;
    if (interaction.at !== undefined) hasTimes = true;
    const seen = row.get(i);
    if (seen) {
      seen.value += value;
      seen.at = Math.max(seen.at, at);
    } else row.set(i, { value, at });
  }
  let nnz = 0;
  for (const row of rows) nnz += row.size;
  const indptr = new Int32Array(userIds.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const times = hasTimes ? new Float64Array(nnz) : undefined;
  let p = 0;
  rows.forEach((row, u) => {
    indptr[u] = p;
    for (const i of [...row.keys()].sort((a, b) => a - b)) {
      const entry = row.get(i) as { value: number; at: number };
      indices[p] = i;
      values[p] = entry.value;
      if (times) times[p] = entry.at;
      p++;
    }
  });
  indptr[userIds.length] = p;
  return {
    numUsers: userIds.length,
    numItems: itemIds.length,
    userIds,
    itemIds,
    indptr,
    indices,
    values,
    ...(times ? { times } : {}),
  };
}

/** The transpose (rows = items), for algorithms that work item by item. */
export function transpose(m: InteractionMatrix): InteractionMatrix {
  const counts = new Int32Array(m.numItems + 1);
  for (let p = 0; p < m.indices.length; p++) {
    const slot = (m.indices[p] as number) + 1;
    counts[slot] = (counts[slot] as number) + 1;
  }
  for (let i = 0; i < m.numItems; i++) counts[i + 1] = (counts[i + 1] as number) + (counts[i] as number);
  const indptr = counts.slice();
  const cursor = counts.slice(0, m.numItems);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  const times = m.times ? new Float64Array(m.indices.length) : undefined;
  for (let u = 0; u < m.numUsers; u++) {
    for (let p = m.indptr[u] as number; p < (m.indptr[u + 1] as number); p++) {
      const i = m.indices[p] as number;
      const q = cursor[i] as number;
      cursor[i] = q + 1;
      indices[q] = u;
      values[q] = m.values[p] as number;
      if (times && m.times) times[q] = m.times[p] as number;
    }
  }
  return {
    numUsers: m.numItems,
    numItems: m.numUsers,
    userIds: m.itemIds,
    itemIds: m.userIds,
    indptr,
    indices,
    values,
    ...(times ? { times } : {}),
  };
}

export function nnz(m: InteractionMatrix): number {
  return m.indices.length;
}
