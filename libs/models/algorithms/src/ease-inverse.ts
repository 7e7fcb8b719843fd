import { assemble, sharedMemory, wasm, type KernelSource, type WasmMemory } from './wasm-asm';

/**
 * G⁻¹ of a symmetric positive definite n × n matrix in three in-place blocked passes over one row-major
 * buffer (LAPACK's potrf, trtri, lauum: n³/3 multiply-adds each): G = LLᵀ in the lower triangle, then
 * V = L⁻ᵀ in the upper triangle, then P = G⁻¹ = VVᵀ back into the lower triangle. Nearly all the work is
 * C −= A·Bᵀ over row segments (every operand contiguous in row-major order), done 4 × 2 entries at a
 * time by a WebAssembly f64x2 kernel; what is left (triangles inside a block) is O(n²·block) scalar work.
 */

/** Rows per block: progress is reported, and cancellation checked, between row blocks. */
export const BLOCK = 64;
/** Columns per kernel call, so a block's row segments stay in the L2 cache across its tiles. */
const DEPTH = 256;

/** Σₜ a[x + t]·a[y + t] for t < length (the scalar triangles inside a block). */
function dot(a: Float64Array, x: number, y: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < length; t += 2) {
    s0 += (a[x + t] as number) * (a[y + t] as number);
    s1 += (a[x + t + 1] as number) * (a[y + t + 1] as number);
  }
  if (t < length) s0 += (a[x + t] as number) * (a[y + t] as number);
  return s0 + s1;
}

/** out[2(2r + c)] + out[2(2r + c) + 1] = Σₜ a[rows[r] + t]·a[cols[c] + t] for t < depth (even). */
type Tile = (r0: number, r1: number, r2: number, r3: number, c0: number, c1: number, depth: number) => void;

const tileKernel: KernelSource = {
  name: 'dots4x2',
  params: 'a0:i32 a1:i32 a2:i32 a3:i32 b0:i32 b1:i32 bytes:i32 out:i32',
  locals: `t:i32 x:v128 y0:v128 y1:v128 ${Array.from({ length: 8 }, (_, q) => `c${q}:v128`).join(' ')}`,
  code: `
    ${Array.from({ length: 8 }, (_, q) => `f32.const 0  f32x4.splat  local.set c${q}`).join('\n')}
    block
      local.get bytes  i32.const 16  i32.lt_u  br_if 0
      loop
        local.get b0  local.get t  i32.add  v128.load  local.set y0
        local.get b1  local.get t  i32.add  v128.load  local.set y1
        ${[0, 1, 2, 3]
          .map(
            (r) => `local.get a${r}  local.get t  i32.add  v128.load  local.set x
              local.get c${2 * r}  local.get x  local.get y0  f64x2.mul  f64x2.add  local.set c${2 * r}
              local.get c${2 * r + 1}  local.get x  local.get y1  f64x2.mul  f64x2.add  local.set c${2 * r + 1}`,
          )
          .join('\n')}
        local.get t  i32.const 16  i32.add  local.tee t  local.get bytes  i32.lt_u  br_if 0
      end
    end
    ${Array.from({ length: 8 }, (_, q) => `local.get out  local.get c${q}  v128.store offset=${16 * q}`).join('\n')}`,
};

/** Threads sharing one matrix: each has its own 128 bytes of tile sums before the matrix. */
export const MAX_THREADS = 4;
/** Where the shared claim counter lives: after every thread's tile sums. */
const CLAIMS_OFFSET = 128 * MAX_THREADS;
/** Bytes before the matrix in the wasm memory: every thread's tile sums, then the claim counter. */
const MATRIX_OFFSET = CLAIMS_OFFSET + 128;
/** A WebAssembly memory is at most 4 GiB: the matrix and L's diagonal. */
export const WASM_MAX_ITEMS = Math.floor(Math.sqrt((2 ** 32 - MATRIX_OFFSET) / 8)) - 1;

export interface GramBuffer {
  /** The n × n row-major matrix. */
  a: Float64Array;
  /** L's diagonal, set by the Cholesky pass and read by the inversion. */
  diagonal: Float64Array;
  /** The shared WebAssembly memory holding both, for worker threads; absent on the 'js' engine. */
  memory?: WasmMemory;
  /** claims[0]: the next piece of the current share of work, taken atomically by whichever thread is free. */
  claims: Int32Array;
  tile: Tile;
  /** The tile's sums, pairwise: entry q is sums[2q] + sums[2q + 1]. */
  sums: Float64Array;
}

let compiled: object | undefined;

type Dots4x2 = (
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  bytes: number,
  out: number,
) => void;

/** Thread `part`'s view of a matrix in a shared WebAssembly memory, with its own tile kernel. */
export function attachGram(memory: WasmMemory, n: number, part: number): GramBuffer {
  compiled ??= new wasm.Module(assemble([tileKernel]));
  const { dots4x2 } = new wasm.Instance(compiled, { env: { memory } }).exports as { dots4x2: Dots4x2 };
  const at = (e: number) => MATRIX_OFFSET + 8 * e;
  const out = 128 * part;
  return {
    a: new Float64Array(memory.buffer, MATRIX_OFFSET, n * n),
    diagonal: new Float64Array(memory.buffer, MATRIX_OFFSET + 8 * n * n, n),
    memory,
    claims: new Int32Array(memory.buffer, CLAIMS_OFFSET, 1),
    sums: new Float64Array(memory.buffer, out, 16),
    tile: (r0, r1, r2, r3, c0, c1, depth) =>
      dots4x2(at(r0), at(r1), at(r2), at(r3), at(c0), at(c1), 8 * depth, out),
  };
}

/**
 * A zeroed n × n buffer with its tile kernel: in a shared WebAssembly memory (SIMD kernel, worker
 * threads) when it fits, else on the heap with a scalar kernel.
 */
export function gramBuffer(
  n: number,
  engine: 'wasm' | 'js' = n <= WASM_MAX_ITEMS ? 'wasm' : 'js',
): GramBuffer {
  if (engine === 'wasm') return attachGram(sharedMemory(MATRIX_OFFSET + 8 * n * n + 8 * n), n, 0);
  const a = new Float64Array(n * n);
  const sums = new Float64Array(16);
  const rows = [0, 0, 0, 0];
  return {
    a,
    diagonal: new Float64Array(n),
    claims: new Int32Array(1),
    sums,
    tile: (r0, r1, r2, r3, c0, c1, depth) => {
      rows[0] = r0;
      rows[1] = r1;
      rows[2] = r2;
      rows[3] = r3;
      for (let r = 0; r < 4; r++) {
        sums[4 * r] = dot(a, rows[r] as number, c0, depth);
        sums[4 * r + 1] = 0;
        sums[4 * r + 2] = dot(a, rows[r] as number, c1, depth);
        sums[4 * r + 3] = 0;
      }
    },
  };
}

/**
 * dest[at + i·stride + j] −= Σₜ a[(rowA + i)·n + from + t] · a[(rowB + j)·n + from + t] for i < m, j < cols,
 * t < depth: C −= A·Bᵀ over row segments of the matrix.
 */
function subtractProducts(
  g: GramBuffer,
  n: number,
  dest: Float64Array,
  at: number,
  stride: number,
  rowA: number,
  m: number,
  rowB: number,
  cols: number,
  from: number,
  depth: number,
): void {
  const { a, tile, sums } = g;
  const m4 = m - (m % 4);
  const cols2 = cols - (cols % 2);
  for (let t0 = 0; t0 < depth; t0 += DEPTH) {
    const length = Math.min(DEPTH, depth - t0);
    const even = length - (length % 2);
    const start = from + t0;
    for (let i = 0; i < m4; i += 4) {
      const x = (rowA + i) * n + start;
      for (let j = 0; j < cols2; j += 2) {
        const y = (rowB + j) * n + start;
        tile(x, x + n, x + 2 * n, x + 3 * n, y, y + n, even);
        for (let r = 0; r < 4; r++)
          for (let c = 0; c < 2; c++) {
            const q = 2 * (2 * r + c);
            let s = (sums[q] as number) + (sums[q + 1] as number);
            if (even < length) s += (a[x + r * n + even] as number) * (a[y + c * n + even] as number);
            const d = at + (i + r) * stride + j + c;
            dest[d] = (dest[d] as number) - s;
          }
      }
    }
    // Edges that do not fill a 4 × 2 tile.
    for (let i = 0; i < m; i++)
      for (let j = i < m4 ? cols2 : 0; j < cols; j++) {
        const d = at + i * stride + j;
        dest[d] = (dest[d] as number) - dot(a, (rowA + i) * n + start, (rowB + j) * n + start, length);
      }
  }
}

/**
 * Cholesky G = LLᵀ on the lower triangle (left-looking), row block [f, t): `choleskyPanel` for its rows
 * (in parts, on any threads), then `choleskyDiagonal`. Blocks run in order.
 */
export function choleskyBlock(g: GramBuffer, n: number, f: number, t: number): void {
  choleskyPanel(g, n, f, t, f);
  choleskyDiagonal(g, n, f, t);
}

/** Rows [r0, r1) of L left of column f, every earlier row block being done; rows are independent. */
export function choleskyPanel(g: GramBuffer, n: number, r0: number, r1: number, f: number): void {
  const { a } = g;
  for (let c = 0; c < f; c += BLOCK) {
    const h = Math.min(f, c + BLOCK);
    subtractProducts(g, n, a, r0 * n + c, n, r0, r1 - r0, c, h - c, 0, c);
    for (let i = r0; i < r1; i++)
      for (let j = c; j < h; j++)
        a[i * n + j] =
          ((a[i * n + j] as number) - dot(a, i * n + c, j * n + c, j - c)) / (a[j * n + j] as number);
  }
}

/** The diagonal block [f, t) of L, its panel being done; also records L's diagonal. */
export function choleskyDiagonal(g: GramBuffer, n: number, f: number, t: number): void {
  const { a } = g;
  subtractProducts(g, n, a, f * n + f, n, f, t - f, f, t - f, 0, f);
  for (let i = f; i < t; i++) {
    const ri = i * n;
    for (let j = f; j < i; j++)
      a[ri + j] = ((a[ri + j] as number) - dot(a, ri + f, j * n + f, j - f)) / (a[j * n + j] as number);
    const d = (a[ri + i] as number) - dot(a, ri + f, ri + f, i - f);
    if (!(d > 0))
      throw new Error(`EASE: the item Gram matrix is not positive definite at item ${i}; raise lambda`);
    a[ri + i] = Math.sqrt(d);
    g.diagonal[i] = a[ri + i] as number;
  }
}

/**
 * Rows [f, t) of V = L⁻ᵀ (columns of L⁻¹) into the upper triangle: V[i][i] = 1/L[i][i] and
 * V[i][k] = −(Σₘ₌ᵢ..ₖ₋₁ L[k][m]·V[i][m]) / L[k][k]. Any block order, on any threads.
 */
export function invertBlock(g: GramBuffer, n: number, f: number, t: number): void {
  const { a, diagonal } = g;
  for (let i = f; i < t; i++) {
    const ri = i * n;
    a[ri + i] = 1 / (diagonal[i] as number);
    for (let k = i + 1; k < t; k++) a[ri + k] = -dot(a, k * n + i, ri + i, k - i) / (diagonal[k] as number);
  }
  for (let c = t; c < n; c += BLOCK) {
    const h = Math.min(n, c + BLOCK);
    for (let i = f; i < t; i++) a.fill(0, i * n + c, i * n + h);
    // −Σ over m in [t, c), for every row of the block at once.
    subtractProducts(g, n, a, f * n + c, n, f, t - f, c, h - c, t, c - t);
    for (let i = f; i < t; i++) {
      const ri = i * n;
      for (let k = c; k < h; k++) {
        const rk = k * n;
        const s = (a[ri + k] as number) - dot(a, rk + i, ri + i, t - i) - dot(a, rk + c, ri + c, k - c);
        a[ri + k] = s / (diagonal[k] as number);
      }
    }
  }
}

/** Rows [f, t) of P = VVᵀ into the lower triangle: P[j][i] = Σₘ V[i][m]·V[j][m] for m ≥ j ≥ i; any block order, on any threads. */
export function inverseBlock(g: GramBuffer, n: number, f: number, t: number): void {
  const { a } = g;
  for (let c = 0; c < f; c += BLOCK) {
    const h = Math.min(f, c + BLOCK);
    for (let j = f; j < t; j++) a.fill(0, j * n + c, j * n + h);
    subtractProducts(g, n, a, f * n + c, n, f, t - f, c, h - c, t, n - t);
    for (let j = f; j < t; j++)
      for (let i = c; i < h; i++)
        a[j * n + i] = dot(a, j * n + j, i * n + j, t - j) - (a[j * n + i] as number);
  }
  // The diagonal block goes through a scratch block: its entries read V[j][j], which P[j][j] overwrites.
  const size = t - f;
  const block = new Float64Array(size * size);
  subtractProducts(g, n, block, 0, size, f, size, f, size, t, n - t);
  for (let j = f; j < t; j++)
    for (let i = f; i <= j; i++)
      block[(j - f) * size + i - f] =
        dot(a, j * n + j, i * n + j, t - j) - (block[(j - f) * size + i - f] as number);
  for (let j = f; j < t; j++)
    for (let i = f; i <= j; i++) a[j * n + i] = block[(j - f) * size + i - f] as number;
}

/**
 * A share of work that every thread takes pieces of until none is left (`claims` counts them out):
 * the panel rows [f, t) of one Cholesky row block, `rows` at a time, or the row blocks [from, to) of V
 * or P. Whichever thread is free takes the next piece, so a thread slowed by other jobs holds up no one.
 */
export type EaseShare =
  | { pass: 'cholesky'; f: number; t: number; rows: number }
  | { pass: 'invert' | 'inverse'; from: number; to: number };

/** Takes pieces of `share` until none is left. */
export function workShare(g: GramBuffer, n: number, share: EaseShare): void {
  for (;;) {
    const piece = Atomics.add(g.claims, 0, 1);
    if (share.pass === 'cholesky') {
      const r0 = share.f + piece * share.rows;
      if (r0 >= share.t) return;
      choleskyPanel(g, n, r0, Math.min(share.t, r0 + share.rows), share.f);
    } else {
      const f = share.from + piece * BLOCK;
      if (f >= share.to) return;
      if (share.pass === 'invert') invertBlock(g, n, f, Math.min(n, f + BLOCK));
      else inverseBlock(g, n, f, Math.min(n, f + BLOCK));
    }
  }
}
