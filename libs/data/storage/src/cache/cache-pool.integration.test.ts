import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import memjs from 'memjs';
import { createLogger } from '@marquee/observability';
import { Cache } from './cache';

const memcachedBinary = spawnSync('memcached', ['-V'], { encoding: 'utf8' }).status === 0;

/** A free local port, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket.end() && true));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`memcached on port ${port} did not start`);
}

describe(
  'Cache over a pool of two real memcached servers',
  {
    skip: memcachedBinary ? false : 'memcached is not on PATH (deploy/local/fetch-memcached.sh installs it)',
  },
  () => {
    const processes: ChildProcess[] = [];
    const servers: string[] = [];
    let cache: Cache;
    const run = Date.now().toString(36);
    const keys = Array.from({ length: 200 }, (_, i) => `pool-test:${run}:${i}`);

    before(async () => {
      // Two servers of this test's own, so the shared one on the default port is left alone.
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        // memcached refuses to run as root unless told which user to be.
        const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
        const child = spawn(
          'memcached',
          ['-l', '127.0.0.1', '-p', String(port), '-m', '16', '-U', '0', ...user],
          {
            stdio: 'ignore',
          },
        );
        processes.push(child);
        await waitForPort(port);
        servers.push(`127.0.0.1:${port}`);
      }
      cache = new Cache(servers.join(','), createLogger('test-cache-pool', 'error', true), {
        timeoutMs: 200,
      });
    });

    after(() => {
      cache?.close();
      for (const child of processes) child.kill('SIGTERM');
    });

    it('stores each key on the server the ring names, and both servers hold a share', async () => {
      for (const key of keys) assert.equal(await cache.setJson(key, { key }, 60), true);
      for (const key of keys) assert.deepEqual(await cache.getJson(key), { key });
      const held = new Map<string, number>();
      for (const server of servers) {
        const direct = memjs.Client.create(server, { retries: 0, logger: { log: () => undefined } });
        try {
          for (const key of keys) {
            const { value } = await direct.get(key);
            const owner = cache.ring.serverFor(key);
            assert.equal(value !== null, owner === server, `${key} on ${server}, ring says ${owner}`);
            if (value) held.set(server, (held.get(server) ?? 0) + 1);
          }
        } finally {
          direct.close();
        }
      }
      const counts = servers.map((server) => held.get(server) ?? 0);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        keys.length,
      );
      for (const n of counts) assert.ok(n > keys.length * 0.25, `shares ${counts.join(' / ')}`);
      assert.equal(cache.stats.errors, 0);
    });

    it("keeps serving the live server's keys when the other server dies", async () => {
      const [live, dead] = servers as [string, string];
      processes[1]?.kill('SIGKILL');
      await new Promise((resolve) => processes[1]?.once('exit', resolve));
      const onDead = keys.filter((key) => cache.ring.serverFor(key) === dead);
      const onLive = keys.filter((key) => cache.ring.serverFor(key) === live);
      // The first read of a dead server's key fails and cools that server down, not the pool.
      for (const key of onDead) assert.equal(await cache.getJson(key), undefined);
      assert.ok(cache.stats.errors >= 1);
      assert.equal(cache.available, false, 'a server of the pool is cooling down');
      for (const key of onLive) assert.deepEqual(await cache.getJson(key), { key });
    });

    it('fails a read of the dead server at once, not after its deadline', async () => {
      const dead = servers[1] as string;
      // A long deadline: a refused connection must not wait for it, nor for memjs's own timeouts.
      const patient = new Cache(dead, createLogger('test-cache-dead', 'fatal', true), { timeoutMs: 2000 });
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          const started = performance.now();
          assert.equal(await patient.getJson(`dead-test:${run}:${attempt}`), undefined);
          const ms = performance.now() - started;
          assert.ok(ms < 250, `read ${attempt} of a dead server took ${Math.round(ms)} ms`);
          // Past the cooldown, so each read tries the server again.
          await new Promise((resolve) => setTimeout(resolve, 1100));
        }
        assert.equal(patient.stats.errors, 3);
      } finally {
        patient.close();
      }
    });
  },
);
