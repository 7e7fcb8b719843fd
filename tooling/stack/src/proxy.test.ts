import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INSTANCE_HEADER, parseBackend, startRoundRobinProxy, type RunningProxy } from './proxy';

/** A backend that answers every path with its name and echoes request bodies. */
async function backend(name: string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ name, path: request.url, body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the local round-robin proxy', () => {
  let proxy: RunningProxy | undefined;
  after(async () => proxy?.close());

  it('alternates healthy backends, names each in a header, and skips one that died', async () => {
    const [a, b] = await Promise.all([backend('a'), backend('b')]);
    proxy = await startRoundRobinProxy({
      host: '127.0.0.1',
      port: 0,
      backends: [
        { name: 'online-1', url: a.url },
        { name: 'online-2', url: b.url },
      ],
      healthIntervalMs: 60_000,
    });
    const base = `http://127.0.0.1:${proxy.port}`;
    const served: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}/v1/x?i=${i}`);
      assert.equal(response.status, 200);
      served.push(response.headers.get(INSTANCE_HEADER) ?? '');
      assert.equal(((await response.json()) as { path: string }).path, `/v1/x?i=${i}`);
    }
    assert.deepEqual(served, ['online-1', 'online-2', 'online-1', 'online-2']);

    const posted = await fetch(`${base}/v1/plays`, { method: 'POST', body: '{"plays":[]}' });
    assert.equal(((await posted.json()) as { body: string }).body, '{"plays":[]}');

    // online-1 dies between health checks: its requests go to online-2, and it is marked down.
    b.server.closeAllConnections();
    a.server.closeAllConnections();
    await new Promise<void>((resolve) => a.server.close(() => resolve()));
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}/v1/x`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get(INSTANCE_HEADER), 'online-2');
    }
    assert.deepEqual(proxy.healthy(), ['online-2']);
    b.server.closeAllConnections();
    b.server.close();
    const none = await fetch(`${base}/v1/x`);
    assert.equal(none.status, 502);
  });

  it('sends a GET again to another backend when its backend dies before answering, never a POST', async () => {
    // Healthy to its health check, then killed with an API request in hand: the connection is
    // reset, no byte answered.
    const dying = http.createServer((request, response) =>
      request.url === '/health' ? response.end('ok') : request.socket.destroy(),
    );
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    const live = await backend('live');
    // The dying backend first in turn, health checks out of the way.
    const proxyOptions = {
      host: '127.0.0.1',
      port: 0,
      backends: [
        { name: 'online-1', url: `http://127.0.0.1:${(dying.address() as AddressInfo).port}` },
        { name: 'online-2', url: live.url },
      ],
      healthIntervalMs: 60_000,
    };
    const reset = await startRoundRobinProxy(proxyOptions);
    try {
      const base = `http://127.0.0.1:${reset.port}`;
      const read = await fetch(`${base}/v1/rows`);
      assert.equal(read.status, 200);
      assert.equal(read.headers.get(INSTANCE_HEADER), 'online-2');
      assert.deepEqual(reset.healthy(), ['online-2'], 'the dead backend is marked down');

      // With the dead backend next in turn again, a POST is not repeated: it may have taken effect.
      const stubborn = await startRoundRobinProxy(proxyOptions);
      try {
        const posted = await fetch(`http://127.0.0.1:${stubborn.port}/v1/plays`, {
          method: 'POST',
          body: '{"plays":[]}',
        });
        assert.equal(posted.status, 502);
      } finally {
        await stubborn.close();
      }
    } finally {
      await reset.close();
      dying.closeAllConnections();
      dying.close();
      live.server.closeAllConnections();
      live.server.close();
    }
  });

  it('names a malformed backend flag', () => {
    assert.deepEqual(parseBackend('online-1=http://127.0.0.1:3003/'), {
      name: 'online-1',
      url: 'http://127.0.0.1:3003',
    });
    assert.throws(() => parseBackend('127.0.0.1:3003'), /--backend: expected name=http:\/\/host:port/);
  });
});
