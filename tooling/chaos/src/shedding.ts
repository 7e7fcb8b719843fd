import os from 'node:os';

/** What the online processes' own metrics say about a fault's 503s, and how loaded the machine was. */
export interface SheddingEvidence {
  /** Requests the online processes answered 503 at once because their event loop lagged. */
  shedLag: number;
  /** Requests they answered 503 at once because too many were in progress. */
  shedInFlight: number;
  /** The highest smoothed event-loop lag (what admission sheds on) any online process reported. */
  maxLagMs: number;
  /** The machine's highest one-minute load average during the fault (it has `cpus` cores). */
  maxLoadAverage: number;
  cpus: number;
}

const SAMPLE_MS = 500;

/**
 * The sum of a metric's samples in Prometheus text format whose labels include `labels` (other
 * labels, such as the process's default `app`, may be there too in any order); 0 when none is.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v)) sum += Number(match[3]) || 0;
  }
  return sum;
}

/**
 * Samples each online process's `/metrics` (its admission control's lag and shed counters) and the
 * machine's load while a fault runs, so a 503 can be told apart: shed on lag while the machine is
 * loaded by other work, or a fault of the service. A process that does not answer (killed, starting)
 * is skipped for that sample; its counters start again from 0 when it restarts, so the shed figures
 * add the increases seen per process.
 */
export class SheddingWatch {
  private timer?: NodeJS.Timeout;
  private readonly last = new Map<string, { lag: number; inFlight: number }>();
  private evidence: SheddingEvidence = {
    shedLag: 0,
    shedInFlight: 0,
    maxLagMs: 0,
    maxLoadAverage: 0,
    cpus: os.cpus().length,
  };

  constructor(private readonly onlineUrls: readonly string[]) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
  }

  async stop(): Promise<SheddingEvidence> {
    clearInterval(this.timer);
    await this.sample();
    return { ...this.evidence, maxLagMs: Math.round(this.evidence.maxLagMs) };
  }

  private async sample(): Promise<void> {
    const e = this.evidence;
    e.maxLoadAverage = Math.max(e.maxLoadAverage, Math.round((os.loadavg()[0] ?? 0) * 10) / 10);
    await Promise.all(
      this.onlineUrls.map(async (url) => {
        let text: string;
        try {
          const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1000) });
          text = await response.text();
        } catch {
          return;
        }
        const now = {
          lag: metricValue(text, 'marquee_online_shed_total', { reason: 'lag' }),
          inFlight: metricValue(text, 'marquee_online_shed_total', { reason: 'in_flight' }),
        };
        const before = this.last.get(url);
        // A restarted process counts from 0 again: all it counted since is new.
        if (before) {
          e.shedLag += now.lag >= before.lag ? now.lag - before.lag : now.lag;
          e.shedInFlight += now.inFlight >= before.inFlight ? now.inFlight - before.inFlight : now.inFlight;
        }
        this.last.set(url, now);
        e.maxLagMs = Math.max(e.maxLagMs, 1000 * metricValue(text, 'marquee_online_event_loop_lag_seconds'));
      }),
    );
  }
}
