import { assemble, wasm, type KernelSource, type WasmMemory, type WasmModule } from './wasm-asm';

/**
 * The WebAssembly SIMD (f32x4) kernels behind ALS training and batch scoring. Pointers are byte
 * offsets into one shared memory; `n` is the padded factor stride, a multiple of 16 floats
 * (`paddedFactors`), so vector loops move whole 64-byte groups of four v128 lanes.
 */
export interface AlsKernels {
  /** out = scale · G v, with G an n×n symmetric row-major matrix. */
  symv(g: number, v: number, out: number, n: number, scale: number): void;
  /**
   * For each stored entry q in [first, last) of a CSR row: with d = y_i·v, w = alpha·|value| and
   * cp = value > 0 ? 1 + w : 0 (confidence × preference), out += (cpScale·cp + wdScale·w·d) y_i.
   */
  rowPass(
    y: number,
    indices: number,
    values: number,
    first: number,
    last: number,
    n: number,
    v: number,
    out: number,
    alpha: number,
    cpScale: number,
    wdScale: number,
  ): void;
  dot(a: number, b: number, n: number): number;
  /** x += a·p, r −= a·ap; returns r·r. */
  cgUpdate(x: number, r: number, p: number, ap: number, a: number, n: number): number;
  /** p = r + beta·p */
  cgDirection(p: number, r: number, beta: number, n: number): void;
  /** g += Σ_{rows [start, end)} y_row y_rowᵀ (n×n), only on and above the diagonal (in 16-column blocks). */
  gramAdd(y: number, start: number, end: number, n: number, g: number): void;
  /** 4 member rows (stride n) × `count` title panels (n × 8 each) into 4 rows of out, `rowBytes` apart. */
  score4x8(users: number, panels: number, count: number, out: number, n: number, rowBytes: number): void;
  /** The first j in [start, end) with scores[j] > threshold (NaN never is), or end. */
  nextAbove(scores: number, start: number, end: number, threshold: number): number;
}

export const paddedFactors = (factors: number): number => Math.ceil(factors / 16) * 16;

// Text macros shared by the kernels.
const lanes = (each: (k: number) => string, count = 4) =>
  Array.from({ length: count }, (_, k) => each(k)).join('\n');
const zero = (...locals: string[]) =>
  locals.map((l) => `f32.const 0  f32x4.splat  local.set ${l}`).join('\n');
/** acc += a · b, where a and b are instruction sequences leaving a v128. */
const fma = (acc: string, a: string, b: string) =>
  `local.get ${acc}  ${a}  ${b}  f32x4.mul  f32x4.add  local.set ${acc}`;
/** local += step; loop again while local < limit, and close the loop. */
const next = (local: string, step: number, limit: string) =>
  `local.get ${local}  i32.const ${step}  i32.add  local.tee ${local}  local.get ${limit}  i32.lt_u  br_if 0  end`;
const bytes = (n: string, into: string) => `local.get ${n}  i32.const 2  i32.shl  local.set ${into}`;
const hsum = (v: string) =>
  `local.get ${v}  f32x4.extract_lane 0  local.get ${v}  f32x4.extract_lane 1  f32.add
   local.get ${v}  f32x4.extract_lane 2  f32.add  local.get ${v}  f32x4.extract_lane 3  f32.add`;
const ACC = 'a0:v128 a1:v128 a2:v128 a3:v128 a4:v128 a5:v128 a6:v128 a7:v128';

const KERNELS: KernelSource[] = [
  {
    name: 'symv',
    params: 'g:i32 v:i32 out:i32 n:i32 scale:f32',
    locals: `rb:i32 c:i32 b:i32 gp:i32 s0:v128 s1:v128 ${ACC}`,
    // out[c .. c+16) = Σ_b v[b] · G[b, c .. c+16) (G is symmetric), two rows b per step.
    code: `
      ${bytes('n', 'rb')}
      i32.const 0  local.set c
      loop
        ${zero('a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7')}
        i32.const 0  local.set b
        local.get g  local.get c  i32.add  local.set gp
        loop
          local.get v  local.get b  i32.add  v128.load32_splat  local.set s0
          local.get v  local.get b  i32.add  v128.load32_splat offset=4  local.set s1
          ${lanes((k) => fma(`a${k}`, 'local.get s0', `local.get gp  v128.load offset=${16 * k}`))}
          local.get gp  local.get rb  i32.add  local.set gp
          ${lanes((k) => fma(`a${k + 4}`, 'local.get s1', `local.get gp  v128.load offset=${16 * k}`))}
          local.get gp  local.get rb  i32.add  local.set gp
        ${next('b', 8, 'rb')}
        ${lanes(
          (k) => `local.get out  local.get c  i32.add
            local.get a${k}  local.get a${k + 4}  f32x4.add  local.get scale  f32x4.splat  f32x4.mul
            v128.store offset=${16 * k}`,
        )}
      ${next('c', 64, 'rb')}`,
  },
  {
    name: 'rowPass',
    params:
      'y:i32 indices:i32 values:i32 first:i32 last:i32 n:i32 v:i32 out:i32 alpha:f32 cpScale:f32 wdScale:f32',
    locals: `rb:i32 q:i32 end:i32 yo:i32 j:i32 value:f32 w:f32 coef:v128 ${ACC}`,
    code: `
      ${bytes('n', 'rb')}  ${bytes('first', 'q')}  ${bytes('last', 'end')}
      block  loop
        local.get q  local.get end  i32.ge_u  br_if 1
        ;; yo = y + indices[q] · rb
        local.get indices  local.get q  i32.add  i32.load  local.get rb  i32.mul  local.get y  i32.add  local.set yo
        ;; d = y_i · v, in four accumulators
        ${zero('a0', 'a1', 'a2', 'a3')}
        i32.const 0  local.set j
        loop
          ${lanes((k) =>
            fma(
              `a${k}`,
              `local.get yo  local.get j  i32.add  v128.load offset=${16 * k}`,
              `local.get v  local.get j  i32.add  v128.load offset=${16 * k}`,
            ),
          )}
        ${next('j', 64, 'rb')}
        local.get a0  local.get a1  f32x4.add  local.get a2  local.get a3  f32x4.add  f32x4.add  local.set a0
        ;; coef = cpScale · (value > 0 ? 1 + w : 0) + wdScale · w · d, with w = alpha·|value|
        local.get values  local.get q  i32.add  f32.load  local.tee value  f32.abs  local.get alpha  f32.mul  local.set w
        local.get w  f32.const 1  f32.add  f32.const 0  local.get value  f32.const 0  f32.gt  select
        local.get cpScale  f32.mul
        ${hsum('a0')}  local.get w  f32.mul  local.get wdScale  f32.mul  f32.add
        f32x4.splat  local.set coef
        ;; out += coef · y_i
        i32.const 0  local.set j
        loop
          ${lanes(
            (k) => `local.get out  local.get j  i32.add
              local.get out  local.get j  i32.add  v128.load offset=${16 * k}
              local.get coef  local.get yo  local.get j  i32.add  v128.load offset=${16 * k}  f32x4.mul  f32x4.add
              v128.store offset=${16 * k}`,
          )}
        ${next('j', 64, 'rb')}
        local.get q  i32.const 4  i32.add  local.set q
        br 0
      end  end`,
  },
  {
    name: 'dot',
    params: 'a:i32 b:i32 n:i32',
    locals: `rb:i32 j:i32 ${ACC}`,
    result: 'f32',
    code: `
      ${bytes('n', 'rb')}
      ${zero('a0', 'a1', 'a2', 'a3')}
      i32.const 0  local.set j
      loop
        ${lanes((k) =>
          fma(
            `a${k}`,
            `local.get a  local.get j  i32.add  v128.load offset=${16 * k}`,
            `local.get b  local.get j  i32.add  v128.load offset=${16 * k}`,
          ),
        )}
      ${next('j', 64, 'rb')}
      local.get a0  local.get a1  f32x4.add  local.get a2  local.get a3  f32x4.add  f32x4.add  local.set a0
      ${hsum('a0')}`,
  },
  {
    name: 'cgUpdate',
    params: 'x:i32 r:i32 p:i32 ap:i32 a:f32 n:i32',
    locals: 'rb:i32 j:i32 s:v128 rj:v128 acc:v128',
    result: 'f32',
    code: `
      ${bytes('n', 'rb')}
      local.get a  f32x4.splat  local.set s
      ${zero('acc')}
      i32.const 0  local.set j
      loop
        local.get x  local.get j  i32.add
        local.get x  local.get j  i32.add  v128.load  local.get s  local.get p  local.get j  i32.add  v128.load  f32x4.mul  f32x4.add
        v128.store
        local.get r  local.get j  i32.add
        local.get r  local.get j  i32.add  v128.load  local.get s  local.get ap  local.get j  i32.add  v128.load  f32x4.mul  f32x4.sub
        local.tee rj  v128.store
        ${fma('acc', 'local.get rj', 'local.get rj')}
      ${next('j', 16, 'rb')}
      ${hsum('acc')}`,
  },
  {
    name: 'cgDirection',
    params: 'p:i32 r:i32 beta:f32 n:i32',
    locals: 'rb:i32 j:i32 s:v128',
    code: `
      ${bytes('n', 'rb')}
      local.get beta  f32x4.splat  local.set s
      i32.const 0  local.set j
      loop
        local.get p  local.get j  i32.add
        local.get r  local.get j  i32.add  v128.load  local.get s  local.get p  local.get j  i32.add  v128.load  f32x4.mul  f32x4.add
        v128.store
      ${next('j', 16, 'rb')}`,
  },
  {
    name: 'gramAdd',
    params: 'y:i32 start:i32 end:i32 n:i32 g:i32',
    locals: 'rb:i32 yo:i32 yend:i32 a:i32 gp:i32 j:i32 s:v128',
    // One rank-1 update per row, upper triangle in blocks of 16 columns: G[a, b ≥ a] += y[a] · y[b].
    code: `
      ${bytes('n', 'rb')}
      local.get start  local.get rb  i32.mul  local.get y  i32.add  local.set yo
      local.get end  local.get rb  i32.mul  local.get y  i32.add  local.set yend
      block  loop
        local.get yo  local.get yend  i32.ge_u  br_if 1
        i32.const 0  local.set a
        local.get g  local.set gp
        loop
          local.get yo  local.get a  i32.add  v128.load32_splat  local.set s
          local.get a  i32.const -64  i32.and  local.set j ;; from the diagonal's 16-column block
          loop
            ${lanes(
              (k) => `local.get gp  local.get j  i32.add
                local.get gp  local.get j  i32.add  v128.load offset=${16 * k}
                local.get s  local.get yo  local.get j  i32.add  v128.load offset=${16 * k}  f32x4.mul  f32x4.add
                v128.store offset=${16 * k}`,
            )}
          ${next('j', 64, 'rb')}
          local.get gp  local.get rb  i32.add  local.set gp
        ${next('a', 4, 'rb')}
        local.get yo  local.get rb  i32.add  local.set yo
        br 0
      end  end`,
  },
  {
    name: 'score4x8',
    params: 'users:i32 panels:i32 count:i32 out:i32 n:i32 rowBytes:i32',
    locals: `rb:i32 u1:i32 u2:i32 u3:i32 q:i32 b0:v128 b1:v128 s:v128 ${ACC}`,
    // Per panel of 8 titles: 8 accumulators = 4 member rows × 8 titles, over every factor q.
    code: `
      ${bytes('n', 'rb')}
      local.get users  local.get rb  i32.add  local.tee u1  local.get rb  i32.add  local.tee u2
      local.get rb  i32.add  local.set u3
      loop
        ${zero('a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7')}
        i32.const 0  local.set q
        loop
          local.get panels  v128.load  local.set b0
          local.get panels  v128.load offset=16  local.set b1
          ${['users', 'u1', 'u2', 'u3']
            .map(
              (row, r) => `local.get ${row}  local.get q  i32.add  v128.load32_splat  local.set s
                ${fma(`a${2 * r}`, 'local.get s', 'local.get b0')}
                ${fma(`a${2 * r + 1}`, 'local.get s', 'local.get b1')}`,
            )
            .join('\n')}
          local.get panels  i32.const 32  i32.add  local.set panels
        ${next('q', 4, 'rb')}
        ${lanes(
          (r) => `local.get out  ${'local.get rowBytes  i32.add  '.repeat(r)}local.get a${2 * r}  v128.store
            local.get out  ${'local.get rowBytes  i32.add  '.repeat(r)}local.get a${2 * r + 1}  v128.store offset=16`,
        )}
        local.get out  i32.const 32  i32.add  local.set out
        local.get count  i32.const 1  i32.sub  local.tee count
        br_if 0
      end`,
  },
  {
    name: 'nextAbove',
    params: 'scores:i32 start:i32 end:i32 threshold:f32',
    locals: 't:v128',
    result: 'i32',
    // Four lanes per test; the block holding a candidate (or the tail) is then searched one by one.
    code: `
      local.get threshold  f32x4.splat  local.set t
      block  loop
        local.get start  i32.const 4  i32.add  local.get end  i32.gt_u  br_if 1
        local.get scores  local.get start  i32.const 2  i32.shl  i32.add  v128.load
        local.get t  f32x4.gt  v128.any_true  br_if 1
        local.get start  i32.const 4  i32.add  local.set start
        br 0
      end  end
      block  loop
        local.get start  local.get end  i32.ge_u  br_if 1
        local.get scores  local.get start  i32.const 2  i32.shl  i32.add  f32.load
        local.get threshold  f32.gt  br_if 1
        local.get start  i32.const 1  i32.add  local.set start
        br 0
      end  end
      local.get start`,
  },
];

let compiled: WasmModule | undefined;

/** The kernels module, compiled once per thread (a few kilobytes). */
export function kernelsModule(): WasmModule {
  compiled ??= new wasm.Module(assemble(KERNELS));
  return compiled;
}

/** Kernels bound to `memory` (shared, so worker threads can bind the same one). */
export function instantiateKernels(memory: WasmMemory): AlsKernels {
  const instance = new wasm.Instance(kernelsModule(), { env: { memory } });
  return instance.exports as unknown as AlsKernels;
}
