import { instantiateKernels, type AlsKernels } from './als-kernels';
import type { WasmMemory } from './wasm-asm';

/**
 * Everything one ALS training shares between threads, in one shared WebAssembly memory: both CSR
 * views of the interactions, both factor matrices (rows padded to `n` floats), the Gram matrix of
 * the fixed side, and per-part partial results and scratch. A phase is one message per thread.
 */
export interface AlsState {
  memory: WasmMemory;
  /** Byte offsets into `memory`. */
  layout: AlsLayout;
  factors: number;
  /** Padded factor stride (a multiple of 16). */
  n: number;
  alpha: number;
  cgSteps: number;
  numUsers: number;
  numItems: number;
  nnz: number;
  parts: number;
}

export interface AlsLayout {
  userIndptr: number;
  userIndices: number;
  userValues: number;
  itemIndptr: number;
  itemIndices: number;
  itemValues: number;
  userFactors: number;
  itemFactors: number;
  gram: number;
  partials: number;
  losses: number;
  cursor: number;
  scratch: number;
  bytes: number;
}

export type AlsSide = 'users' | 'items';

/** One unit of work: a part's rows of a Gram matrix or of the loss, or a share of a solve. */
export type AlsPhase = { op: 'gram'; of: AlsSide } | { op: 'solve'; side: AlsSide } | { op: 'loss' };

/** Rows claimed at a time in a solve: small enough to balance long-tail titles across threads. */
const SOLVE_CHUNK = 64;

export function alsLayout(s: Omit<AlsState, 'memory' | 'layout'>): AlsLayout {
  let at = 0;
  const take = (bytes: number) => {
    const start = at;
    at += Math.ceil(bytes / 64) * 64;
    return start;
  };
  const { n, nnz, numUsers, numItems, parts } = s;
  const layout = {
    userIndptr: take(4 * (numUsers + 1)),
    userIndices: take(4 * nnz),
    userValues: take(4 * nnz),
    itemIndptr: take(4 * (numItems + 1)),
    itemIndices: take(4 * nnz),
    itemValues: take(4 * nnz),
    userFactors: take(4 * numUsers * n),
    itemFactors: take(4 * numItems * n),
    gram: take(4 * n * n),
    partials: take(4 * parts * n * n),
    losses: take(8 * parts * 2),
    cursor: take(4),
    scratch: take(4 * parts * 3 * n),
  };
  return { ...layout, bytes: at };
}

interface SideView {
  indptr: Int32Array;
  indices: number;
  values: number;
  valueArray: Float32Array;
  x: number;
  y: number;
  rows: number;
}

/**
 * One thread's view of the state: solves rows as implicit's `least_squares_cg` does, calling the
 * SIMD kernels for every vector operation. For a row u with history I_u and c = 1 + alpha·|r|,
 * p = [r > 0], x_u solves (YᵀY + λI + Σ_{i∈I_u} (c − 1) y_i y_iᵀ) x_u = Σ_{i∈I_u} c·p·y_i
 * (Hu, Koren & Volinsky 2008, eq. 4), approximately, by a few CG steps from the previous x_u.
 */
export class AlsRunner {
  private readonly k: AlsKernels;
  private readonly f32: Float32Array;
  private readonly cursor: Int32Array;
  private readonly sides: Record<AlsSide, SideView>;
  private readonly r: number;
  private readonly p: number;
  private readonly ap: number;

  constructor(
    private readonly s: AlsState,
    private readonly part: number,
  ) {
    const { memory, layout: l, n } = s;
    this.k = instantiateKernels(memory);
    this.f32 = new Float32Array(memory.buffer);
    this.cursor = new Int32Array(memory.buffer, l.cursor, 1);
    const view = (indptr: number, indices: number, values: number, rows: number, x: number, y: number) => ({
      indptr: new Int32Array(memory.buffer, indptr, rows + 1),
      indices,
      values,
      valueArray: new Float32Array(memory.buffer, values, s.nnz),
      x,
      y,
      rows,
    });
    this.sides = {
      users: view(l.userIndptr, l.userIndices, l.userValues, s.numUsers, l.userFactors, l.itemFactors),
      items: view(l.itemIndptr, l.itemIndices, l.itemValues, s.numItems, l.itemFactors, l.userFactors),
    };
    this.r = l.scratch + part * 12 * n;
    this.p = this.r + 4 * n;
    this.ap = this.p + 4 * n;
  }

  run(phase: AlsPhase): void {
    const { n, layout, parts } = this.s;
    if (phase.op === 'gram') {
      const side = this.sides[phase.of];
      const out = layout.partials + this.part * 4 * n * n;
      this.f32.fill(0, out / 4, out / 4 + n * n);
      const [start, end] = share(side.rows, this.part, parts);
      if (end > start) this.k.gramAdd(side.x, start, end, n, out);
    } else if (phase.op === 'solve') {
      const side = this.sides[phase.side];
      for (;;) {
        const start = Atomics.add(this.cursor, 0, SOLVE_CHUNK);
        if (start >= side.rows) break;
        const end = Math.min(side.rows, start + SOLVE_CHUNK);
        for (let u = start; u < end; u++) this.solveRow(side, u);
      }
    } else {
      const [start, end] = share(this.s.numUsers, this.part, parts);
      const out = new Float64Array(this.s.memory.buffer, layout.losses + this.part * 16, 2);
      this.lossRows(start, end, out);
    }
  }

  /** A few CG steps on A x = b from the row's previous x (Takács et al. 2011, Algorithm 2). */
  private solveRow(side: SideView, u: number): void {
    const { k, r, p, ap } = this;
    const { n, alpha, cgSteps } = this.s;
    const gram = this.s.layout.gram;
    const first = side.indptr[u] as number;
    const last = side.indptr[u + 1] as number;
    const x = side.x + u * 4 * n;
    if (first === last) {
      this.f32.fill(0, x / 4, x / 4 + n);
      return;
    }
    // r = b − A x = −(YᵀY + λI) x + Σ (c·p − (c − 1) y·x) y
    k.symv(gram, x, r, n, -1);
    k.rowPass(side.y, side.indices, side.values, first, last, n, x, r, alpha, 1, -1);
    this.f32.copyWithin(p / 4, r / 4, r / 4 + n);
    let rsOld = k.dot(r, r, n);
    if (rsOld < 1e-20) return;
    for (let step = 0; step < cgSteps; step++) {
      // ap = A p = (YᵀY + λI) p + Σ (c − 1)(y·p) y
      k.symv(gram, p, ap, n, 1);
      k.rowPass(side.y, side.indices, side.values, first, last, n, p, ap, alpha, 0, 1);
      const rsNew = k.cgUpdate(x, r, p, ap, rsOld / k.dot(p, ap, n), n);
      if (rsNew < 1e-20) break;
      k.cgDirection(p, r, rsNew / rsOld, n);
      rsOld = rsNew;
    }
  }

  /** implicit's `calculate_loss` over member rows: Σ c (p − x·y)² + λ‖x‖², and Σ c over entries. */
  private lossRows(start: number, end: number, out: Float64Array): void {
    const { k, r } = this;
    const { n, alpha } = this.s;
    const side = this.sides.users;
    const gram = this.s.layout.gram;
    let loss = 0;
    let confidence = 0;
    for (let u = start; u < end; u++) {
      const first = side.indptr[u] as number;
      const last = side.indptr[u + 1] as number;
      const x = side.x + u * 4 * n;
      // (A x − 2 b)·x + Σ c·p, with A and b as in solveRow
      k.symv(gram, x, r, n, 1);
      k.rowPass(side.y, side.indices, side.values, first, last, n, x, r, alpha, -2, 1);
      loss += k.dot(r, x, n);
      for (let q = first; q < last; q++) {
        const v = side.valueArray[q] as number;
        const w = alpha * Math.abs(v);
        if (v > 0) loss += 1 + w;
        confidence += 1 + w;
      }
    }
    out[0] = loss;
    out[1] = confidence;
  }
}

function share(rows: number, part: number, parts: number): [number, number] {
  return [Math.floor((rows * part) / parts), Math.floor((rows * (part + 1)) / parts)];
}
