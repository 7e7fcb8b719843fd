import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import { createLogger } from '@marquee/observability';
import { Cache } from '../cache/cache';
import { cacheKeys } from '../cache/keys';
import { createCassandraClient } from '../cassandra/client';
import { ListsRepository, type ListVersion } from '../cassandra/lists-repository';
import { migrate } from '../cassandra/migrations';
import { ListStore } from './list-store';

describe('ListStore (real Cassandra, memcached)', () => {
  const config = loadConfig(process.env, 'marquee-test-list-store');
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let client: Client;
  let cache: Cache;
  let lists: ListsRepository;
  let store: ListStore;

  before(async () => {
    const bootstrap = createCassandraClient(config.cassandra);
    await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    await bootstrap.shutdown();
    client = createCassandraClient(config.cassandra, config.cassandra.keyspace);
    await client.connect();
    cache = new Cache(config.memcached.servers, createLogger('test-list-store', 'error', true), {
      timeoutMs: 500,
      namespace: config.cassandra.keyspace,
    });
    lists = new ListsRepository(client);
    store = new ListStore(lists, cache);
  });
  after(async () => {
    cache.close();
    await client.shutdown();
  });

  const entry = { itemIds: ['i1', 'i2'], scores: [2, 1] };

  it('reads through to Cassandra on a miss and refills the cache', async () => {
    const list = `ls-read-${suffix}`;
    await lists.writeEntries(list, 'v1', [{ memberId: 'm1', list: entry }]);
    const key = cacheKeys.listEntry(list, 'v1', 'm1');
    assert.equal(await cache.getJson(key), undefined, 'nothing cached yet');
    assert.deepEqual(await store.readEntry(list, 'v1', 'm1'), { list: entry, source: 'cassandra' });
    // The refill is not awaited by the read.
    for (let i = 0; i < 50 && !(await cache.getJson(key)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await cache.getJson(key), entry);
    assert.deepEqual(await store.readEntry(list, 'v1', 'm1'), { list: entry, source: 'memcached' });
    assert.equal(await store.readEntry(list, 'v1', 'nobody'), null);
  });

  it('writes through: Cassandra first, then the hot copies', async () => {
    const list = `ls-write-${suffix}`;
    await store.writeEntries(list, 'v1', [
      { memberId: 'm1', list: entry },
      { memberId: 'm2', list: { itemIds: ['i3'], scores: [1] } },
    ]);
    assert.deepEqual(await lists.readEntry(list, 'v1', 'm1'), entry);
    assert.deepEqual(await cache.getJson(cacheKeys.listEntry(list, 'v1', 'm1')), entry);
    assert.deepEqual(await cache.getJson(cacheKeys.listEntry(list, 'v1', 'm2')), {
      itemIds: ['i3'],
      scores: [1],
    });
    await store.writeEntries(list, 'v2', [{ memberId: 'm1', list: entry }], { hotCopies: false });
    assert.deepEqual(await lists.readEntry(list, 'v2', 'm1'), entry);
    assert.equal(await cache.getJson(cacheKeys.listEntry(list, 'v2', 'm1')), undefined);
  });

  it('switchChampion moves the pointer, the statuses and the hot copy of the pointer', async () => {
    const list = `ls-champion-${suffix}`;
    const version = (v: string): ListVersion => ({
      list,
      version: v,
      algorithm: 'popularity',
      status: 'candidate',
      location: `cassandra:list_entries/${list}/${v}`,
      members: 1,
      items: 2,
      checksum: 'c',
      metrics: {},
      workflowId: 'w',
      createdAt: new Date(),
    });
    await lists.saveVersion(version('v1'));
    await lists.saveVersion(version('v2'));
    assert.equal(await store.championVersion(list), null);

    const first = await store.switchChampion(list, 'v1', 'first');
    assert.equal(first.champion.version, 'v1');
    assert.equal(first.replaced, null);
    const second = await store.switchChampion(list, 'v2', 'better');
    assert.equal(second.replaced, 'v1');
    assert.equal(second.champion.previousVersion, 'v1');
    assert.equal((await lists.champion(list))?.version, 'v2');
    const statuses = Object.fromEntries((await lists.versions(list)).map((v) => [v.version, v.status]));
    assert.deepEqual(statuses, { v1: 'retired', v2: 'champion' });
    assert.equal(await cache.getJson(cacheKeys.champion(list)), 'v2');
    assert.equal(await store.championVersion(list), 'v2');

    // Switching to the champion again replaces nothing.
    assert.equal((await store.switchChampion(list, 'v2', 'again')).replaced, null);
  });

  it('refillEntry copies a stored entry back and drops a copy Cassandra does not hold', async () => {
    const list = `ls-refill-${suffix}`;
    await lists.writeEntries(list, 'v1', [{ memberId: 'm1', list: entry }]);
    await store.refillEntry(list, 'v1', 'm1');
    assert.deepEqual(await cache.getJson(cacheKeys.listEntry(list, 'v1', 'm1')), entry);
    await cache.setJson(cacheKeys.listEntry(list, 'v1', 'stale'), entry, 60);
    await store.refillEntry(list, 'v1', 'stale');
    assert.equal(await cache.getJson(cacheKeys.listEntry(list, 'v1', 'stale')), undefined);
  });
});
