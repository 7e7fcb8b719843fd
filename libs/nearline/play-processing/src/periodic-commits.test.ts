import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { PeriodicCommits } from './periodic-commits';

/** Offsets not committed yet, as the next offset to read per partition. */
const uncommitted = (commits: PeriodicCommits) =>
  (commits as unknown as { pending: ReadonlyMap<number, string> }).pending;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(fail = 0) {
  const sent: TopicPartitionOffsetAndMetadata[][] = [];
  const errors: number[][] = [];
  let failures = fail;
  const commits = new PeriodicCommits({
    topic: 'plays',
    intervalMs: 20,
    commit: async (offsets) => {
      await sleep(1);
      if (failures-- > 0) throw new Error('rebalancing');
      sent.push(offsets);
    },
    onError: (_error, partitions) => errors.push(partitions),
  });
  return { commits, sent, errors };
}

describe('PeriodicCommits', () => {
  it('commits the next offset of each partition once per interval, newest offset only', async () => {
    const { commits, sent } = recorder();
    commits.done(0, '9');
    commits.done(1, '4');
    commits.done(0, '12');
    assert.equal(sent.length, 0, 'nothing is sent before the interval');
    await sleep(60);
    assert.deepEqual(sent, [
      [
        { topic: 'plays', partition: 0, offset: '13' },
        { topic: 'plays', partition: 1, offset: '5' },
      ],
    ]);
    assert.equal(uncommitted(commits).size, 0);
    commits.stop();
  });

  it('keeps a failed commit for the next one unless a newer offset came meanwhile', async () => {
    const { commits, sent, errors } = recorder(1);
    commits.done(0, '9');
    commits.done(1, '4');
    const first = commits.flush();
    commits.done(1, '7');
    await first;
    assert.deepEqual(errors, [[0, 1]]);
    assert.deepEqual(Object.fromEntries(uncommitted(commits)), { 0: '10', 1: '8' });
    await sleep(60);
    assert.deepEqual(sent, [
      [
        { topic: 'plays', partition: 0, offset: '10' },
        { topic: 'plays', partition: 1, offset: '8' },
      ],
    ]);
    commits.stop();
  });

  it('sends one request at a time, so a later offset is never overtaken by an earlier one', async () => {
    const order: string[] = [];
    const commits = new PeriodicCommits({
      topic: 'plays',
      intervalMs: 1000,
      commit: async (offsets) => {
        await sleep(offsets[0]?.offset === '2' ? 20 : 1);
        order.push(offsets[0]?.offset ?? '');
      },
      onError: () => assert.fail('no error expected'),
    });
    commits.done(0, '1');
    const first = commits.flush();
    commits.done(0, '5');
    await Promise.all([first, commits.flush()]);
    assert.deepEqual(order, ['2', '6']);
    commits.stop();
  });

  it('forgets uncommitted offsets after a rebalance, and commits nothing after stop unless flushed', async () => {
    const { commits, sent } = recorder();
    commits.done(3, '40');
    commits.forget();
    commits.stop();
    commits.done(2, '7');
    await sleep(60);
    assert.equal(sent.length, 0);
    await commits.flush();
    assert.deepEqual(sent, [[{ topic: 'plays', partition: 2, offset: '8' }]]);
  });
});
