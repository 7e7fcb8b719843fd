import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the local stack ports', () => {
    const config = loadConfig({});
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(config.cassandra.port, 9042);
    assert.equal(config.temporal.address, '127.0.0.1:7233');
    assert.equal(config.memcached.servers, '127.0.0.1:11211');
    assert.equal(config.online.port, 3000);
  });

  it('moves every address with its port variable', () => {
    const config = loadConfig({ MARQUEE_KAFKA_PORT: '19092', MARQUEE_CASSANDRA_PORT: '19042' });
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
    assert.deepEqual(config.cassandra.contactPoints, ['127.0.0.1:19042']);
  });

  it('names the variable that is wrong', () => {
    assert.throws(
      () => loadConfig({ MARQUEE_ONLINE_PORT: 'eighty' }),
      (e: unknown) => e instanceof ConfigError && /MARQUEE_ONLINE_PORT/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ MARQUEE_KEYSPACE: 'Drop Table' }),
      /MARQUEE_KEYSPACE: must be a lowercase CQL identifier/,
    );
  });

  it("gives each process's memcached deadline its one default", () => {
    const config = loadConfig({});
    assert.equal(config.memcached.timeoutMs, 50);
    assert.equal(config.online.cacheTimeoutMs, 500);
    assert.equal(config.nearline.cacheTimeoutMs, 500);
    assert.equal(loadConfig({ MARQUEE_ONLINE_CACHE_TIMEOUT_MS: '80' }).online.cacheTimeoutMs, 80);
  });

  it('reads the online and nearline settings, one variable serving both where they share one', () => {
    const config = loadConfig({
      MARQUEE_SIMILAR_REGISTRATION: 'knn-1',
      MARQUEE_RATE_LIMIT_DEVICE: '7',
      MARQUEE_NEARLINE_CONSUMERS: '2',
    });
    assert.equal(config.online.similarRegistration, 'knn-1');
    assert.equal(config.nearline.similarRegistration, 'knn-1');
    assert.equal(config.online.rateLimit.limits.device, 7);
    assert.equal(config.online.rateLimit.limits.producer, 5000);
    assert.equal(config.nearline.consumers, 2);
    assert.equal(config.nearline.concurrency, undefined);
    assert.throws(() => loadConfig({ MARQUEE_NEARLINE_CONSUMERS: '0' }), /MARQUEE_NEARLINE_CONSUMERS/);
  });
});
