import type { Recommendations } from './algorithm';
import { instantiateKernels, paddedFactors, type AlsKernels } from './als-kernels';
import type { InteractionMatrix } from './matrix';
import { TopK } from './top-k';
import { sharedMemory } from './wasm-asm';

/** Members scored together: their factors are gathered into one block per pass over the catalog. */
export const SCORE_BLOCK = 1024;
/** Titles per tile: 2,048 × 64 factors is 512 KiB of title factors, reused by every member group. */
const TILE = 2048;

/**
 * The batch scorer: member factors × title factors as a dense block product (the `score4x8` SIMD
 * kernel, 4 members × 8 titles at a time), keeping each member's top k in a heap as tiles stream by.
 * Title factors are packed once into panels of 8 titles (factor-major), so the kernel reads them
 * contiguously; a scorer is built once per set of title factors and reused.
 */
export class FactorScorer {
  private readonly k: AlsKernels;
  private readonly n: number;
  private readonly panels: number;
  private readonly block: number;
  private readonly out: number;
  private readonly f32: Float32Array;

  constructor(
    private readonly itemFactors: Float32Array,
    private readonly numItems: number,
    private readonly factors: number,
  ) {
    const n = paddedFactors(factors);
    const paddedItems = Math.ceil(numItems / 8) * 8;
    const panelBytes = paddedItems * n * 4;
    const blockBytes = SCORE_BLOCK * n * 4;
    const memory = sharedMemory(panelBytes + blockBytes + 4 * TILE * 4);
    this.k = instantiateKernels(memory);
    this.f32 = new Float32Array(memory.buffer);
    this.n = n;
    this.panels = 0;
    this.block = panelBytes;
    this.out = panelBytes + blockBytes;
    // Panel p holds titles 8p .. 8p+7: for each factor q, their 8 values side by side.
    for (let i = 0; i < numItems; i++) {
      const base = (i >> 3) * n * 8 + (i & 7);
      for (let q = 0; q < factors; q++) this.f32[base + q * 8] = itemFactors[i * factors + q] as number;
    }
  }

  /** Whether this scorer was built from these title factors. */
  serves(itemFactors: Float32Array): boolean {
    return itemFactors === this.itemFactors;
  }

  /**
   * Top k titles for each of `users` (row indices of `userFactors` and of `seen`), excluding what
   * `seen` holds for them. Members without factors get an empty (-1 padded) row.
   */
  recommend(
    userFactors: Float32Array,
    seen: InteractionMatrix,
    users: Int32Array,
    k: number,
  ): Recommendations {
    const items = new Int32Array(users.length * k).fill(-1);
    const scores = new Float32Array(users.length * k).fill(Number.NEGATIVE_INFINITY);
    if (k === 0 || this.numItems === 0) return { k, users, items, scores };
    const heaps = Array.from({ length: Math.min(SCORE_BLOCK, users.length) }, () => new TopK(k));
    const thresholds = new Float64Array(heaps.length);
    const cursors = new Int32Array(heaps.length);
    const ends = new Int32Array(heaps.length);
    const active = new Uint8Array(heaps.length);
    const numModelUsers = userFactors.length / this.factors;
    for (let b0 = 0; b0 < users.length; b0 += SCORE_BLOCK) {
      const count = Math.min(SCORE_BLOCK, users.length - b0);
      for (let r = 0; r < count; r++) {
        const u = users[b0 + r] as number;
        active[r] = u >= 0 && u < numModelUsers ? 1 : 0;
        this.gather(userFactors, active[r] ? u : -1, r);
        heaps[r]?.reset();
        thresholds[r] = Number.NEGATIVE_INFINITY;
        const inSeen = u >= 0 && u < seen.numUsers;
        cursors[r] = inSeen ? (seen.indptr[u] as number) : 0;
        ends[r] = inSeen ? (seen.indptr[u + 1] as number) : 0;
      }
      for (let r = count; r < Math.ceil(count / 4) * 4; r++) this.gather(userFactors, -1, r);
      for (let t0 = 0; t0 < this.numItems; t0 += TILE) {
        const t1 = Math.min(this.numItems, t0 + TILE);
        for (let g = 0; g < count; g += 4) {
          const panel = this.panels + (t0 >> 3) * this.n * 32;
          this.k.score4x8(
            this.block + g * this.n * 4,
            panel,
            Math.ceil((t1 - t0) / 8),
            this.out,
            this.n,
            TILE * 4,
          );
          for (let r = g; r < Math.min(g + 4, count); r++) {
            if (active[r])
              this.scan(r, (r - g) * TILE, t0, t1, seen.indices, cursors, ends, thresholds, heaps);
          }
        }
      }
      for (let r = 0; r < count; r++) (heaps[r] as TopK).drainSorted(items, scores, (b0 + r) * k);
    }
    return { k, users, items, scores };
  }

  /** Copies member u's factors (zeros for u = -1) into row r of the block. */
  private gather(userFactors: Float32Array, u: number, r: number): void {
    const at = this.block / 4 + r * this.n;
    this.f32.fill(0, at, at + this.n);
    if (u >= 0) this.f32.set(userFactors.subarray(u * this.factors, (u + 1) * this.factors), at);
  }

  /** Feeds one member's scores of titles [t0, t1) to their heap, skipping seen titles. */
  private scan(
    r: number,
    row: number,
    t0: number,
    t1: number,
    seen: Int32Array,
    cursors: Int32Array,
    ends: Int32Array,
    thresholds: Float64Array,
    heaps: TopK[],
  ): void {
    const scores = this.f32;
    const base = this.out / 4 + row - t0;
    // Seen titles become NaN, which never compares greater than the threshold.
    let c = cursors[r] as number;
    const end = ends[r] as number;
    for (; c < end && (seen[c] as number) < t1; c++) {
      const i = seen[c] as number;
      if (i >= t0) scores[base + i] = Number.NaN;
    }
    cursors[r] = c;
    const heap = heaps[r] as TopK;
    let threshold = thresholds[r] as number;
    const row0 = this.out + row * 4;
    for (let i = t0; ; i++) {
      i = t0 + this.k.nextAbove(row0, i - t0, t1 - t0, threshold);
      if (i >= t1) break;
      heap.push(i, scores[base + i] as number);
      if (heap.length === heap.k) threshold = heap.scores[0] as number;
    }
    thresholds[r] = threshold;
  }
}
