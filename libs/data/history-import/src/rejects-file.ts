import { closeSync, existsSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';

/** One rejected row: where it is and why, with its text, one JSON object per line. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  text: string;
}

export function rejectsFileOf(input: string): string {
  return `${input}.rejects.jsonl`;
}

/**
 * The rejects of an import, `<input>.rejects.jsonl`. A fresh import starts it empty; a resumed one
 * keeps what it held at the checkpoint, so a row rejected before the interruption is listed once.
 */
export class RejectsFile {
  private fd: number | undefined;
  private size: number;

  constructor(
    readonly path: string,
    keepBytes = 0,
  ) {
    this.size = keepBytes;
    if (keepBytes === 0) rmSync(path, { force: true });
    else if (existsSync(path)) {
      this.fd = openSync(path, 'r+');
      ftruncateSync(this.fd, keepBytes);
    } else this.size = 0;
  }

  /** Bytes written so far: what a checkpoint records. */
  get bytes(): number {
    return this.size;
  }

  add(row: RejectedRow): void {
    this.fd ??= openSync(this.path, 'a');
    const line = Buffer.from(JSON.stringify(row) + '\n');
    writeSync(this.fd, line, 0, line.length, this.size);
    this.size += line.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
