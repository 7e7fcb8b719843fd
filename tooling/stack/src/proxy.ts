import http from 'node:http';

export interface Backend {
  /** Names the instance in the `x-marquee-instance` response header and in logs. */
  name: string;
  url: string;
}

export interface ProxyOptions {
  host: string;
  port: number;
  backends: Backend[];
  /** How often each backend's `/health` is asked; a backend that fails it gets no requests. */
  healthIntervalMs?: number;
  log?: (line: string) => void;
}

export interface RunningProxy {
  port: number;
  /** Names of the backends that answered their last health check. */
  healthy(): string[];
  close(): Promise<void>;
}

/** The header naming the online instance that served a response. */
export const INSTANCE_HEADER = 'x-marquee-instance';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own; the rest pass through. */
/** Methods a backend's death in mid-request lets the proxy send again to another backend. */
const IDEMPOTENT = new Set(['GET', 'HEAD']);

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * A local round-robin HTTP proxy in front of several online processes: each request goes to the
 * next healthy backend over a keep-alive connection. A backend that refuses a connection is marked
 * down at once and the request goes to the next one (nothing reached the dead one, so even a POST is
 * safe to send again), a GET or HEAD whose backend dies before answering a byte goes to the next
 * one, and a kept-alive connection found closed is retried on a fresh one; the health checks bring a backend back when it answers again. Bodies are read
 * whole first (the API's are small), which is what makes that retry possible.
 */
export async function startRoundRobinProxy(options: ProxyOptions): Promise<RunningProxy> {
  const { backends, log = () => undefined } = options;
  if (backends.length === 0) throw new Error('the proxy needs at least one backend');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const up = new Map(backends.map((b) => [b.name, true]));
  let next = 0;

  const mark = (backend: Backend, healthy: boolean) => {
    if (up.get(backend.name) !== healthy)
      log(`${backend.name} ${healthy ? 'is back' : 'is down'} (${backend.url})`);
    up.set(backend.name, healthy);
  };
  const check = async () => {
    await Promise.all(
      backends.map(async (backend) => {
        try {
          const response = await fetch(`${backend.url}/health`, { signal: AbortSignal.timeout(1000) });
          mark(backend, response.ok);
        } catch {
          mark(backend, false);
        }
      }),
    );
  };
  await check();
  const timer = setInterval(() => void check(), options.healthIntervalMs ?? 1000);
  timer.unref();

  /** Healthy backends from the next in turn; all of them, in turn, when none looks healthy. */
  const order = (): Backend[] => {
    const start = next++ % backends.length;
    const turn = [...backends.slice(start), ...backends.slice(0, start)];
    const healthy = turn.filter((b) => up.get(b.name));
    return healthy.length > 0 ? healthy : turn;
  };

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    response: http.ServerResponse,
    candidates: Backend[],
  ): void => {
    const [backend, ...rest] = candidates;
    if (!backend) {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 502, message: 'no online instance answered' }));
      return;
    }
    const target = new URL(request.url ?? '/', backend.url);
    const upstream = http.request(
      target,
      { method: request.method, headers: endToEnd(request.headers), agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          ...endToEnd(answer.headers),
          [INSTANCE_HEADER]: backend.name,
        });
        answer.pipe(response);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!response.headersSent) {
        if (upstream.reusedSocket && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')) {
          // A kept-alive connection the backend had closed: nothing was answered; try a fresh one.
          forward(request, body, response, candidates);
          return;
        }
        if (error.code === 'ECONNREFUSED') {
          mark(backend, false);
          forward(request, body, response, rest);
          return;
        }
        if (IDEMPOTENT.has(request.method ?? '') && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')) {
          // The backend died with the request in hand and answered nothing: a read is safe to ask
          // again elsewhere, as a load balancer does. A POST is not (it may have taken effect).
          mark(backend, false);
          forward(request, body, response, rest);
          return;
        }
      }
      log(`${backend.name}: ${error.message}`);
      if (response.headersSent) response.destroy(error);
      else forward(request, body, response, []);
    });
    upstream.end(body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => forward(request, Buffer.concat(chunks), response, order()));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    healthy: () => backends.filter((b) => up.get(b.name)).map((b) => b.name),
    async close() {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

/** `online-1=http://127.0.0.1:3003` */
export function parseBackend(text: string): Backend {
  const match = /^([A-Za-z0-9-]+)=(https?:\/\/.+)$/.exec(text);
  if (!match) throw new Error(`--backend: expected name=http://host:port, got '${text}'`);
  return { name: match[1] as string, url: (match[2] as string).replace(/\/$/, '') };
}
