import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline } from './deadline';
import { LastPages } from './last-pages';

const never = new Promise<string>(() => undefined);

describe('Deadline', () => {
  it('gives every read the same deadline and reports answers, failures and late reads', async () => {
    const deadline = new Deadline(20);
    const outcomes = await Promise.all([
      deadline.race(Promise.resolve('fast')),
      deadline.race(Promise.reject(new Error('connection refused'))),
      deadline.race(never),
    ]);
    deadline.clear();
    assert.deepEqual(outcomes, [
      { ok: true, value: 'fast' },
      { ok: false, why: 'failed', error: 'connection refused' },
      { ok: false, why: 'late' },
    ]);
  });
});

describe('LastPages', () => {
  const row = (id: string, source: string) => ({ id, title: id, reason: '', source, items: [] });

  it('remembers real rows, never fallbacks, and forgets the least recently served member first', () => {
    const pages = new LastPages(2);
    pages.remember('m1', [row('top-picks', 'memcached')]);
    pages.remember('m1', [
      row('top-picks', 'fallback:popular-memory'),
      row('trending-now', 'signal:trending'),
    ]);
    assert.equal(pages.row('m1', 'top-picks')?.source, 'memcached');
    assert.equal(pages.row('m1', 'trending-now')?.source, 'signal:trending');
    pages.remember('m2', [row('top-picks', 'cassandra')]);
    pages.remember('m1', []);
    pages.remember('m3', [row('top-picks', 'cassandra')]);
    assert.equal(pages.size, 2);
    assert.equal(pages.row('m2', 'top-picks'), undefined);
    assert.ok(pages.row('m1', 'top-picks'));
  });
});
