/**
 * One progress line per task on stderr: `label step [#####.....] done/total  rate/s  ETA`, redrawn in
 * place while the task runs (a terminal) and ended with a newline when the next task starts or `end`.
 */
export class ProgressBars {
  private current: { label: string; step: string; started: number; stepStarted: number } | undefined;
  private lastDraw = 0;

  constructor(
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly width = 24,
  ) {}

  update(label: string, step: string, done: number, total: number): void {
    const now = performance.now();
    if (this.current?.label !== label) {
      this.end();
      this.current = { label, step, started: now, stepStarted: now };
    } else if (this.current.step !== step) {
      this.current.step = step;
      this.current.stepStarted = now;
    }
    // At most ten redraws a second, and always the last one of a step.
    if (done < total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * this.width);
    const seconds = (now - this.current.stepStarted) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && done < total ? `ETA ${formatSeconds((total - done) / rate)}` : '';
    this.write(
      `\r${label} ${step} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${total}  ` +
        `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s  ${eta}`.padEnd(16) +
        `  ${formatSeconds((now - this.current.started) / 1000)} elapsed   `,
    );
  }

  /** A task failed: its line says so and ends. */
  fail(label: string, reason: string): void {
    if (this.current?.label !== label) this.end();
    this.write(`\r${label} failed: ${reason}\n`);
    this.current = undefined;
  }

  end(): void {
    if (this.current) this.write('\n');
    this.current = undefined;
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
