/** What a long import reports as it goes. */
export interface ImportProgress {
  /** Rows (lines or ratings) handled so far in this run. */
  rows: number;
  /** Share of the input done, 0..1, when the total is known. */
  done?: number;
}

const WIDTH = 24;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/**
 * A progress bar on a terminal stream (stderr): rows, rate and ETA, redrawn in place at most a few
 * times a second. On a stream that is not a terminal (a log, a test) it prints a plain line every
 * few seconds instead.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  update(progress: ImportProgress, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < (this.tty ? 200 : 5000)) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? progress.rows / seconds : 0;
    const done = progress.done;
    const bar =
      done === undefined
        ? ''
        : `[${'#'.repeat(Math.round(done * WIDTH)).padEnd(WIDTH, '.')}] ${(done * 100).toFixed(1).padStart(5)}% `;
    const eta = done !== undefined && done > 0 ? (seconds * (1 - done)) / done : Number.NaN;
    const line = `${this.label} ${bar}${progress.rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${duration(eta)}`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** The final state, ending the bar's line. */
  finish(progress: ImportProgress): void {
    this.update(progress, true);
    if (this.tty) this.out.write('\n');
  }
}
