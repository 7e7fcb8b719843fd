import { performance } from 'node:perf_hooks';
import { DEVICES, type Play } from '@marquee/domain';
import { groupLag, nearlineGroup } from '@marquee/play-processing';
import { publishPlays } from '@marquee/kafka';
import { percentile } from '../percentiles';
import type { FreshnessSetup } from './prepare';
import { reflects, titleToPlay } from './rows-client';

/**
 * Background plays come from this many members, new in each run, so every run starts from the same
 * state. (A pool shared by every run made each run measure a heavier platform than the last: after
 * a few dozen runs its members had watched nearly the whole demo catalog, ~300 plays each, and the
 * runs measured nearline holding and collecting 1.3 M plays of them rather than freshness.)
 */
const BACKGROUND_MEMBERS = 5000;
const TICK_MS = 10;
const LAG_EVERY_MS = 500;
const PROGRESS_EVERY_MS = 10_000;

export interface StepOptions {
  rate: number;
  seconds: number;
  /**
   * Seconds published at `rate` before the measured `seconds`, with no samples and no lag taken: the
   * run then measures the platform in its steady state at that rate (JIT-compiled, caches and
   * member state warm, compactions of the previous run's writes under way), not its first seconds.
   */
  warmupSeconds?: number;
  samplesPerSecond: number;
  /** A sampled play not reflected within this is lost. */
  sampleTimeoutMs: number;
  /** Members whose pages carry their own Top picks: sampled plays are theirs. */
  sampleMembers: readonly string[];
}

/** What `marquee bench freshness --json` prints. */
export interface FreshnessReport {
  rate: number;
  seconds: number;
  sent: number;
  reflected: number;
  lost: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Most messages the nearline group was behind, summed over partitions. */
  maxLag: number;
}

export interface StepResult extends FreshnessReport {
  /**
   * How far behind it was over the second half of the run, ignoring the worst tenth of the samples
   * (a compaction or GC pause that recovers is not unbounded lag).
   */
  secondHalfLagP90: number;
  achievedRate: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;
const round = (ms: number) => (Number.isFinite(ms) ? Math.round(ms * 10) / 10 : -1);

/** The nearline group's lag on `plays`, summed over partitions. */
export async function totalLag(setup: FreshnessSetup): Promise<number> {
  const lag = await groupLag(
    setup.admin,
    nearlineGroup(setup.config.kafka.topicPrefix),
    setup.platform.topics.plays.name,
  );
  let total = 0;
  for (const value of lag.values()) total += value;
  return total;
}

/**
 * One steady-rate run: plays published through Kafka at `rate` per second for `seconds`, and
 * `samplesPerSecond` of them sampled: a member starts a title of their Top picks, and the time from
 * publish until their page (GET /v1/users/:id/rows, with their device token) shows it in Continue
 * watching and no longer in Top picks is measured. Meanwhile the nearline group's lag is sampled.
 */
export async function runStep(
  setup: FreshnessSetup,
  options: StepOptions,
  log: (line: string) => void,
): Promise<StepResult> {
  const run = `fb${Date.now().toString(36)}`;
  const { producer, topics } = setup.platform;
  let seq = 0;
  const play = (memberId: string, itemId: string, finishedShare: number): Play => {
    const durationMs = (20 + Math.floor(Math.random() * 100)) * 60_000;
    return {
      eventId: `${run}-${seq++}`,
      userId: memberId,
      itemId,
      device: pick(DEVICES),
      timestamp: new Date().toISOString(),
      positionMs: Math.random() < finishedShare ? durationMs : Math.floor(Math.random() * durationMs * 0.8),
      durationMs,
    };
  };

  const latencies: number[] = [];
  let lost = 0;
  /** Plays published, warm-up included: what the rate is kept to. */
  let published = 0;
  const busy = new Set<string>();
  const samples: Array<Promise<void>> = [];
  const sample = async (memberId: string) => {
    busy.add(memberId);
    try {
      const itemId = titleToPlay(await setup.rows.page(memberId));
      if (!itemId) return;
      const started = performance.now();
      // Half-way through: the title is started, not finished, so it belongs in Continue watching.
      await publishPlays(producer, topics, [
        { ...play(memberId, itemId, 0), positionMs: 10 * 60_000, durationMs: 100 * 60_000 },
      ]);
      published += 1;
      while (performance.now() - started < options.sampleTimeoutMs) {
        try {
          if (reflects(await setup.rows.page(memberId), itemId)) {
            latencies.push(performance.now() - started);
            return;
          }
        } catch {
          // A failed read is retried until the timeout; the play counts as lost only then.
        }
        // Polls every 10 ms at first and backs off as time passes: the measurement stays within
        // about a tenth of the latency, and the polls do not load the machine being measured.
        await sleep(Math.min(200, Math.max(10, (performance.now() - started) / 10)));
      }
      lost += 1;
    } catch (error) {
      log(`sample of ${memberId} not taken: ${(error as Error).message}`);
    } finally {
      busy.delete(memberId);
    }
  };

  const maxInFlight = Math.max(4, options.samplesPerSecond * 2);
  const lags: Array<{ at: number; lag: number }> = [];
  const start = performance.now();
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  const durationMs = options.seconds * 1000;
  if (warmupMs > 0) log(`  warm-up: ${options.warmupSeconds} s at ${options.rate} plays/s, not measured`);
  // Set when the measured part starts: plays published before it are the warm-up's.
  let publishedBefore = -1;
  let sampled = 0;
  let nextLag = 0;
  let nextProgress = PROGRESS_EVERY_MS;
  let reported = 0;
  while (performance.now() - start < warmupMs + durationMs) {
    const elapsed = performance.now() - start;
    const due = Math.floor((options.rate * elapsed) / 1000) - published;
    if (due > 0) {
      const batch = Array.from({ length: due }, () =>
        play(`${run}-m${Math.floor(Math.random() * BACKGROUND_MEMBERS)}`, pick(setup.titles), 0.3),
      );
      for (let i = 0; i < batch.length; i += 1000)
        await publishPlays(producer, topics, batch.slice(i, i + 1000));
      published += batch.length;
    }
    const measured = elapsed - warmupMs;
    if (measured >= 0) {
      if (publishedBefore < 0) publishedBefore = published;
      const samplesDue = Math.floor((options.samplesPerSecond * measured) / 1000) - sampled;
      for (let i = 0; i < samplesDue; i++) {
        sampled += 1;
        // Samples in flight are capped, so a slow platform is measured, not flooded with page reads.
        if (busy.size >= maxInFlight) continue;
        const free = options.sampleMembers.filter((m) => !busy.has(m));
        if (free.length > 0) samples.push(sample(pick(free)));
      }
      if (measured >= nextLag) {
        nextLag = measured + LAG_EVERY_MS;
        void totalLag(setup)
          .then((lag) => lags.push({ at: performance.now() - start - warmupMs, lag }))
          .catch(() => undefined);
      }
      if (measured >= nextProgress) {
        nextProgress += PROGRESS_EVERY_MS;
        const window = latencies.slice(reported);
        reported = latencies.length;
        log(
          `  ${Math.round(measured / 1000)} s: ${published - publishedBefore} plays, ${latencies.length} reflected, ${lost} lost; ` +
            `last ${PROGRESS_EVERY_MS / 1000} s p50 ${round(percentile(window, 0.5))} ms, p99 ${round(percentile(window, 0.99))} ms; ` +
            `lag ${lags[lags.length - 1]?.lag ?? '?'}`,
        );
      }
    }
    await sleep(TICK_MS);
  }
  const elapsedS = (performance.now() - start - warmupMs) / 1000;
  await Promise.all(samples);
  const sent = published - Math.max(0, publishedBefore);
  const maxOf = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent,
    reflected: latencies.length,
    lost,
    p50Ms: round(percentile(latencies, 0.5)),
    p95Ms: round(percentile(latencies, 0.95)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxLag: maxOf(lags.map((l) => l.lag)),
    secondHalfLagP90:
      percentile(
        lags.filter((l) => l.at >= durationMs / 2).map((l) => l.lag),
        0.9,
      ) || 0,
    achievedRate: Math.round(sent / elapsedS),
  };
}

/** Waits until nearline has caught up (lag 0), so one run does not start in another's backlog. */
export async function drain(setup: FreshnessSetup, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lag = await totalLag(setup);
  while (lag > 0 && Date.now() < deadline) {
    await sleep(250);
    lag = await totalLag(setup);
  }
  return lag;
}
