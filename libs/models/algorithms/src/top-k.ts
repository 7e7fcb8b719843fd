/**
 * Top-k selection over a score row with exclusions, without sorting the whole row: a size-k min-heap
 * kept in typed arrays. Ties break toward the lower item index, so results are deterministic.
 */
export class TopK {
  readonly items: Int32Array;
  readonly scores: Float32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.items = new Int32Array(k);
    this.scores = new Float32Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  get length(): number {
    return this.size;
  }

  /** Worse than the current minimum: (score, item) ordering with lower item winning ties. */
  private less(aScore: number, aItem: number, bScore: number, bItem: number): boolean {
    return aScore < bScore || (aScore === bScore && aItem > bItem);
  }

  push(item: number, score: number): void {
    const { items, scores, k } = this;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.less(score, item, scores[parent] as number, items[parent] as number)) break;
        items[i] = items[parent] as number;
        scores[i] = scores[parent] as number;
        i = parent;
      }
      items[i] = item;
      scores[i] = score;
      return;
    }
    if (k === 0 || !this.less(scores[0] as number, items[0] as number, score, item)) return;
    this.replaceRoot(item, score, k);
  }

  /**
   * Writes the kept entries best first into `outItems`/`outScores` at `offset`, padding with -1 and
   * -Infinity up to k. Pops the heap's worst entry into the last free slot, in place: no index array
   * and no comparator sort (nearline drains one heap per play, where a sort would cost a few
   * percent of its CPU).
   */
  drainSorted(outItems: Int32Array, outScores: Float32Array, offset: number): void {
    const { items, scores } = this;
    for (let j = this.size; j < this.k; j++) {
      outItems[offset + j] = -1;
      outScores[offset + j] = Number.NEGATIVE_INFINITY;
    }
    for (let n = this.size; n > 0; n--) {
      outItems[offset + n - 1] = items[0] as number;
      outScores[offset + n - 1] = scores[0] as number;
      // The last entry takes the root's place in the heap of the n - 1 left.
      this.replaceRoot(items[n - 1] as number, scores[n - 1] as number, n - 1);
    }
    this.size = 0;
  }

  /** Puts (item, score) at the root of the heap's first `n` entries and sinks it to its place. */
  private replaceRoot(item: number, score: number, n: number): void {
    const { items, scores } = this;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (
        right < n &&
        this.less(
          scores[right] as number,
          items[right] as number,
          scores[left] as number,
          items[left] as number,
        )
      ) {
        child = right;
      }
      if (!this.less(scores[child] as number, items[child] as number, score, item)) break;
      items[i] = items[child] as number;
      scores[i] = scores[child] as number;
      i = child;
    }
    items[i] = item;
    scores[i] = score;
  }
}

/** Top-k of `scores` for one member, skipping `exclude` (sorted item indices of their history). */
export function topKExcluding(
  scores: Float32Array,
  exclude: Int32Array,
  excludeStart: number,
  excludeEnd: number,
  heap: TopK,
  outItems: Int32Array,
  outScores: Float32Array,
  offset: number,
): void {
  heap.reset();
  let e = excludeStart;
  for (let i = 0; i < scores.length; i++) {
    while (e < excludeEnd && (exclude[e] as number) < i) e++;
    if (e < excludeEnd && exclude[e] === i) continue;
    heap.push(i, scores[i] as number);
  }
  heap.drainSorted(outItems, outScores, offset);
}

/**
 * The per-member recommend loop of algorithms whose scoring cost follows the member's history (EASE,
 * item-kNN, popularity): score each member into one reused row, then keep the top k without what
 * they have seen. Members are row indices of `seen`.
 */
export function recommendEach(
  algorithm: string,
  seen: { numUsers: number; indptr: Int32Array; indices: Int32Array },
  users: Int32Array,
  k: number,
  numItems: number,
  scoreInto: (member: number, row: Float32Array) => void,
): { k: number; users: Int32Array; items: Int32Array; scores: Float32Array } {
  const items = new Int32Array(users.length * k);
  const scores = new Float32Array(users.length * k);
  const heap = new TopK(k);
  const row = new Float32Array(numItems);
  users.forEach((u, r) => {
    if (!(u >= 0 && u < seen.numUsers)) {
      throw new Error(
        `${algorithm} recommend: member index ${u} is outside the history matrix (${seen.numUsers} members)`,
      );
    }
    scoreInto(u, row);
    topKExcluding(
      row,
      seen.indices,
      seen.indptr[u] as number,
      seen.indptr[u + 1] as number,
      heap,
      items,
      scores,
      r * k,
    );
  });
  return { k, users, items, scores };
}
