import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';

/** The bytes of the file's beginning that its fingerprint hashes, with its size. */
const FINGERPRINT_BYTES = 1 << 16;

/**
 * Where an interrupted import stands, kept beside its input (`<input>.checkpoint.json`): every line
 * up to `line` (ending at byte `offset`) is written, and the rejects file held `rejectsBytes` then.
 * The fingerprint (size and a checksum of the first 64 KiB) tells whether the input is still the
 * same file, so a checkpoint is never applied to another one.
 */
export interface ImportCheckpoint {
  input: string;
  fingerprint: string;
  line: number;
  offset: number;
  rejectsBytes: number;
  plays: number;
  rejected: number;
}

export function checkpointFileOf(input: string): string {
  return `${input}.checkpoint.json`;
}

export async function fingerprintOf(file: string): Promise<string> {
  const { size } = await stat(file);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, FINGERPRINT_BYTES));
    await handle.read(head, 0, head.length, 0);
    return `${size}:sha256:${createHash('sha256').update(head).digest('hex')}`;
  } finally {
    await handle.close();
  }
}

/**
 * The checkpoint of an earlier, interrupted import of `input`, when there is one for this very file.
 * One for a changed file is an error that says how to start over.
 */
export async function readCheckpoint(input: string): Promise<ImportCheckpoint | undefined> {
  const file = checkpointFileOf(input);
  if (!existsSync(file)) return undefined;
  let checkpoint: ImportCheckpoint;
  try {
    checkpoint = JSON.parse(await readFile(file, 'utf8')) as ImportCheckpoint;
  } catch (error) {
    throw new Error(
      `${file}: not a readable checkpoint (${(error as Error).message}); delete it or pass --restart`,
    );
  }
  if (checkpoint.fingerprint !== (await fingerprintOf(input)))
    throw new Error(
      `${file} belongs to another version of ${input} (its size or first bytes differ); pass --restart to import the file from its first line`,
    );
  return checkpoint;
}

/** Replaces the checkpoint atomically (write, then rename), so an interruption never leaves half of one. */
export async function writeCheckpoint(checkpoint: ImportCheckpoint): Promise<void> {
  const file = checkpointFileOf(checkpoint.input);
  await writeFile(`${file}.tmp`, JSON.stringify(checkpoint) + '\n');
  await rename(`${file}.tmp`, file);
}

export async function removeCheckpoint(input: string): Promise<void> {
  await rm(checkpointFileOf(input), { force: true });
}
