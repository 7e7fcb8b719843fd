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
});
