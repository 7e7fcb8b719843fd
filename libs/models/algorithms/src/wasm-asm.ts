/**
 * A tiny WebAssembly assembler, so the SIMD kernels need no toolchain or npm dependency. Kernels are
 * written in the flat (non-folded) instruction syntax of the WebAssembly text format, one module
 * imports one shared memory, and only the instructions the kernels use are known (see
 * https://webassembly.github.io/spec/core/binary/ for the encodings).
 */
export type ValueType = 'i32' | 'f32' | 'v128';

export interface KernelSource {
  name: string;
  /** "name:type …", e.g. "g:i32 scale:f32". */
  params: string;
  locals?: string;
  result?: ValueType;
  /** Instructions, e.g. "local.get g  v128.load offset=16"; ";;" starts a comment. */
  code: string;
}

type Code = number[];

const TYPE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];

/** Instructions without immediates. */
const PLAIN: Record<string, Code> = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  select: [0x1b],
  'i32.lt_u': [0x49],
  'i32.gt_u': [0x4b],
  'i32.ge_u': [0x4f],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.and': [0x71],
  'i32.shl': [0x74],
  'f32.gt': [0x5e],
  'f32.abs': [0x8b],
  'f32.add': [0x92],
  'f32.mul': [0x94],
  'f32x4.splat': simd(0x13),
  'f32x4.gt': simd(0x44),
  'v128.any_true': simd(0x53),
  'f32x4.add': simd(0xe4),
  'f32x4.sub': simd(0xe5),
  'f32x4.mul': simd(0xe6),
  'f64x2.add': simd(0xf0),
  'f64x2.mul': simd(0xf2),
};

/** Memory instructions: opcode and natural alignment (log2 bytes); an optional "offset=N" follows. */
const MEMORY: Record<string, [Code, number]> = {
  'i32.load': [[0x28], 2],
  'f32.load': [[0x2a], 2],
  'v128.load': [simd(0x00), 4],
  'v128.load32_splat': [simd(0x09), 2],
  'v128.store': [simd(0x0b), 4],
};

function declarations(text: string | undefined, kernel: string): Array<[string, ValueType]> {
  return (text ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((d) => {
      const [name, type] = d.split(':');
      if (!name || !(type === 'i32' || type === 'f32' || type === 'v128'))
        throw new Error(`kernel ${kernel}: bad declaration '${d}' (want name:i32|f32|v128)`);
      return [name, type];
    });
}

/** Encodes one kernel's body (locals and instructions). */
function encodeBody(k: KernelSource): Code {
  const locals = declarations(k.locals, k.name);
  const index = new Map<string, number>();
  for (const [name] of [...declarations(k.params, k.name), ...locals]) {
    if (index.has(name)) throw new Error(`kernel ${k.name}: '${name}' is declared twice`);
    index.set(name, index.size);
  }
  const tokens = k.code.replace(/;;.*$/gm, '').split(/\s+/).filter(Boolean);
  const code: Code = [];
  const operand = (t: number, what: string): string => {
    const token = tokens[t];
    if (token === undefined) throw new Error(`kernel ${k.name}: ${tokens[t - 1]} needs ${what}`);
    return token;
  };
  for (let t = 0; t < tokens.length; t++) {
    const name = tokens[t] as string;
    const plain = PLAIN[name];
    const memory = MEMORY[name];
    if (plain) code.push(...plain);
    else if (memory) {
      const offset = /^offset=(\d+)$/.exec(tokens[t + 1] ?? '');
      if (offset) t++;
      code.push(...memory[0], memory[1], ...uleb(Number(offset?.[1] ?? 0)));
    } else if (name === 'local.get' || name === 'local.set' || name === 'local.tee') {
      const local = index.get(operand(++t, 'a local'));
      if (local === undefined) throw new Error(`kernel ${k.name}: unknown local '${tokens[t]}'`);
      code.push({ 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 }[name], ...uleb(local));
    } else if (name === 'i32.const') code.push(0x41, ...sleb(Number(operand(++t, 'a number'))));
    else if (name === 'f32.const')
      code.push(0x43, ...new Uint8Array(new Float32Array([Number(operand(++t, 'a number'))]).buffer));
    else if (name === 'br' || name === 'br_if')
      code.push(name === 'br' ? 0x0c : 0x0d, ...uleb(Number(operand(++t, 'a depth'))));
    else if (name === 'f32x4.extract_lane') code.push(...simd(0x1f), Number(operand(++t, 'a lane')));
    else throw new Error(`kernel ${k.name}: unknown instruction '${name}'`);
  }
  const body = [...vec(locals.map(([, type]) => [1, TYPE[type]])), ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

function vec(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: Code): Code {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): Code {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** A module importing `env.memory` (shared, up to 4 GiB) and exporting each kernel by name. */
export function assemble(kernels: KernelSource[]): Uint8Array {
  const types = kernels.map((k) => [
    0x60,
    ...vec(declarations(k.params, k.name).map(([, type]) => [TYPE[type]])),
    ...vec(k.result ? [[TYPE[k.result]]] : []),
  ]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(kernels.map((_, i) => uleb(i)))),
    ...section(7, vec(kernels.map((k, i) => [...name(k.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(kernels.map(encodeBody))),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A shared memory of at least `bytes`. */
export function sharedMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > 65536) throw new Error(`${bytes} bytes exceed the 4 GiB of a WebAssembly memory`);
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}
