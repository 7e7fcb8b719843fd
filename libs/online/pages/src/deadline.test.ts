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
  const page = (...rows: Array<[string, string]>) =>
    JSON.stringify({ rows: rows.map(([id, source]) => ({ id, title: id, reason: '', source, items: [] })) });

  it("keeps each member's last page served without fallbacks, forgetting the least recently served first", () => {
    const pages = new LastPages(2);
    pages.remember('m1', page(['top-picks', 'memcached'], ['trending-now', 'signal:trending']));
    assert.equal(pages.row('m1', 'top-picks')?.source, 'memcached');
    assert.equal(pages.row('m1', 'trending-now')?.source, 'signal:trending');
    assert.equal(pages.row('m1', 'because-you-watched'), undefined);
    pages.remember('m2', page(['top-picks', 'cassandra']));
    pages.remember('m1', page(['top-picks', 'cassandra']));
    pages.remember('m3', page(['top-picks', 'cassandra']));
    assert.equal(pages.size, 2);
    assert.equal(pages.row('m2', 'top-picks'), undefined);
    assert.equal(pages.row('m1', 'top-picks')?.source, 'cassandra');
  });
});
