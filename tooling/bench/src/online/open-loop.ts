import { Pool } from 'undici';
import { percentileOfSorted } from '../percentiles';

export interface OpenLoopOptions {
  /** e.g. http://127.0.0.1:3000 */
  origin: string;
  /** Requests per second, offered whatever the server does. */
  rate: number;
  durationMs: number;
  /**
   * Load offered at the same rate before the measured window, and not measured: connections are
   * opened, both sides' code is compiled and the server's caches hold what this load reads, so the
   * window measures the steady state rather than the first second after an idle pause.
   */
  warmupMs?: number;
  /** The i-th request: its path and headers. */
  request: (i: number) => { path: string; headers: Record<string, string> };
  /** Most sockets in use at once; requests beyond wait (and that wait counts as latency). */
  maxSockets?: number;
  /**
   * Opens this many connections before the schedule starts, with concurrent requests of this path,
   * as a population of clients would already have them open. Otherwise connections open as the load
   * needs them, and a server too busy to accept them promptly overflows its accept queue: the
   * dropped connection attempts are retried by TCP a second or more later, and the requests behind
   * them wait in the generator, not in the server that could have refused them at once.
   */
  preconnect?: { connections: number; path: string };
  /** A request unanswered this long is an error. */
  timeoutMs?: number;
  /** Answers (or failures) later than this after their due time are counted in `late`. */
  lateMs?: number;
  /** Given: the p99 of every window of this length (by due time) is reported in `p99ByWindowMs`. */
  windowMs?: number;
}

export interface Percentiles {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export interface OpenLoopResult extends Percentiles {
  /** Wall-clock time (epoch ms) the measured window began: phases in other processes line up on it. */
  startedAtMs: number;
  sent: number;
  completed: number;
  /** Requests without an answer: refused, reset or timed out. */
  errors: number;
  non2xx: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Latency of the 2xx answers alone (a fast refusal does not flatter it); zeros when there were none. */
  accepted: Percentiles;
  /** Answers and failures later than `lateMs` (0 when it is not given). */
  late: number;
  /** 2xx answers within `lateMs` of their due time (all 2xx answers when it is not given). */
  acceptedInTime: number;
  /**
   * How late the generator sent its latest-sent request: near 0 when it kept up with the rate; large
   * when the generator itself (or the machine) could not, and the latencies are mostly its backlog.
   */
  maxSendLagMs: number;
  /**
   * p99 of how long a measured request waited inside the generator for a free connection after it
   * was due: near 0 when the connections kept up; large when every connection held an unanswered
   * request, so the service was not even reading what it was sent (or the generator could not write).
   */
  queueP99Ms: number;
  /**
   * Of the requests answered or failed later than `lateMs`: the median of their wait for a
   * connection, and of the time from getting one to the end: says whether the late ones waited in
   * the generator or on the wire and in the server.
   */
  lateSplit?: { queuedP50Ms: number; connectedP50Ms: number };
  /** p99 of each `windowMs` window of due times, when asked for. */
  p99ByWindowMs?: number[];
}

export function percentiles(latenciesMs: Float64Array): Percentiles {
  const sorted = Float64Array.from(latenciesMs).sort();
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    p50Ms: round(percentileOfSorted(sorted, 0.5)),
    p90Ms: round(percentileOfSorted(sorted, 0.9)),
    p99Ms: round(percentileOfSorted(sorted, 0.99)),
  };
}

/**
 * A fixed request rate, open loop (as wrk2 does): request i is due at start + i / rate whether or not
 * earlier ones were answered, and its latency is measured from when it was due, not from when it
 * was sent. A server (or load generator) that stalls therefore shows the stall in every request
 * that should have gone out meanwhile: coordinated omission is corrected.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const measured = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const warmup = Math.max(0, Math.round((options.rate * (options.warmupMs ?? 0)) / 1000));
  const total = warmup + measured;
  const intervalMs = 1000 / options.rate;
  // undici's pool rather than node:http's agent: it parses with llhttp in WebAssembly and allocates
  // no request or response streams, so the generator, sharing the cores with the server it
  // measures, takes about a quarter less CPU at 2,000 req/s and delays fewer answers it times.
  const pool = new Pool(options.origin, {
    connections: options.maxSockets ?? 256,
    headersTimeout: options.timeoutMs ?? 10_000,
    bodyTimeout: options.timeoutMs ?? 10_000,
  });
  if (options.preconnect)
    await openConnections(pool, options.preconnect.connections, options.preconnect.path);
  const latencies = new Float64Array(measured);
  // Status of each measured request; 0 for one without an answer.
  const codes = new Uint16Array(measured);
  // Due time to the moment the request got a connection, per measured request.
  const queued = new Float64Array(measured);
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  let maxSendLagMs = 0;
  const start = performance.now();
  const wallStart = Date.now();

  await new Promise<void>((resolve) => {
    let finished = 0;
    const finish = (i: number, ok: boolean, status = 0) => {
      finished += 1;
      if (i >= warmup) {
        latencies[i - warmup] = performance.now() - (start + i * intervalMs);
        codes[i - warmup] = ok ? status : 0;
        completed += 1;
        if (!ok) errors += 1;
        else if (status < 200 || status > 299) non2xx += 1;
      }
      if (finished === total) resolve();
    };
    const send = (i: number) => {
      const { path, headers } = options.request(i);
      let status = 0;
      pool.dispatch(
        { method: 'GET', path, headers },
        {
          onConnect: () => {
            if (i >= warmup) queued[i - warmup] = performance.now() - (start + i * intervalMs);
          },
          onError: () => finish(i, false),
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: () => true,
          onComplete: () => finish(i, true, status),
        },
      );
    };
    // A timer per millisecond sends whatever has fallen due; no busy loop stealing the server's cores.
    const tick = () => {
      const now = performance.now();
      if (sent < total && sent >= warmup)
        maxSendLagMs = Math.max(maxSendLagMs, now - (start + sent * intervalMs));
      while (sent < total && start + sent * intervalMs <= now) send(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await pool.destroy();
  const statuses: Record<string, number> = {};
  for (const code of codes) if (code) statuses[code] = (statuses[code] ?? 0) + 1;
  const accepted = latencies.filter((_, i) => (codes[i] as number) >= 200 && (codes[i] as number) <= 299);
  const lateMs = options.lateMs;
  return {
    startedAtMs: wallStart + (options.warmupMs ?? 0),
    sent: sent - warmup,
    completed,
    errors,
    non2xx,
    ...percentiles(latencies),
    statuses,
    accepted: accepted.length > 0 ? percentiles(accepted) : { p50Ms: 0, p90Ms: 0, p99Ms: 0 },
    late: lateMs === undefined ? 0 : latencies.filter((ms) => ms > lateMs).length,
    maxSendLagMs: Math.round(maxSendLagMs),
    queueP99Ms: percentiles(queued).p99Ms,
    ...(lateMs === undefined ? {} : { lateSplit: lateSplit(latencies, queued, lateMs) }),
    acceptedInTime: lateMs === undefined ? accepted.length : accepted.filter((ms) => ms <= lateMs).length,
    ...(options.windowMs ? { p99ByWindowMs: p99ByWindow(latencies, options.rate, options.windowMs) } : {}),
  };
}

function lateSplit(
  latencies: Float64Array,
  queued: Float64Array,
  lateMs: number,
): { queuedP50Ms: number; connectedP50Ms: number } {
  const late = [...latencies.keys()].filter((i) => (latencies[i] as number) > lateMs);
  if (late.length === 0) return { queuedP50Ms: 0, connectedP50Ms: 0 };
  const queuedLate = Float64Array.from(late, (i) => queued[i] as number);
  const connectedLate = Float64Array.from(late, (i) => (latencies[i] as number) - (queued[i] as number));
  return { queuedP50Ms: percentiles(queuedLate).p50Ms, connectedP50Ms: percentiles(connectedLate).p50Ms };
}

/** Opens `connections` connections of `pool` at once (each request holds one until answered). */
async function openConnections(pool: Pool, connections: number, path: string): Promise<void> {
  // A few rounds: connection attempts the server's accept queue dropped get another chance.
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      Array.from({ length: connections }, () =>
        pool.request({ method: 'GET', path }).then(
          (response) => response.body.dump(),
          () => undefined,
        ),
      ),
    );
    if (pool.stats.connected >= connections) return;
  }
}

/** The p99 of each window of `windowMs` of due times (request i is due at i / rate). */
function p99ByWindow(latencies: Float64Array, rate: number, windowMs: number): number[] {
  const perWindow = Math.max(1, Math.round((rate * windowMs) / 1000));
  const windows: number[] = [];
  for (let from = 0; from < latencies.length; from += perWindow)
    windows.push(percentiles(latencies.subarray(from, from + perWindow)).p99Ms);
  return windows;
}
