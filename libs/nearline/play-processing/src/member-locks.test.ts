import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemberLocks } from './member-locks';

/** Members the locks keep a queue for. */
const queued = (locks: MemberLocks) => (locks as unknown as { tails: Map<string, unknown> }).tails.size;

describe('member locks', () => {
  it("runs one member's tasks one at a time in order, even after a failure, and other members alongside", async () => {
    const locks = new MemberLocks();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
      };
    await Promise.allSettled([
      locks.run('m', task('m1', 20, true)),
      locks.run('m', task('m2', 1)),
      locks.run('n', task('n1', 1)),
    ]);
    assert.deepEqual(
      log.filter((l) => l.startsWith('m')),
      ['m1:start', 'm1:end', 'm2:start', 'm2:end'],
    );
    assert.ok(log.indexOf('n1:end') < log.indexOf('m1:end'), 'another member does not wait');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queued(locks), 0, 'nothing kept for idle members');
  });
});
