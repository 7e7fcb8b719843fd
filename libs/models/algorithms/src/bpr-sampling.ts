import type { InteractionMatrix } from './matrix';

/** mulberry32: a small seeded generator, so a training run is reproducible on any backend. */
export function random(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N(0, scale²) values (Box–Muller). */
export function gaussian(length: number, scale: number, next: () => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++)
    out[i] = scale * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return out;
}

/** Whether sorted `indices[start..end)` holds `item`. */
export function played(indices: Int32Array, start: number, end: number, item: number): boolean {
  let lo = start;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid] as number;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Fills one mini-batch of (member, played title, unplayed title) triples from the shuffled positives
 * order[from .. from + batch size), drawing each unplayed title uniformly; returns the batch's size.
 */
export function sampleTriples(
  data: InteractionMatrix,
  owner: Int32Array,
  order: Int32Array,
  from: number,
  next: () => number,
  batch: { users: Int32Array; positives: Int32Array; negatives: Int32Array },
): number {
  let size = 0;
  const to = Math.min(order.length, from + batch.users.length);
  for (let t = from; t < to; t++) {
    const p = order[t] as number;
    const u = owner[p] as number;
    const start = data.indptr[u] as number;
    const end = data.indptr[u + 1] as number;
    if (end - start >= data.numItems) continue; // played everything: no negative to contrast
    let j: number;
    do j = Math.floor(next() * data.numItems);
    while (played(data.indices, start, end, j));
    batch.users[size] = u;
    batch.positives[size] = data.indices[p] as number;
    batch.negatives[size] = j;
    size++;
  }
  return size;
}
