import { assemble, sharedMemory, wasm, type KernelSource } from './wasm-asm';

/**
 * The WebAssembly SIMD (f32x4) halves of one LearnBPR step. Pointers are byte offsets of a member's and
 * two titles' vectors; `bytes` is the padded vector length (a multiple of 16 bytes, the padding zero).
 */
export interface BprKernels {
  /** p_u · (q_i − q_j) */
  difference(p: number, qi: number, qj: number, bytes: number): number;
  /** p += η(z(q_i − q_j) − λp), q_i += η(z·p − λq_i), q_j −= η(z·p + λq_j), all with the old p. */
  update(p: number, qi: number, qj: number, bytes: number, z: number, lr: number, reg: number): void;
}

const KERNELS: KernelSource[] = [
  {
    name: 'difference',
    params: 'p:i32 qi:i32 qj:i32 bytes:i32',
    result: 'f32',
    locals: 't:i32 s0:v128 s1:v128',
    code: `
      f32.const 0  f32x4.splat  local.tee s0  local.set s1
      block
        local.get bytes  i32.const 16  i32.lt_u  br_if 0
        loop
          local.get s0
          local.get p  local.get t  i32.add  v128.load
          local.get qi  local.get t  i32.add  v128.load
          local.get qj  local.get t  i32.add  v128.load  f32x4.sub  f32x4.mul  f32x4.add  local.set s0
          local.get t  i32.const 16  i32.add  local.tee t  local.get bytes  i32.lt_u  br_if 0
        end
      end
      local.get s0  f32x4.extract_lane 0  local.get s0  f32x4.extract_lane 1  f32.add
      local.get s0  f32x4.extract_lane 2  f32.add  local.get s0  f32x4.extract_lane 3  f32.add`,
  },
  {
    name: 'update',
    params: 'p:i32 qi:i32 qj:i32 bytes:i32 z:f32 lr:f32 reg:f32',
    locals: 't:i32 vz:v128 vlr:v128 vreg:v128 pf:v128 a:v128 c:v128',
    code: `
      local.get z  f32x4.splat  local.set vz
      local.get lr  f32x4.splat  local.set vlr
      local.get reg  f32x4.splat  local.set vreg
      block
        local.get bytes  i32.const 16  i32.lt_u  br_if 0
        loop
          local.get p  local.get t  i32.add  v128.load  local.set pf
          local.get qi  local.get t  i32.add  v128.load  local.set a
          local.get qj  local.get t  i32.add  v128.load  local.set c
          ;; p += lr · (z · (a − c) − reg · p)
          local.get p  local.get t  i32.add
          local.get pf
          local.get vlr  local.get vz  local.get a  local.get c  f32x4.sub  f32x4.mul
          local.get vreg  local.get pf  f32x4.mul  f32x4.sub  f32x4.mul  f32x4.add
          v128.store
          ;; q_i += lr · (z · p − reg · q_i)
          local.get qi  local.get t  i32.add
          local.get a
          local.get vlr  local.get vz  local.get pf  f32x4.mul  local.get vreg  local.get a  f32x4.mul  f32x4.sub  f32x4.mul
          f32x4.add
          v128.store
          ;; q_j −= lr · (z · p + reg · q_j)
          local.get qj  local.get t  i32.add
          local.get c
          local.get vlr  local.get vz  local.get pf  f32x4.mul  local.get vreg  local.get c  f32x4.mul  f32x4.add  f32x4.mul
          f32x4.sub
          v128.store
          local.get t  i32.const 16  i32.add  local.tee t  local.get bytes  i32.lt_u  br_if 0
        end
      end`,
  },
];

let compiled: object | undefined;

export interface BprMemory {
  kernels: BprKernels;
  /** numUsers × stride, then numItems × stride, float32. */
  vectors: Float32Array;
  /** Floats per vector: factors rounded up to a multiple of 4. */
  stride: number;
}

/** Member and title vectors in one WebAssembly memory, with the kernels bound to it. */
export function bprMemory(numUsers: number, numItems: number, factors: number): BprMemory {
  const stride = Math.ceil(factors / 4) * 4;
  const floats = (numUsers + numItems) * stride;
  const memory = sharedMemory(4 * floats);
  compiled ??= new wasm.Module(assemble(KERNELS));
  const kernels = new wasm.Instance(compiled, { env: { memory } }).exports as unknown as BprKernels;
  return { kernels, vectors: new Float32Array(memory.buffer, 0, floats), stride };
}
