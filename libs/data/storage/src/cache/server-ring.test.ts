import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerRing, parseServers } from './server-ring';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `marquee:page:member-${i}`);
const POOL = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
const FOURTH = '10.0.0.4:11211';

/** Where each key lives in a pool. */
const placement = (pick: (key: string) => string) => new Map(KEYS.map((key) => [key, pick(key)]));

/** memjs's own choice, hash(key) % servers: the baseline a ring must beat. */
function moduloPick(servers: readonly string[]): (key: string) => string {
  return (key) => {
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
    return servers[Math.abs(hash) % servers.length] ?? servers[0] ?? '';
  };
}

function movedShare(before: Map<string, string>, after: Map<string, string>): number {
  let moved = 0;
  for (const [key, server] of before) if (after.get(key) !== server) moved += 1;
  return moved / before.size;
}

describe('the memcached server ring', () => {
  it('spreads keys evenly over the pool', () => {
    const counts = new Map<string, number>();
    const ring = new ServerRing(POOL);
    for (const key of KEYS) counts.set(ring.serverFor(key), (counts.get(ring.serverFor(key)) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [...POOL].sort());
    for (const [server, n] of counts)
      assert.ok(Math.abs(n / KEYS.length - 1 / 3) < 0.08, `${server} holds ${n} of ${KEYS.length}`);
  });

  it('moves about a quarter of the keys, all to the new server, when a fourth server joins', () => {
    const pool = new ServerRing(POOL);
    const before = placement((key) => pool.serverFor(key));
    const ring = new ServerRing([...POOL, FOURTH]);
    const after = placement((key) => ring.serverFor(key));
    const moved = movedShare(before, after);
    assert.ok(moved > 0.17 && moved < 0.33, `${(moved * 100).toFixed(1)}% of the keys moved`);
    for (const [key, server] of after)
      if (before.get(key) !== server) assert.equal(server, FOURTH, `${key} moved between old servers`);
    // The baseline on the same keys: hash modulo the pool size moves about three quarters.
    const modulo = movedShare(placement(moduloPick(POOL)), placement(moduloPick([...POOL, FOURTH])));
    assert.ok(modulo > 0.6, `modulo hashing moved ${(modulo * 100).toFixed(1)}%`);
    assert.ok(moved < modulo / 2);
  });

  it("moves only the lost server's keys when one leaves", () => {
    const pool = new ServerRing(POOL);
    const before = placement((key) => pool.serverFor(key));
    const ring = new ServerRing(POOL.slice(0, 2));
    for (const [key, server] of before)
      if (server !== POOL[2]) assert.equal(ring.serverFor(key), server, `${key} moved`);
  });

  it('places keys by the servers, not by their order in the list', () => {
    const a = new ServerRing(POOL);
    const b = new ServerRing([...POOL].reverse());
    for (const key of KEYS.slice(0, 1000)) assert.equal(a.serverFor(key), b.serverFor(key));
  });

  it('reads the pool from a comma-separated list, naming an empty one', () => {
    assert.deepEqual(parseServers(' a:1, b:2,,a:1 '), ['a:1', 'b:2']);
    assert.throws(() => parseServers(' , '), /no memcached server in ' , '/);
    assert.throws(() => new ServerRing([]), /at least one server/);
  });
});
