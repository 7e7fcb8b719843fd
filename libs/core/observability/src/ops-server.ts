import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

/**
 * The operations endpoint of a process without an HTTP API of its own (nearline, offline worker):
 * `/metrics` for Prometheus, `/health` (alive) and `/ready` (dependencies answer).
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  ready: () => Promise<HealthReport>;
}): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'only GET is served here' }));
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => send(200, text, options.registry.contentType))
        .catch((error: Error) => send(500, JSON.stringify({ error: error.message })));
      return;
    }
    if (path === '/health') return send(200, JSON.stringify({ ok: true }));
    if (path === '/ready') {
      options
        .ready()
        .then((report) => send(report.ok ? 200 : 503, JSON.stringify(report)))
        .catch((error: Error) => send(503, JSON.stringify({ ok: false, error: error.message })));
      return;
    }
    send(404, JSON.stringify({ error: `no route ${path}; try /metrics, /health or /ready` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
