import type { MarqueeConfig } from '@marquee/config';
import { DEVICES, type Play } from '@marquee/domain';
import { publishPlays } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { prepareFreshness, type FreshnessSetup } from './prepare';
import { personalTopPicks } from './rows-client';
import { drain, runStep, type FreshnessReport, type StepResult } from './stream';

export interface FreshnessOptions {
  rate: number;
  seconds: number;
  /** Unmeasured seconds at the same rate before the measured ones (see `StepOptions`). */
  warmupSeconds?: number;
  samplesPerSecond: number;
  sampleTimeoutMs?: number;
}

export interface FindMaxStep extends StepResult {
  sustained: boolean;
  why: string;
}

export interface FindMaxReport {
  /** The highest rate whose lag stayed bounded (0 when even the first step did not). */
  maxRate: number;
  criterion: string;
  stepSeconds: number;
  steps: FindMaxStep[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Members made for each run's samples, and the titles each has watched before the run. */
const SAMPLE_CANDIDATES = 300;
const SEED_PLAYS = 8;

/**
 * Members for this run's samples, new in each run: every run then measures members alike, where
 * reusing the demo's members let their histories grow run after run until they had watched nearly
 * the whole catalog and dropped out of sampling (28 left after a few dozen runs). Each gets a few
 * finished plays of demo titles; nearline folds them into the fold-in champion and writes their Top
 * picks, and those whose variant is a fold-in registration (their page shows their own Top picks)
 * are sampled. The online service learns new registrations on its next reload, so this waits a
 * while; without any, members with any Top picks row are used, and the log says so.
 */
async function sampleMembers(setup: FreshnessSetup, log: (line: string) => void): Promise<string[]> {
  const run = `fs${Date.now().toString(36)}`;
  const candidates = Array.from({ length: SAMPLE_CANDIDATES }, (_, i) => `${run}-s${i}`);
  const seeds: Play[] = candidates.flatMap((memberId, m) =>
    Array.from({ length: SEED_PLAYS }, (_, j) => {
      const durationMs = 90 * 60_000;
      return {
        eventId: `${memberId}-seed${j}`,
        userId: memberId,
        itemId: setup.titles[Math.floor(Math.random() * setup.titles.length)] as string,
        device: DEVICES[(m + j) % DEVICES.length] as Play['device'],
        timestamp: new Date(Date.now() - (SEED_PLAYS - j) * 60_000).toISOString(),
        positionMs: durationMs,
        durationMs,
      };
    }),
  );
  for (let i = 0; i < seeds.length; i += 500)
    await publishPlays(setup.platform.producer, setup.platform.topics, seeds.slice(i, i + 500));
  log(`made ${candidates.length} members with ${SEED_PLAYS} plays each for the samples`);
  const registrations = new Set(setup.foldIn);
  const deadline = Date.now() + 45_000;
  for (;;) {
    await sleep(2000);
    const personal: string[] = [];
    const any: string[] = [];
    for (let i = 0; i < candidates.length; i += 8) {
      await Promise.all(
        candidates.slice(i, i + 8).map(async (memberId) => {
          try {
            const page = await setup.rows.page(memberId);
            if (personalTopPicks(page, registrations)) personal.push(memberId);
            else if (page.rows.some((r) => r.id === 'top-picks')) any.push(memberId);
          } catch {
            // Skipped: a member whose page cannot be read is not sampled.
          }
        }),
      );
    }
    if (personal.length >= Math.min(50, candidates.length / 4)) {
      log(`sampling ${personal.length} members whose Top picks are their own (${setup.foldIn.join(', ')})`);
      return personal;
    }
    if (Date.now() > deadline) {
      if (personal.length + any.length === 0)
        throw new Error(
          `no member of ${setup.foldIn.join(', ')} has a Top picks row; is the online service up to date?`,
        );
      log(
        `only ${personal.length} members get personal Top picks; also sampling ${any.length} with the popular fallback`,
      );
      return [...personal, ...any];
    }
  }
}

const report = (r: StepResult): FreshnessReport => ({
  rate: r.rate,
  seconds: r.seconds,
  sent: r.sent,
  reflected: r.reflected,
  lost: r.lost,
  p50Ms: r.p50Ms,
  p95Ms: r.p95Ms,
  p99Ms: r.p99Ms,
  maxLag: r.maxLag,
});

async function withSetup<T>(
  config: MarqueeConfig,
  logger: Logger,
  log: (line: string) => void,
  body: (setup: FreshnessSetup, members: string[]) => Promise<T>,
): Promise<T> {
  const setup = await prepareFreshness(config, logger, log);
  try {
    const members = await sampleMembers(setup, log);
    const left = await drain(setup);
    if (left > 0) log(`nearline still ${left} plays behind before the run`);
    return await body(setup, members);
  } finally {
    await setup.close();
  }
}

/** `marquee bench freshness`: one steady-rate run against the running platform. */
export function benchFreshness(
  config: MarqueeConfig,
  logger: Logger,
  options: FreshnessOptions,
  log: (line: string) => void,
): Promise<FreshnessReport> {
  return withSetup(config, logger, log, async (setup, members) => {
    log(
      `publishing ${options.rate} plays/s for ${options.seconds} s, sampling ${options.samplesPerSecond}/s`,
    );
    const result = await runStep(
      setup,
      { ...options, sampleTimeoutMs: options.sampleTimeoutMs ?? 10_000, sampleMembers: members },
      log,
    );
    return report(result);
  });
}

/**
 * `marquee bench freshness --find-max`: steps the rate up by half until the nearline group's lag is
 * no longer bounded (over the second half of a step, its p90 stays under one second of plays),
 * then bisects between the last rate that held and the first that did not.
 */
export function findMaxRate(
  config: MarqueeConfig,
  logger: Logger,
  options: FreshnessOptions,
  log: (line: string) => void,
): Promise<FindMaxReport> {
  return withSetup(config, logger, log, async (setup, members) => {
    const steps: FindMaxStep[] = [];
    let good = 0;
    let bad = Number.POSITIVE_INFINITY;
    let rate = options.rate;
    while (steps.length < 10) {
      const left = await drain(setup);
      log(
        `step ${steps.length + 1}: ${rate} plays/s for ${options.seconds} s${left > 0 ? ` (still ${left} behind)` : ''}`,
      );
      const r = await runStep(
        setup,
        {
          rate,
          seconds: options.seconds,
          // Only the first step warms up: every later one follows another step.
          ...(steps.length === 0 && options.warmupSeconds !== undefined
            ? { warmupSeconds: options.warmupSeconds }
            : {}),
          samplesPerSecond: options.samplesPerSecond,
          sampleTimeoutMs: options.sampleTimeoutMs ?? 10_000,
          sampleMembers: members,
        },
        log,
      );
      const keptUp = r.achievedRate >= rate * 0.95;
      const bounded = r.secondHalfLagP90 <= rate;
      const sustained = keptUp && bounded;
      const why = !keptUp
        ? `the publisher reached only ${r.achievedRate}/s`
        : bounded
          ? `lag stayed within ${r.secondHalfLagP90} plays (p90, second half)`
          : `lag reached ${r.secondHalfLagP90} plays (p90, second half; > ${rate}, one second of plays)`;
      steps.push({
        ...report(r),
        achievedRate: r.achievedRate,
        secondHalfLagP90: r.secondHalfLagP90,
        sustained,
        why,
      });
      log(`  ${sustained ? 'sustained' : 'not sustained'}: ${why}; p99 ${r.p99Ms} ms`);
      if (sustained) good = Math.max(good, rate);
      else bad = Math.min(bad, rate);
      const next = Number.isFinite(bad)
        ? Math.round((good + bad) / 2 / 50) * 50
        : Math.round((rate * 1.5) / 50) * 50;
      if (Number.isFinite(bad) && (bad - good <= Math.max(50, good * 0.1) || next <= good || next >= bad))
        break;
      rate = next;
    }
    return {
      maxRate: good,
      criterion:
        'at the full publish rate, the p90 of the consumer lag over the second half of a step stays at or under one second of plays',
      stepSeconds: options.seconds,
      steps,
    };
  });
}
