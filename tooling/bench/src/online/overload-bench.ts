import type { MarqueeConfig } from '@marquee/config';
import { memberRequests, saturate, settle, type Target } from './online-bench';
import { openLoopInChild, type OpenLoopJob } from './open-loop-process';

export interface OverloadBenchOptions {
  /** Members m1..mN are requested at random, each with its own device token (past the demo's 200, members without history). */
  members: number;
  /** Connections of the closed loop that finds the saturation rate. */
  connections: number;
  saturationSeconds: number;
  /** The overload offers this many times the saturation rate. */
  factor: number;
  overloadSeconds: number;
  /** A request unanswered this long is given up (and counted in errors and over1s). */
  timeoutMs: number;
  /** The low rate before and after the overload, as a share of the saturation rate. */
  lowShare: number;
  baselineSeconds: number;
  recoverySeconds: number;
  warmupSeconds: number;
  /** Connections of the open-loop phases, opened before each phase (see OpenLoopOptions.preconnect). */
  sockets: number;
}

export const DEFAULT_OVERLOAD_BENCH: OverloadBenchOptions = {
  // A member population, not a few heavy clients: 200 tokens at thousands of requests a second would
  // each pass the device rate limit (429s) and be served from the per-member copy of their page.
  members: 20_000,
  connections: 64,
  saturationSeconds: 10,
  factor: 2,
  overloadSeconds: 30,
  timeoutMs: 1000,
  lowShare: 0.2,
  baselineSeconds: 5,
  recoverySeconds: 10,
  warmupSeconds: 5,
  sockets: 1024,
};

/** The JSON `marquee bench overload --json` prints. */
export interface OverloadBenchResult {
  /** 2xx answers per second of the closed loop. */
  saturationRps: number;
  offeredRps: number;
  /** 2xx answers within the client timeout of their due time, per second of the overload. */
  goodputRps: number;
  /** 503 answers (shed) during the overload. */
  shed: number;
  /** Anything else: other statuses, refused or reset connections, timeouts. */
  errors: number;
  /** Answers or failures later than the client timeout after they were due. */
  over1s: number;
  /** p99 of the 2xx answers during the overload. */
  p99AcceptedMs: number;
  /**
   * From the end of the overload (its last answer or timeout) until the p99 of each window after it
   * stays within the baseline phase's range (see normalWindowP99); null if never within the phase.
   */
  recoverySeconds: number | null;
  /** p99 at the low rate before the overload, and the window of the recovery phase. */
  baselineP99Ms: number;
  lowRps: number;
  /**
   * CPU seconds the service process used per second of the overload (its /metrics): near 1 when it
   * had its core; well below 1 means the machine's other work took it, and the figures say so.
   */
  serviceCpuPerSecond: number | null;
  /** How far behind its schedule the load generator fell during the overload (see OpenLoopResult). */
  generatorLagMs: number;
  /**
   * p99 of how long a request waited in the generator for a free connection after it was due: large
   * when all its connections held unanswered requests (see OpenLoopResult.queueP99Ms).
   */
  generatorQueueP99Ms: number;
}

/** The service process's CPU seconds so far, from its /metrics; null if it does not say. */
async function serviceCpuSeconds(origin: string): Promise<{ cpu: number; at: number } | null> {
  const text = await fetch(`${origin}/metrics`)
    .then((response) => response.text())
    .catch(() => '');
  const match = /^process_cpu_seconds_total(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text);
  return match ? { cpu: Number(match[1]), at: performance.now() } : null;
}

/** Windows of the recovery phase, each with its own p99. */
const WINDOW_MS = 500;
/**
 * The highest p99 of a window that is still normal: the baseline phase's own range, that is its worst
 * window, twice its p99, or 10 ms above it for a fast baseline, whichever is highest. A 500 ms
 * window's p99 rests on its two or three slowest requests, so windows of an undisturbed service
 * already vary by several times the p99 of the whole phase.
 */
export function normalWindowP99(baselineP99: number, baselineWindows: number[]): number {
  return Math.max(2 * baselineP99, baselineP99 + 10, ...baselineWindows);
}

/** How long after `overloadEndMs` the windows' p99 came back to at most `normalMs` and stayed there. */
export function recoverySeconds(
  windows: number[],
  normalMs: number,
  recoveryStartMs: number,
  overloadEndMs: number,
  windowMs = WINDOW_MS,
): number | null {
  let first = windows.length;
  while (first > 0 && (windows[first - 1] as number) <= normalMs) first -= 1;
  if (first === windows.length) return null;
  const ms = Math.max(0, recoveryStartMs - overloadEndMs) + first * windowMs;
  return Math.round(ms / 100) / 10;
}

/**
 * `marquee bench overload`: the running online service's saturation rate (2xx per second of a closed
 * loop), then `factor` times that offered open loop with a client timeout, then a low rate to see
 * how soon latency is back to what it was at that rate before. A service that sheds answers every
 * request in time, 2xx or 503, and keeps its goodput near saturation; one that queues answers late.
 */
export async function runOverloadBench(
  config: MarqueeConfig,
  options: OverloadBenchOptions,
  log: (line: string) => void,
): Promise<OverloadBenchResult> {
  const { origin, requests, request } = await memberRequests(config, options.members);
  const target: Target = { origin, request };
  log(`warm-up: ${options.warmupSeconds} s closed loop (${options.members} members)`);
  await saturate(target, options.connections, options.warmupSeconds);
  await settle();
  const saturated = await saturate(target, options.connections, options.saturationSeconds);
  log(`saturation: ${JSON.stringify(saturated)}`);
  const saturationRps = saturated.okRps;
  const lowRps = Math.max(1, Math.round(saturationRps * options.lowShare));
  const offeredRps = Math.round(saturationRps * options.factor);
  const job = (rate: number, seconds: number, warmupMs = 0): OpenLoopJob => ({
    origin,
    rate,
    durationMs: seconds * 1000,
    warmupMs,
    requests,
    timeoutMs: options.timeoutMs,
    lateMs: options.timeoutMs,
    windowMs: WINDOW_MS,
    // Enough sockets that the generator does not queue what the service would answer at once, open
    // before the load starts (the service's in-flight bound is below them, so it sees the excess).
    maxSockets: options.sockets,
    preconnect: { connections: options.sockets, path: '/health' },
  });

  await settle();
  const baseline = await openLoopInChild(job(lowRps, options.baselineSeconds, 2000));
  log(`baseline at ${lowRps} req/s: ${JSON.stringify(baseline)}`);
  await settle();
  log(`overload: ${offeredRps} req/s for ${options.overloadSeconds} s, ${options.timeoutMs} ms timeout`);
  const cpuBefore = await serviceCpuSeconds(origin);
  const overload = await openLoopInChild(job(offeredRps, options.overloadSeconds));
  const overloadEndMs = Date.now();
  const cpuAfter = await serviceCpuSeconds(origin);
  const recovery = await openLoopInChild(job(lowRps, options.recoverySeconds));
  log(`overload: ${JSON.stringify(overload)}`);
  log(`recovery at ${lowRps} req/s, p99 per ${WINDOW_MS} ms: ${JSON.stringify(recovery.p99ByWindowMs)}`);

  const ok = Object.entries(overload.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const cpuPerSecond =
    cpuBefore && cpuAfter
      ? Math.round(((cpuAfter.cpu - cpuBefore.cpu) / ((cpuAfter.at - cpuBefore.at) / 1000)) * 100) / 100
      : null;
  const shed = overload.statuses['503'] ?? 0;
  return {
    saturationRps,
    offeredRps,
    goodputRps: Math.round(overload.acceptedInTime / options.overloadSeconds),
    shed,
    errors: overload.sent - ok - shed,
    over1s: overload.late,
    p99AcceptedMs: overload.accepted.p99Ms,
    recoverySeconds: recoverySeconds(
      recovery.p99ByWindowMs ?? [],
      normalWindowP99(baseline.p99Ms, baseline.p99ByWindowMs ?? []),
      recovery.startedAtMs,
      overloadEndMs,
    ),
    baselineP99Ms: baseline.p99Ms,
    lowRps,
    serviceCpuPerSecond: cpuPerSecond,
    generatorLagMs: overload.maxSendLagMs,
    generatorQueueP99Ms: overload.queueP99Ms,
  };
}
