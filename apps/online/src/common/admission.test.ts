import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { Admission, admittingServer, EventLoopLag } from './admission';

describe('admission control', () => {
  it('admits up to the bound of requests in flight, then refuses until one is released', () => {
    const admission = new Admission({ maxInFlight: 2, shedLagMs: 100 }, { ms: 0 });
    assert.equal(admission.admit(), undefined);
    assert.equal(admission.admit(), undefined);
    assert.equal(admission.admit(), 'in_flight');
    assert.equal(admission.current, 2);
    admission.release();
    assert.equal(admission.admit(), undefined);
  });

  it('refuses while the event loop lags more than the threshold, and admits again once it does not', () => {
    const lag = { ms: 250 };
    const admission = new Admission({ maxInFlight: 100, shedLagMs: 100 }, lag);
    assert.equal(admission.admit(), 'lag');
    assert.equal(admission.current, 0, 'a refused request holds no place');
    lag.ms = 20;
    assert.equal(admission.admit(), undefined);
  });

  it('smooths the lag: one long pause does not shed alone, a loop late every time does', () => {
    const threshold = 100;
    const lag = new EventLoopLag(2 * threshold);
    lag.stop();
    let at = performance.now();
    lag.sample((at += 20 + 2000));
    assert.ok(lag.ms < threshold, `one 2 s pause: ${lag.ms} ms`);
    for (let i = 0; i < 10; i += 1) lag.sample((at += 20 + 150));
    assert.ok(lag.ms > threshold, `150 ms late every time: ${lag.ms} ms`);
    for (let i = 0; i < 20; i += 1) lag.sample((at += 20));
    assert.ok(lag.ms < 5, `on time again: ${lag.ms} ms`);
  });
});

describe('the admitting HTTP server', () => {
  it('answers API requests past its bound 503 before the framework sees them, and others always', async () => {
    const registry = new Registry();
    const admission = admittingServer(registry, { maxInFlight: 1, shedLagMs: 60_000 });
    const seen: string[] = [];
    let finishFirst: () => void = () => undefined;
    const server = admission.serverFactory((request, response) => {
      seen.push(request.url ?? '');
      if (request.url === '/v1/slow') finishFirst = () => response.end('slow');
      else response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    try {
      const slow = fetch(`${base}/v1/slow`);
      while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const refused = await fetch(`${base}/v1/other`);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(((await refused.json()) as { statusCode: number }).statusCode, 503);
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200, 'probes are never shed');
      assert.deepEqual(seen, ['/v1/slow', '/health'], 'the refused request never reached the framework');
      finishFirst();
      assert.equal(await (await slow).text(), 'slow');
      const after = await fetch(`${base}/v1/other`);
      assert.equal(after.status, 200, 'admitted again once the first is answered');
      await after.arrayBuffer();
      const metrics = await registry.metrics();
      assert.match(metrics, /marquee_online_shed_total\{reason="in_flight"\} 1\n/);
      assert.match(
        metrics,
        /marquee_http_request_duration_seconds_count\{[^}]*route="shed"[^}]*status="503"\} 1\n/,
      );
    } finally {
      admission.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("keeps Fastify's connection settings: idle keep-alive connections are not closed after Node's 5 s", async () => {
    const admission = admittingServer(new Registry(), { maxInFlight: 1, shedLagMs: 60_000 });
    const app = Fastify({ serverFactory: admission.serverFactory, keepAliveTimeout: 65_000 });
    try {
      await app.ready();
      assert.equal(app.server.keepAliveTimeout, 65_000);
      const defaults = Fastify({ serverFactory: admission.serverFactory });
      await defaults.ready();
      assert.equal(defaults.server.keepAliveTimeout, 72_000, "Fastify's default");
      await defaults.close();
    } finally {
      admission.close();
      await app.close();
    }
  });
});
