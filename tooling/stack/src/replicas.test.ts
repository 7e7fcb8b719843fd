import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatReplicas, parseReplicas } from './replicas';

describe('--replicas', () => {
  it('reads tier=count pairs; tiers left out run one process', () => {
    assert.deepEqual(parseReplicas('online=2,nearline=2,worker=2', 6), {
      online: 2,
      nearline: 2,
      worker: 2,
      memcached: 1,
    });
    assert.equal(formatReplicas(parseReplicas('memcached=2', 6)), 'online=1,nearline=1,worker=1,memcached=2');
  });

  it('names every bad part: unknown tier, count out of range, more nearline than partitions', () => {
    assert.throws(
      () => parseReplicas('onlin=2', 6),
      /--replicas: 'onlin=2': unknown tier 'onlin'; known: online/,
    );
    assert.throws(
      () => parseReplicas('online=0', 6),
      /'online=0': online must be a whole number from 1 to 8/,
    );
    assert.throws(() => parseReplicas('worker=two', 6), /'worker=two': worker must be a whole number/);
    assert.throws(
      () => parseReplicas('nearline=7', 6),
      /nearline must be a whole number from 1 to 6 \(plays has 6 partitions/,
    );
    assert.throws(() => parseReplicas('online', 6), /'online': expected tier=count/);
    assert.throws(() => parseReplicas('online=2,online=3', 6), /online is given twice/);
    assert.throws(
      () => parseReplicas('online=9,memcached=5', 6),
      (error: Error) => /online=9/.test(error.message) && /memcached=5/.test(error.message),
    );
  });
});
