import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import { createLogger } from '@marquee/observability';
import { Cache } from '../cache/cache';
import { cacheKeys } from '../cache/keys';
import { createCassandraClient } from '../cassandra/client';
import { migrate } from '../cassandra/migrations';
import { ProfilesRepository } from '../cassandra/profiles-repository';
import { ProfileStore } from './profile-store';

describe('ProfileStore (real Cassandra, memcached)', () => {
  const config = loadConfig(process.env, 'marquee-test-profile-store');
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let client: Client;
  let cache: Cache;
  let profiles: ProfilesRepository;
  let store: ProfileStore;

  before(async () => {
    const bootstrap = createCassandraClient(config.cassandra);
    await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    await bootstrap.shutdown();
    client = createCassandraClient(config.cassandra, config.cassandra.keyspace);
    await client.connect();
    cache = new Cache(config.memcached.servers, createLogger('test-profile-store', 'error', true), {
      timeoutMs: 500,
      namespace: config.cassandra.keyspace,
    });
    profiles = new ProfilesRepository(client);
    store = new ProfileStore(profiles, cache);
  });
  after(async () => {
    cache.close();
    await client.shutdown();
  });

  const waitForCopy = async (key: string) => {
    for (let i = 0; i < 50 && !(await cache.getJson(key)); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('a member without a profile reads null, and that is cached too', async () => {
    const member = `pf-none-${suffix}`;
    assert.equal(await store.read(member), null);
    await waitForCopy(cacheKeys.profile(member));
    assert.deepEqual(await cache.getJson(cacheKeys.profile(member)), { profile: null });
  });

  it('a write replaces the whole profile in Cassandra and its hot copy; writing it again changes nothing', async () => {
    const member = `pf-write-${suffix}`;
    assert.equal(await store.read(member), null, 'read (and cached) before the write');
    const kids = {
      maturity: 'kids' as const,
      region: 'DE',
      updatedAt: '2026-12-01T10:00:00.000Z',
      updatedBy: 'op',
    };
    await store.write(member, kids);
    await store.write(member, kids);
    assert.deepEqual(await profiles.get(member), kids);
    assert.deepEqual(await store.read(member), kids, 'the hot copy of "none" was replaced');
    const adult = { maturity: 'adult' as const, updatedAt: '2026-12-01T11:00:00.000Z' };
    await store.write(member, adult);
    assert.deepEqual(await profiles.get(member), adult, 'the region is cleared');
    assert.deepEqual(await store.read(member), adult);
  });
});
