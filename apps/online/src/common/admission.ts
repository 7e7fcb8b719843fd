import http from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import { counter } from '@marquee/observability';
import { requestDurations } from '../ops/request-durations';

export interface AdmissionOptions {
  /** API requests served at once; one more is answered 503 at once. */
  maxInFlight: number;
  /** Smoothed event-loop lag above which API requests are answered 503 at once. */
  shedLagMs: number;
}

/** Why a request was not admitted. */
export type ShedReason = 'in_flight' | 'lag';

/** How often the event loop's lag is sampled. */
const SAMPLE_MS = 20;
/** Weight of the newest sample in the smoothed lag: a lone collection pause does not shed on its own. */
const SMOOTHING = 0.3;
const RETRY_AFTER_SECONDS = 1;
const SHED_BODY = JSON.stringify({
  statusCode: 503,
  error: 'Service Unavailable',
  message: `the service is over its capacity; retry after ${RETRY_AFTER_SECONDS} s`,
});
const SHED_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(Buffer.byteLength(SHED_BODY)),
  'retry-after': String(RETRY_AFTER_SECONDS),
};

/**
 * The event loop's lag, smoothed: a timer due every SAMPLE_MS measures how late it runs. Timers run
 * before the loop reads new requests, so a loop that was busy is known busy before it takes more.
 * Each sample counts at most `ceilingMs`, so one long pause (a full collection, a burst of
 * synchronous work) cannot lift the smoothed lag past a threshold of half the ceiling on its own:
 * only a loop that keeps lagging does.
 */
export class EventLoopLag {
  private smoothed = 0;
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ceilingMs: number) {
    this.timer = setInterval(() => this.sample(performance.now()), SAMPLE_MS);
    this.timer.unref();
  }

  /** The smoothed lag in milliseconds. */
  get ms(): number {
    return this.smoothed;
  }

  sample(now: number): void {
    const lag = Math.min(this.ceilingMs, Math.max(0, now - this.last - SAMPLE_MS));
    this.last = now;
    this.smoothed += SMOOTHING * (lag - this.smoothed);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Admission control of the API: past `maxInFlight` requests in progress, or while the event loop
 * lags more than `shedLagMs`, a request is answered 503 with Retry-After before any guard, parsing
 * or store read runs. Under overload the service then spends its cores on the requests it admitted
 * (which stay fast) instead of queueing every request until all of them are late.
 */
export class Admission {
  private inFlight = 0;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly lag: { readonly ms: number },
  ) {}

  get current(): number {
    return this.inFlight;
  }

  /** Admits a request (the caller must `release` it once) or says why not. */
  admit(): ShedReason | undefined {
    if (this.inFlight >= this.options.maxInFlight) return 'in_flight';
    if (this.lag.ms > this.options.shedLagMs) return 'lag';
    this.inFlight += 1;
    return undefined;
  }

  release(): void {
    this.inFlight -= 1;
  }
}

/** The connection settings Fastify passes a server factory (its own defaults filled in). */
export interface ServerSettings {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * Applies the connection settings Fastify gives the servers it builds itself, which a server
 * factory must apply on its own. Node's own keep-alive timeout (5 s) is the one that matters: a
 * client, proxy or load balancer whose connection sat idle that long has to connect again, and a
 * saturated process accepts about one connection per turn of its event loop, so the requests of
 * those new connections wait seconds in the accept queue.
 */
export function withServerSettings(server: http.Server, settings: ServerSettings): http.Server {
  if (settings.keepAliveTimeout !== undefined) server.keepAliveTimeout = settings.keepAliveTimeout;
  if (settings.requestTimeout !== undefined) server.requestTimeout = settings.requestTimeout;
  if (settings.connectionTimeout !== undefined) server.setTimeout(settings.connectionTimeout);
  if (settings.maxRequestsPerSocket) server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
  return server;
}

const isApi = (url: string | undefined) => url !== undefined && url.startsWith('/v1/');

/**
 * Admission control at the HTTP server itself, ahead of Fastify and Nest: each answer costs the
 * process a share of its one core, and a refusal that builds no framework request, runs no hook and
 * matches no route is the cheapest answer a Node.js server can give. The cheaper the refusal, the
 * more of the core is left for the pages admitted, so goodput under overload stays near the
 * saturation rate. Only `/v1/` routes are shed: health, readiness, metrics, docs and the demo page
 * always answer.
 *
 * Returns the `serverFactory` to build Fastify with, and `close` to stop sampling the lag. Metrics:
 * `marquee_online_shed_total{reason}`, `marquee_online_requests_in_flight`,
 * `marquee_online_event_loop_lag_seconds`, and each refusal in `marquee_http_request_duration_seconds`
 * under the route `shed`.
 */
export function admittingServer(
  registry: Registry,
  options: AdmissionOptions,
): {
  serverFactory: (handler: http.RequestListener, settings?: ServerSettings) => http.Server;
  close: () => void;
} {
  const lag = new EventLoopLag(2 * options.shedLagMs);
  const admission = new Admission(options, lag);
  const shed = counter(
    registry,
    'marquee_online_shed_total',
    'API requests answered 503 at once, by reason',
    ['reason'],
  );
  const durations = requestDurations(registry);
  new Gauge({
    name: 'marquee_online_requests_in_flight',
    help: 'API requests admitted and not yet answered',
    registers: [registry],
    collect() {
      this.set(admission.current);
    },
  });
  new Gauge({
    name: 'marquee_online_event_loop_lag_seconds',
    help: 'Smoothed event-loop lag that admission control sheds on',
    registers: [registry],
    collect() {
      this.set(lag.ms / 1000);
    },
  });
  const serverFactory = (handler: http.RequestListener, settings: ServerSettings = {}) =>
    withServerSettings(
      http.createServer((request, response) => {
        if (!isApi(request.url)) return handler(request, response);
        const refused = admission.admit();
        if (refused) {
          const started = performance.now();
          shed.inc({ reason: refused });
          response.writeHead(503, SHED_HEADERS).end(SHED_BODY);
          durations.observe(
            { method: request.method ?? 'GET', route: 'shed', status: '503' },
            (performance.now() - started) / 1000,
          );
          return;
        }
        // 'close' fires once whether the answer was sent or the client went away.
        response.once('close', () => admission.release());
        handler(request, response);
      }),
      settings,
    );
  return { serverFactory, close: () => lag.stop() };
}
