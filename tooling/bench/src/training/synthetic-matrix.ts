import type { InteractionMatrix } from '@marquee/algorithms';
import { drawIndex, seededRandom } from '@marquee/synthetic';

export interface SyntheticMatrixOptions {
  /** Stored (member, title) pairs, exactly. */
  interactions: number;
  /** Defaults to interactions / 20 (a member plays 20 titles on average). */
  users?: number;
  /** Defaults to interactions / 50. */
  items?: number;
  /** Taste clusters; each title belongs to one. */
  genres?: number;
  seed?: number;
}

/**
 * A deterministic implicit-feedback matrix shaped like a streaming service: title popularity follows
 * a Zipf-like long tail, member activity is log-normal (a few heavy members, many light ones), and
 * three plays in four come from the member's favourite genre. Values are play counts (geometric, ≥ 1).
 */
export function syntheticImplicitMatrix(options: SyntheticMatrixOptions): InteractionMatrix {
  const n = options.interactions;
  const users = options.users ?? Math.max(1, Math.round(n / 20));
  const items = options.items ?? Math.max(1, Math.round(n / 50));
  const genres = Math.max(1, Math.min(options.genres ?? 20, items));
  const maxPerUser = Math.max(1, Math.floor(items / 4));
  if (n > users * maxPerUser)
    throw new Error(
      `${n} interactions do not fit ${users} members × ${items} titles (at most a quarter each)`,
    );
  const random = seededRandom(options.seed ?? 7);

  // Titles: genre and long-tail weight; one cumulative table per genre and one overall.
  const genreOf = new Int32Array(items);
  const weight = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    genreOf[i] = Math.floor(random() * genres);
    weight[i] = Math.pow(i + 10, -0.9);
  }
  const all = cumulative(weight, null);
  const byGenre = Array.from({ length: genres }, (_, g) => {
    const members: number[] = [];
    for (let i = 0; i < items; i++) if (genreOf[i] === g) members.push(i);
    const ids = Int32Array.from(members);
    return { ids, cumulative: cumulative(weight, ids) };
  });

  // Members: log-normal activity, apportioned so the counts sum to exactly n.
  const activity = new Float64Array(users);
  for (let u = 0; u < users; u++) activity[u] = Math.exp(gaussian(random));
  const counts = apportion(activity, n, maxPerUser);

  const indptr = new Int32Array(users + 1);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  const takenBy = new Int32Array(items).fill(-1);
  let p = 0;
  for (let u = 0; u < users; u++) {
    indptr[u] = p;
    const want = counts[u] as number;
    const favourite = byGenre[Math.floor(random() * genres)] as { ids: Int32Array; cumulative: Float64Array };
    const start = p;
    for (let attempt = 0; p - start < want && attempt < want * 20; attempt++) {
      const i =
        random() < 0.75 && favourite.ids.length > 0
          ? (favourite.ids[drawIndex(favourite.cumulative, random)] as number)
          : drawIndex(all, random);
      if (takenBy[i] === u) continue;
      takenBy[i] = u;
      indices[p++] = i;
    }
    // Heavy members of a small genre: fill the rest uniformly.
    while (p - start < want) {
      const i = Math.floor(random() * items);
      if (takenBy[i] === u) continue;
      takenBy[i] = u;
      indices[p++] = i;
    }
    indices.subarray(start, p).sort();
    for (let q = start; q < p; q++)
      values[q] = 1 + Math.min(19, Math.floor(Math.log(random()) / Math.log(0.6)));
  }
  indptr[users] = p;
  return {
    numUsers: users,
    numItems: items,
    userIds: Array.from({ length: users }, (_, u) => `m${u}`),
    itemIds: Array.from({ length: items }, (_, i) => `t${i}`),
    indptr,
    indices,
    values,
  };
}

function cumulative(weight: Float64Array, ids: Int32Array | null): Float64Array {
  const length = ids ? ids.length : weight.length;
  const out = new Float64Array(length);
  let total = 0;
  for (let j = 0; j < length; j++) {
    total += weight[ids ? (ids[j] as number) : j] as number;
    out[j] = total;
  }
  return out;
}

/** Box–Muller. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Integer counts ≥ 1 and ≤ cap, proportional to `weights`, summing to `total`. */
function apportion(weights: Float64Array, total: number, cap: number): Int32Array {
  const counts = new Int32Array(weights.length).fill(1);
  let remaining = total - weights.length;
  if (remaining < 0) throw new Error(`${total} interactions are fewer than ${weights.length} members`);
  let sum = 0;
  for (const w of weights) sum += w;
  for (let u = 0; u < weights.length && remaining > 0; u++) {
    const extra = Math.min(cap - 1, Math.floor(((weights[u] as number) / sum) * (total - weights.length)));
    counts[u] = 1 + extra;
    remaining -= extra;
  }
  // Rounding leftovers go round-robin to members below the cap.
  for (let u = 0; remaining > 0; u = (u + 1) % weights.length) {
    if ((counts[u] as number) < cap) {
      counts[u] = (counts[u] as number) + 1;
      remaining--;
    }
  }
  return counts;
}
