import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import type { Play } from '@marquee/domain';
import { BecauseYouWatchedRepository } from './because-you-watched-repository';
import { createCassandraClient } from './client';
import { ContinueWatchingRepository } from './continue-watching-repository';
import { cassandraRelease, pingCassandra } from './health';
import { migrate } from './migrations';
import { BatchWriter } from './statements';
import { TrendingRepository } from './trending-repository';

describe("the signals' repositories (real Cassandra)", () => {
  const config = loadConfig(process.env, 'marquee-test-signal-repositories');
  const unique = (prefix: string) =>
    `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let client: Client;

  before(async () => {
    const bootstrap = createCassandraClient(config.cassandra);
    await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    await bootstrap.shutdown();
    client = createCassandraClient(config.cassandra, config.cassandra.keyspace);
    await client.connect();
  });
  after(() => client.shutdown());

  const play = (memberId: string, itemId: string, at: number, positionMs: number): Play => ({
    eventId: unique('e'),
    userId: memberId,
    itemId,
    device: 'tv',
    timestamp: new Date(at).toISOString(),
    positionMs,
    durationMs: 100,
  });

  it('Continue watching keeps the latest position per title, newest first, and drops finished titles', async () => {
    const repository = new ContinueWatchingRepository(client);
    const member = unique('m');
    const at = Date.now();
    await repository.write(play(member, 'a', at, 10));
    await repository.write(play(member, 'b', at + 1, 20));
    // A late play of an earlier time loses to the position already stored.
    await repository.write(play(member, 'a', at - 60_000, 5));
    assert.deepEqual(
      (await repository.read(member)).map((e) => [e.itemId, e.positionMs]),
      [
        ['b', 20],
        ['a', 10],
      ],
    );
    await new BatchWriter(client).writeUnlogged([repository.writeStatement(play(member, 'b', at + 2, 100))]);
    assert.deepEqual(
      (await repository.read(member)).map((e) => e.itemId),
      ['a'],
    );
    assert.deepEqual(await repository.read(unique('nobody')), []);
  });

  it('"Because you watched" keeps the value of the latest play', async () => {
    const repository = new BecauseYouWatchedRepository(client);
    const member = unique('m');
    const later = { sourceItemId: 'new', list: { itemIds: ['x'], scores: [1] }, modelVersion: 'v1' };
    await repository.write(member, { ...later, updatedAt: new Date().toISOString() });
    await repository.write(member, {
      sourceItemId: 'old',
      list: { itemIds: ['y'], scores: [1] },
      modelVersion: 'v1',
      updatedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const stored = await repository.read(member);
    assert.equal(stored?.sourceItemId, 'new');
    assert.deepEqual(stored?.list, later.list);
    assert.equal(await repository.read(unique('nobody')), null);
  });

  it('trending claims a set of plays once and adds counts per scope and bucket', async () => {
    const repository = new TrendingRepository(client);
    const event = unique('e');
    assert.equal(await repository.claim(event), true);
    assert.equal(await repository.claim(event), false, 'a redelivery is not claimed again');
    const scope = unique('test:');
    const bucket = new Date(Math.floor(Date.now() / 600_000) * 600_000);
    await repository.add([{ scope, bucket, itemId: 'a', plays: 1 }]);
    await repository.add([
      { scope, bucket, itemId: 'a', plays: 2 },
      { scope, bucket, itemId: 'b', plays: 5 },
    ]);
    const counts = new Map(await repository.bucketCounts(scope, bucket));
    assert.deepEqual(Object.fromEntries(counts), { a: 3, b: 5 });
  });

  it('answers the health checks', async () => {
    await pingCassandra(client);
    assert.match((await cassandraRelease(client)) ?? '', /^\d+\./);
  });
});
