import type { InteractionMatrix } from './matrix';
import { seededRandom } from './random';

/**
 * The ideal low-pass filter of GF-CF (Shen et al. 2021, "How Powerful is Graph Convolution for
 * Recommendation?", eq. 9): the top `rank` eigenvectors V of the normalised item graph
 * G̃ = R̃ᵀR̃, R̃ = D_u^{-1/2}·X·D_i^{-1/2}, as the item-item matrix D_i^{-1/2}·V·Vᵀ·D_i^{1/2}. It adds the
 * catalog's broad taste directions to an item-item model that only sees pairwise co-occurrence.
 *
 * The eigenvectors come from subspace iteration with oversampling and a Rayleigh–Ritz step
 * (Halko, Martinsson & Tropp 2011, §4.5): every product G̃·Q goes through the sparse plays
 * (2·plays·block multiply-adds), so the dense items × items graph is never formed.
 */

/** Sweeps of subspace iteration: with a block of rank + oversampling columns the subspace settles well before. */
const ITERATIONS = 20;

export interface LowPassBasis {
  /** items × rank, row-major: the top eigenvectors of G̃, orthonormal columns, largest eigenvalue first. */
  vectors: Float64Array;
  rank: number;
  /** The eigenvalues of those vectors. */
  values: Float64Array;
  /** Each title's degree (its plays, or summed values), the D_i of the filter. */
  itemDegree: Float64Array;
}

/** Block columns for `rank`: oversampling by half the rank, at least 16, never more than the catalog. */
export function blockSize(rank: number, items: number): number {
  return Math.min(items, rank + Math.max(16, Math.ceil(rank / 2)));
}

/** Top `rank` eigenvectors of G̃ for `data`, its stored values as X's entries. */
export function lowPassBasis(data: InteractionMatrix, rank: number, seed = 42): LowPassBasis {
  const n = data.numItems;
  const k = Math.min(rank, n);
  const b = blockSize(k, n);
  const value = (p: number) => data.values[p] as number;
  const itemDegree = new Float64Array(n);
  const memberScale = new Float64Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) {
    let degree = 0;
    for (let p = data.indptr[u] as number; p < (data.indptr[u + 1] as number); p++) {
      const x = value(p);
      degree += x;
      const i = data.indices[p] as number;
      itemDegree[i] = (itemDegree[i] as number) + x;
    }
    memberScale[u] = degree > 0 ? 1 / degree : 0;
  }
  const itemScale = itemDegree.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));

  const next = seededRandom(seed);
  let q = new Float64Array(n * b).map(() => next() - 0.5);
  orthonormalize(q, n, b, next);
  let z = new Float64Array(n * b);
  for (let it = 0; it < ITERATIONS; it++) {
    graphTimes(data, value, memberScale, itemScale, q, z, b);
    [q, z] = [z, q];
    orthonormalize(q, n, b, next);
  }
  // Rayleigh–Ritz: T = Qᵀ·G̃·Q, its eigenvectors rotate Q onto the best rank-k basis of the block.
  graphTimes(data, value, memberScale, itemScale, q, z, b);
  const t = new Float64Array(b * b);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < b; c++) {
      const qc = q[i * b + c] as number;
      if (qc === 0) continue;
      for (let d = 0; d < b; d++) t[c * b + d] = (t[c * b + d] as number) + qc * (z[i * b + d] as number);
    }
  for (let c = 0; c < b; c++)
    for (let d = 0; d < c; d++) {
      const mean = ((t[c * b + d] as number) + (t[d * b + c] as number)) / 2;
      t[c * b + d] = mean;
      t[d * b + c] = mean;
    }
  const { values, vectors: u } = symmetricEigen(t, b);
  const order = Array.from({ length: b }, (_, c) => c).sort(
    (x, y) => (values[y] as number) - (values[x] as number),
  );
  const vectors = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < k; r++) {
      const col = order[r] as number;
      let s = 0;
      for (let c = 0; c < b; c++) s += (q[i * b + c] as number) * (u[c * b + col] as number);
      vectors[i * k + r] = s;
    }
  return {
    vectors,
    rank: k,
    values: Float64Array.from(order.slice(0, k), (c) => values[c] as number),
    itemDegree,
  };
}

/** out = G̃·q for an items × b row-major block, one member's plays at a time. */
function graphTimes(
  data: InteractionMatrix,
  value: (p: number) => number,
  memberScale: Float64Array,
  itemScale: Float64Array,
  q: Float64Array,
  out: Float64Array,
  b: number,
): void {
  out.fill(0);
  const y = new Float64Array(b);
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.indptr[u] as number;
    const end = data.indptr[u + 1] as number;
    if (start === end) continue;
    y.fill(0);
    for (let p = start; p < end; p++) {
      const i = data.indices[p] as number;
      const x = value(p) * (itemScale[i] as number);
      const row = i * b;
      for (let c = 0; c < b; c++) y[c] = (y[c] as number) + x * (q[row + c] as number);
    }
    const w = memberScale[u] as number;
    for (let p = start; p < end; p++) {
      const i = data.indices[p] as number;
      const x = value(p) * (itemScale[i] as number) * w;
      const row = i * b;
      for (let c = 0; c < b; c++) out[row + c] = (out[row + c] as number) + x * (y[c] as number);
    }
  }
}

/**
 * Orthonormal columns for an n × b row-major block by Cholesky QR (row-wise, so it reads the block in
 * order). One pass is enough here: one product with G̃ (eigenvalues in [0, 1]) conditions the block no
 * worse than λ₁ / λ_b, so QᵀQ stays far from singular; a block that is nearly rank-deficient (wider
 * than the graph's rank) goes through modified Gram–Schmidt instead.
 */
function orthonormalize(q: Float64Array, n: number, b: number, next: () => number): void {
  if (!choleskyQr(q, n, b)) gramSchmidt(q, n, b, next);
}

/** Q ← Q·R⁻¹ with RᵀR = QᵀQ; false (Q untouched) when QᵀQ is not numerically positive definite. */
function choleskyQr(q: Float64Array, n: number, b: number): boolean {
  const c = new Float64Array(b * b);
  for (let i = 0; i < n; i++) {
    const row = i * b;
    for (let x = 0; x < b; x++) {
      const v = q[row + x] as number;
      if (v === 0) continue;
      const cx = x * b;
      for (let y = 0; y <= x; y++) c[cx + y] = (c[cx + y] as number) + v * (q[row + y] as number);
    }
  }
  // Lower Cholesky factor L (= Rᵀ) in place.
  let largest = 0;
  for (let x = 0; x < b; x++) largest = Math.max(largest, c[x * b + x] as number);
  for (let x = 0; x < b; x++) {
    for (let y = 0; y <= x; y++) {
      let s = c[x * b + y] as number;
      for (let t = 0; t < y; t++) s -= (c[x * b + t] as number) * (c[y * b + t] as number);
      if (x === y) {
        if (!(s > 1e-12 * largest)) return false;
        c[x * b + x] = Math.sqrt(s);
      } else c[x * b + y] = s / (c[y * b + y] as number);
    }
  }
  // Each row r of Q solves r_new·Lᵀ = r: forward substitution over the columns.
  for (let i = 0; i < n; i++) {
    const row = i * b;
    for (let x = 0; x < b; x++) {
      let s = q[row + x] as number;
      for (let t = 0; t < x; t++) s -= (q[row + t] as number) * (c[x * b + t] as number);
      q[row + x] = s / (c[x * b + x] as number);
    }
  }
  return true;
}

/**
 * Modified Gram–Schmidt on the columns, applied twice ("twice is enough", Giraud et al. 2005). A
 * column that vanishes (the block is wider than the graph's rank) is replaced by a fresh random one,
 * orthogonalised the same way.
 */
function gramSchmidt(q: Float64Array, n: number, b: number, next: () => number): void {
  for (let c = 0; c < b; c++) {
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++)
        for (let d = 0; d < c; d++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += (q[i * b + c] as number) * (q[i * b + d] as number);
          for (let i = 0; i < n; i++)
            q[i * b + c] = (q[i * b + c] as number) - dot * (q[i * b + d] as number);
        }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += (q[i * b + c] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-10 || attempt >= 3) {
        const scale = norm > 0 ? 1 / norm : 0;
        for (let i = 0; i < n; i++) q[i * b + c] = (q[i * b + c] as number) * scale;
        break;
      }
      for (let i = 0; i < n; i++) q[i * b + c] = next() - 0.5;
    }
  }
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`, row-major b × b) of a symmetric matrix by cyclic
 * Jacobi rotations (Golub & Van Loan, Algorithm 8.5.3): small blocks only, accurate to rounding.
 */
export function symmetricEigen(
  matrix: Float64Array,
  b: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(b * b);
  for (let i = 0; i < b; i++) v[i * b + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < b; p++)
      for (let r = 0; r < b; r++) {
        const x = (a[p * b + r] as number) ** 2;
        total += x;
        if (p !== r) off += x;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < b - 1; p++)
      for (let r = p + 1; r < b; r++) {
        const apr = a[p * b + r] as number;
        if (apr === 0) continue;
        const theta = ((a[r * b + r] as number) - (a[p * b + p] as number)) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let i = 0; i < b; i++) {
          const aip = a[i * b + p] as number;
          const air = a[i * b + r] as number;
          a[i * b + p] = c * aip - s * air;
          a[i * b + r] = s * aip + c * air;
        }
        for (let i = 0; i < b; i++) {
          const api = a[p * b + i] as number;
          const ari = a[r * b + i] as number;
          a[p * b + i] = c * api - s * ari;
          a[r * b + i] = s * api + c * ari;
        }
        for (let i = 0; i < b; i++) {
          const vip = v[i * b + p] as number;
          const vir = v[i * b + r] as number;
          v[i * b + p] = c * vip - s * vir;
          v[i * b + r] = s * vip + c * vir;
        }
      }
  }
  return { values: Float64Array.from({ length: b }, (_, i) => a[i * b + i] as number), vectors: v };
}

/**
 * Adds `weight` · D_i^{-1/2}·V·Vᵀ·D_i^{1/2} to the items × items row-major `weights` (float32), the
 * diagonal excepted (a member's own titles are never recommended back).
 */
export function addLowPass(weights: Float32Array, basis: LowPassBasis, weight: number): void {
  const n = basis.itemDegree.length;
  const k = basis.rank;
  const { vectors, itemDegree } = basis;
  for (let i = 0; i < n; i++) {
    const di = itemDegree[i] as number;
    if (di <= 0) continue;
    const left = weight / Math.sqrt(di);
    const ri = i * k;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dj = itemDegree[j] as number;
      if (dj <= 0) continue;
      const rj = j * k;
      let s = 0;
      for (let r = 0; r < k; r++) s += (vectors[ri + r] as number) * (vectors[rj + r] as number);
      weights[i * n + j] = (weights[i * n + j] as number) + left * s * Math.sqrt(dj);
    }
  }
}

/**
 * ‖D_i^{-1/2}·V·Vᵀ·D_i^{1/2}‖_F without forming it: Σ_ab (Vᵀ·D⁻¹·V)_ab·(Vᵀ·D·V)_ab. Titles without
 * plays count zero, as in `addLowPass`.
 */
export function lowPassNorm(basis: LowPassBasis): number {
  const n = basis.itemDegree.length;
  const k = basis.rank;
  const inverse = new Float64Array(k * k);
  const direct = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const d = basis.itemDegree[i] as number;
    if (d <= 0) continue;
    for (let a = 0; a < k; a++) {
      const va = basis.vectors[i * k + a] as number;
      for (let c = 0; c < k; c++) {
        const product = va * (basis.vectors[i * k + c] as number);
        inverse[a * k + c] = (inverse[a * k + c] as number) + product / d;
        direct[a * k + c] = (direct[a * k + c] as number) + product * d;
      }
    }
  }
  let s = 0;
  for (let e = 0; e < k * k; e++) s += (inverse[e] as number) * (direct[e] as number);
  return Math.sqrt(Math.max(0, s));
}
