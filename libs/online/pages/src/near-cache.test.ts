import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NearCache } from './near-cache';

describe('NearCache', () => {
  const counting = () => {
    let reads = 0;
    const read = () => ({ signal: Promise.resolve(++reads) });
    return { read, count: () => reads };
  };

  it("shares one read of a member's signals for ttl, then reads again", async () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(250, 10_000, 0);
    const { read, count } = counting();
    assert.equal(await cache.reads('m1', 1000, read).signal, 1);
    assert.equal(await cache.reads('m1', 1200, read).signal, 1);
    assert.equal(await cache.reads('m2', 1200, read).signal, 2);
    assert.equal(await cache.reads('m1', 1250, read).signal, 3);
    assert.equal(count(), 3);
  });

  it('drops a failed read at once, and a member forgotten after a play', async () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(250, 10_000, 0);
    const failing = cache.reads('m1', 0, () => ({ signal: Promise.reject(new Error('down')) }));
    await assert.rejects(failing.signal);
    assert.equal(await cache.reads('m1', 1, () => ({ signal: Promise.resolve(7) })).signal, 7);
    cache.forget('m1', 2);
    assert.equal(await cache.reads('m1', 2, () => ({ signal: Promise.resolve(8) })).signal, 8);
    // For a while after a play, every page reads afresh; then the near cache serves again.
    assert.equal(await cache.reads('m1', 3, () => ({ signal: Promise.resolve(9) })).signal, 9);
    assert.equal(await cache.reads('m1', 2500, () => ({ signal: Promise.resolve(10) })).signal, 10);
    assert.equal(await cache.reads('m1', 2600, () => ({ signal: Promise.resolve(11) })).signal, 10);
  });

  it('drops a member whose rows changed (and their pages), without reading around the cache after', async () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(250, 10_000, 0);
    const { read, count } = counting();
    const reads = cache.reads('m1', 0, read);
    cache.keepPage('m1', reads, 'tv', 'page 1');
    cache.drop('m1');
    assert.equal(cache.servable('m1', 'tv', 1), undefined);
    const fresh = cache.reads('m1', 1, read);
    assert.equal(await fresh.signal, 2);
    // The page blended from the dropped reads is not kept for the fresh ones.
    cache.keepPage('m1', reads, 'tv', 'stale page');
    assert.equal(cache.servable('m1', 'tv', 2), undefined);
    assert.equal(await cache.reads('m1', 3, read).signal, 2);
    assert.equal(count(), 2);
  });

  it('reads every time when the ttl is 0, and holds at most its capacity of members', async () => {
    const off = new NearCache<{ signal: Promise<number> }, string>(0);
    const { read, count } = counting();
    off.reads('m1', 0, read);
    off.reads('m1', 0, read);
    assert.equal(count(), 2);
    const small = new NearCache<{ signal: Promise<number> }, string>(1000, 2, 0);
    const other = counting();
    for (const m of ['a', 'b', 'c', 'a']) small.reads(m, 0, other.read);
    assert.equal(other.count(), 4, 'a was evicted when c came in');
  });

  it('keeps pages blended from the current reads only, serving one past its time while it is blended again', () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(250, 10_000, 0);
    const reads = cache.reads('m1', 0, () => ({ signal: Promise.resolve(1) }));
    cache.keepPage('m1', reads, 'tv', 'page for tv');
    assert.deepEqual(cache.servable('m1', 'tv', 100), { page: 'page for tv', refresh: false });
    assert.equal(cache.servable('m1', 'web', 100), undefined);
    // Past the ttl the page is served once more with a refresh asked for, then without one
    // while that refresh runs; past twice the ttl not at all.
    assert.deepEqual(cache.servable('m1', 'tv', 250), { page: 'page for tv', refresh: true });
    assert.deepEqual(cache.servable('m1', 'tv', 260), { page: 'page for tv', refresh: false });
    assert.equal(cache.servable('m1', 'tv', 500), undefined);
    // Reads replaced meanwhile: a page from the old ones is not kept.
    const newer = cache.reads('m1', 300, () => ({ signal: Promise.resolve(2) }));
    cache.keepPage('m1', reads, 'tv', 'stale page');
    assert.equal(cache.servable('m1', 'tv', 301), undefined);
    cache.keepPage('m1', newer, 'tv', 'fresh page');
    assert.deepEqual(cache.servable('m1', 'tv', 301), { page: 'fresh page', refresh: false });
  });

  it("spreads the members' expiries over the last quarter of the ttl, so they are not refreshed in waves", async () => {
    const draws = [0, 1, 0.5];
    const cache = new NearCache<{ signal: Promise<number> }, string>(
      1000,
      10_000,
      0.25,
      () => draws.shift() ?? 0,
    );
    const { read, count } = counting();
    for (const m of ['a', 'b', 'c']) cache.reads(m, 0, read);
    // a lives the whole ttl, b three quarters of it, c seven eighths.
    for (const m of ['a', 'b', 'c']) cache.reads(m, 740, read);
    assert.equal(count(), 3);
    cache.reads('b', 750, read);
    cache.reads('c', 860, read);
    assert.equal(count(), 4, 'b expired at 750, c not yet at 860');
    cache.reads('c', 875, read);
    cache.reads('a', 999, read);
    assert.equal(count(), 5, 'c expired at 875, a not before 1000');
  });

  it('keeps a degraded page only for its short ttl, even when signal reads are not shared', () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(0);
    cache.keepDegraded('m1', 'tv', 'degraded page', 1000, 1000);
    assert.deepEqual(cache.servable('m1', 'tv', 1500), {
      page: 'degraded page',
      refresh: false,
      degraded: true,
    });
    assert.equal(cache.servable('m1', 'web', 1500), undefined);
    assert.equal(
      cache.servable('m1', 'tv', 2000),
      undefined,
      'gone after its ttl: the stores are tried again',
    );
    cache.keepDegraded('m1', 'tv', 'off', 3000, 0);
    assert.equal(cache.servable('m1', 'tv', 3001), undefined, 'a ttl of 0 keeps nothing');
  });

  it('prefers a whole page over a degraded one, and drops degraded pages with the member', () => {
    const cache = new NearCache<{ signal: Promise<number> }, string>(250, 10_000, 0);
    cache.keepDegraded('m1', 'tv', 'degraded page', 0, 1000);
    const reads = cache.reads('m1', 10, () => ({ signal: Promise.resolve(1) }));
    cache.keepPage('m1', reads, 'tv', 'whole page');
    assert.deepEqual(cache.servable('m1', 'tv', 20), { page: 'whole page', refresh: false });
    cache.keepDegraded('m2', 'tv', 'degraded page', 0, 1000);
    cache.drop('m2');
    assert.equal(cache.servable('m2', 'tv', 1), undefined);
    cache.keepDegraded('m3', 'tv', 'degraded page', 0, 1000);
    cache.clear();
    assert.equal(cache.servable('m3', 'tv', 1), undefined);
    // After a play through this instance, nothing degraded is kept for the member for a while.
    cache.forget('m4', 0);
    cache.keepDegraded('m4', 'tv', 'degraded page', 1, 1000);
    assert.equal(cache.servable('m4', 'tv', 2), undefined);
  });
});
