import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@marquee/config';
import { createLogger } from '@marquee/observability';
import { Cache } from './cache';

/** Keeps the event loop busy, as a long GC pause or a starved core does. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

/** Resolves after the pending process.nextTick callbacks, so corked writes have reached the socket. */
const afterTicks = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('Cache on the real memcached', () => {
  const config = loadConfig(process.env, 'marquee-test-cache');
  let cache: Cache;
  const key = `cache-test:${Date.now().toString(36)}`;

  before(async () => {
    cache = new Cache(config.memcached.servers, createLogger('test-cache', 'error', true), {
      timeoutMs: 50,
      namespace: config.cassandra.keyspace,
    });
    // Connected before the tests, so the requests below go out at once.
    await cache.version();
  });

  after(() => cache.close());

  it('stores, reads back and deletes a value', async () => {
    assert.equal(await cache.setJson(key, { n: 1 }, 60), true);
    assert.deepEqual(await cache.getJson(key), { n: 1 });
    await cache.delete(key);
    assert.equal(await cache.getJson(key), undefined);
    assert.equal(cache.stats.errors, 0);
  });

  it('does not fail requests answered while the event loop was busy past the deadline', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => cache.setJson(`${key}:${i}`, { i }, 60));
    await afterTicks();
    // memcached answers within a millisecond; the answers wait unread in the socket meanwhile.
    blockEventLoop(300);
    assert.deepEqual(await Promise.all(writes), new Array(20).fill(true));
    assert.equal(cache.stats.errors, 0, 'no request counted as failed');
    assert.equal(cache.available, true, 'the cache is not put in its cooldown');
    const reads = Array.from({ length: 20 }, (_, i) => cache.getJson<{ i: number }>(`${key}:${i}`));
    await afterTicks();
    blockEventLoop(300);
    assert.deepEqual(
      (await Promise.all(reads)).map((v) => v?.i),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });
});
