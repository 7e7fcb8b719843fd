import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alsInitialFactors, type InteractionMatrix } from '@marquee/algorithms';

/** The Python baselines, pinned so every run compares against the same code. */
export const BASELINE_REQUIREMENTS = [
  'implicit==0.7.2',
  'numpy==1.26.4',
  'scipy==1.11.4',
  'cornac==2.2.2',
] as const;

/**
 * Some machines pin OpenBLAS to an older kernel (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) because old
 * builds misbehave on their processors; the pinned numpy's OpenBLAS does not, so the baselines run
 * with the kernel OpenBLAS picks for the processor.
 */
export const OPENBLAS_OWN_KERNEL = { OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined };

export type Log = (line: string) => void;

/** Runs a process; its stdout is returned, its stderr streams to ours (progress, pip output). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with code ${code}; its output is above`));
    });
  });
}

/**
 * The benchmark venv at <cacheDir>/bench-venv, created (python3 -m venv, pip install of the pinned
 * baselines) on first use and reused while its requirements match. Returns its python.
 */
export function ensureBaselineVenv(cacheDir: string, log: Log): Promise<string> {
  return ensurePythonVenv({
    dir: path.join(cacheDir, 'bench-venv'),
    requirements: BASELINE_REQUIREMENTS,
    purpose: 'bench: the Python baselines',
    log,
  });
}

export interface PythonVenv {
  /** Where the venv lives (under the cache dir). */
  dir: string;
  /** Pinned pip requirements, `name==version`. */
  requirements: readonly string[];
  /** What it is for, in log lines and errors, e.g. `bench: the Python baselines`. */
  purpose: string;
  log: Log;
}

/**
 * A venv with exactly `requirements`, created (python3 -m venv, pip install) on first use and reused
 * while its requirements match. Returns its python. Python 3 with venv and pip is a prerequisite;
 * without it the error says so.
 */
export async function ensurePythonVenv({ dir, requirements, purpose, log }: PythonVenv): Promise<string> {
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, 'marquee-requirements.txt');
  const wanted = requirements.join('\n') + '\n';
  if (fs.existsSync(python) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted)
    return python;
  log(`${purpose}: creating ${dir} with ${requirements.join(' ')} (first run only)`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const systemPython = process.env['PYTHON'] ?? 'python3';
  try {
    await run(systemPython, ['-m', 'venv', '--clear', dir]);
    await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...requirements]);
  } catch (error) {
    throw new Error(
      `${purpose}: could not set up the Python venv (${(error as Error).message}). ` +
        'It needs Python 3 with venv and pip, and access to PyPI; set PYTHON to choose the interpreter.',
    );
  }
  fs.writeFileSync(marker, wanted);
  return python;
}

/** A scratch directory for arrays shared with Python; removed by `dispose`. */
export class ScratchDir {
  readonly dir: string;
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-'));
  }

  /** Raw little-endian bytes, as numpy's `fromfile` reads them. */
  write(name: string, array: Int32Array | Float32Array): void {
    fs.writeFileSync(
      path.join(this.dir, name),
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
    );
  }

  /**
   * What implicit's ALS script reads: the matrix (indptr, indices, values) and the initial factors
   * Marquee's ALS starts from for the same shape, factors and seed, so both train from one start.
   */
  writeAlsInputs(matrix: InteractionMatrix, factors: number, seed: number): void {
    this.write('indptr', matrix.indptr);
    this.write('indices', matrix.indices);
    this.write('values', matrix.values);
    const init = alsInitialFactors(matrix.numUsers, matrix.numItems, factors, seed);
    this.write('user_init', init.userFactors);
    this.write('item_init', init.itemFactors);
  }

  readFloat32(name: string): Float32Array {
    const bytes = fs.readFileSync(path.join(this.dir, name));
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  readInt32(name: string): Int32Array {
    const bytes = fs.readFileSync(path.join(this.dir, name));
    return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `script` with `spec` (written as spec.json in the scratch directory); returns its JSON output. */
export async function runPythonScript<T>(
  python: string,
  scratch: ScratchDir,
  script: string,
  spec: Record<string, unknown>,
  /** Overrides of our environment; undefined removes a variable for the script alone. */
  env: Record<string, string | undefined>,
): Promise<T> {
  const scriptFile = path.join(scratch.dir, 'baseline.py');
  const specFile = path.join(scratch.dir, 'spec.json');
  fs.writeFileSync(scriptFile, script);
  fs.writeFileSync(specFile, JSON.stringify({ ...spec, dir: scratch.dir }));
  const merged: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined),
  );
  const stdout = await run(python, [scriptFile, specFile], merged);
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`the Python baseline printed no JSON result; it printed: ${stdout.slice(-500)}`);
  }
}
