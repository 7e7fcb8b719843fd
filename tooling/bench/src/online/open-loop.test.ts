import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentileOfSorted } from '../percentiles';
import { openLoop, percentiles } from './open-loop';

/** Runs `use` against a local server answering with `handler` on a free port, then closes it. */
async function withServer(
  handler: http.RequestListener,
  use: (origin: string) => Promise<void>,
): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('open-loop load at a fixed rate', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.deepEqual(percentiles(values), { p50Ms: 50, p90Ms: 90, p99Ms: 99 });
    assert.equal(percentileOfSorted(Float64Array.of(7), 0.99), 7);
  });

  it('offers exactly rate × duration requests and counts every answer', async () => {
    let served = 0;
    const handler: http.RequestListener = (request, response) => {
      served += 1;
      response.writeHead(request.url?.endsWith('/missing') ? 404 : 200).end('{}');
    };
    await withServer(handler, async (origin) => {
      const result = await openLoop({
        origin,
        rate: 200,
        durationMs: 500,
        request: (i) => ({ path: i % 4 === 0 ? '/missing' : '/ok', headers: {} }),
      });
      assert.equal(result.sent, 100);
      assert.equal(result.completed, 100);
      assert.equal(served, 100);
      assert.equal(result.non2xx, 25);
      assert.deepEqual(result.statuses, { 200: 75, 404: 25 });
      assert.ok(result.accepted.p99Ms > 0, 'the 2xx answers have their own percentiles');
      assert.equal(result.errors, 0);
      // How far the generator fell behind depends on the machine; that it reports it does not.
      assert.ok(Number.isFinite(result.maxSendLagMs) && result.maxSendLagMs >= 0);
      assert.ok(result.p50Ms <= result.p90Ms && result.p90Ms <= result.p99Ms);
    });
  });

  it('offers the warm-up at the same rate but measures and counts only the window after it', async () => {
    const paths: string[] = [];
    const handler: http.RequestListener = (request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(200).end('{}');
    };
    await withServer(handler, async (origin) => {
      const started = performance.now();
      const result = await openLoop({
        origin,
        rate: 200,
        warmupMs: 250,
        durationMs: 250,
        request: (i) => ({ path: i < 50 ? '/warm' : '/measured', headers: {} }),
      });
      assert.equal(paths.filter((p) => p === '/warm').length, 50);
      assert.equal(paths.filter((p) => p === '/measured').length, 50);
      assert.equal(result.sent, 50);
      assert.equal(result.completed, 50);
      assert.ok(performance.now() - started >= 490, 'the window starts after the warm-up');
    });
  });

  it('counts refused connections as errors instead of failing', async () => {
    const result = await openLoop({
      origin: 'http://127.0.0.1:1',
      rate: 100,
      durationMs: 100,
      request: () => ({ path: '/', headers: {} }),
    });
    assert.equal(result.errors, result.sent);
  });

  it('counts a request unanswered within the timeout as an error', async () => {
    const handler: http.RequestListener = () => undefined;
    await withServer(handler, async (origin) => {
      const result = await openLoop({
        origin,
        rate: 50,
        durationMs: 100,
        timeoutMs: 200,
        lateMs: 150,
        windowMs: 40,
        request: () => ({ path: '/silent', headers: {} }),
      });
      assert.equal(result.sent, 5);
      assert.equal(result.late, 5, 'every timeout is later than lateMs');
      assert.equal(result.acceptedInTime, 0);
      assert.deepEqual(result.statuses, {});
      assert.equal(result.p99ByWindowMs?.length, 3, 'windows of 40 ms at 50 req/s hold 2, 2 and 1 requests');
      assert.equal(result.completed, 5);
      assert.equal(result.errors, 5);
      assert.ok(result.p50Ms >= 200, `timed out requests are measured until they fail (${result.p50Ms} ms)`);
      assert.ok(
        (result.lateSplit?.connectedP50Ms ?? 0) >= 150,
        `the late ones waited after they had a connection (${JSON.stringify(result.lateSplit)})`,
      );
    });
  });

  it('reports how long requests waited for a connection when every connection held an answer back', async () => {
    // One connection and 50 ms an answer, at 100 requests a second: each request waits for the ones
    // before it, the tenth about 400 ms past its due time, whatever the machine's speed.
    const handler: http.RequestListener = (_request, response) => {
      setTimeout(() => response.writeHead(200).end('{}'), 50);
    };
    await withServer(handler, async (origin) => {
      const result = await openLoop({
        origin,
        rate: 100,
        durationMs: 100,
        maxSockets: 1,
        request: () => ({ path: '/slow', headers: {} }),
      });
      assert.equal(result.completed, 10);
      assert.ok(result.queueP99Ms >= 350, `the last request queued behind nine (${result.queueP99Ms} ms)`);
    });
  });
});
