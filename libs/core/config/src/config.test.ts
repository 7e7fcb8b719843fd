import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, unsafeForProduction } from './config';

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

describe('production settings', () => {
  const safe = {
    MARQUEE_ENV: 'production',
    MARQUEE_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
    MARQUEE_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters!',
    MARQUEE_CASSANDRA_REPLICATION: '3',
    MARQUEE_KAFKA_REPLICATION: '3',
    MARQUEE_KAFKA_MIN_INSYNC_REPLICAS: '2',
  };

  it('refuses the built-in local secret in production and names the variable', () => {
    assert.throws(
      () => loadConfig({ ...safe, MARQUEE_JWT_SECRET: undefined }),
      /MARQUEE_JWT_SECRET is the built-in local secret/,
    );
  });

  it('refuses local HS256 tokens unless allowed, the demo page, and a single replica', () => {
    assert.throws(
      () => loadConfig({ ...safe, MARQUEE_JWKS_URL: undefined }),
      /MARQUEE_ALLOW_LOCAL_TOKENS=on/,
    );
    assert.doesNotThrow(() =>
      loadConfig({ ...safe, MARQUEE_JWKS_URL: undefined, MARQUEE_ALLOW_LOCAL_TOKENS: 'on' }),
    );
    assert.throws(() => loadConfig({ ...safe, MARQUEE_DEMO_PAGE: 'on' }), /MARQUEE_DEMO_PAGE=on/);
    assert.throws(() => loadConfig({ ...safe, MARQUEE_CASSANDRA_REPLICATION: '1' }), /use 3/);
    assert.throws(() => loadConfig({ ...safe, MARQUEE_KAFKA_MIN_INSYNC_REPLICAS: '1' }), /use 3 \/ 2/);
  });

  it('accepts anything in development, and reports nothing unsafe for a safe production setup', () => {
    assert.equal(loadConfig({}).env, 'development');
    assert.deepEqual(unsafeForProduction(loadConfig(safe)), []);
  });
});
