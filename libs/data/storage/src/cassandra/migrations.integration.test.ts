import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '@marquee/config';
import { createCassandraClient } from './client';
import { MIGRATIONS, migrate } from './migrations';

describe('schema migrations (real Cassandra)', () => {
  const config = loadConfig(process.env, 'marquee-test-migrations');
  // A keyspace of this test's own, so every migration runs from the first.
  const keyspace = `${config.cassandra.keyspace}_mig${Date.now().toString(36)}`.slice(0, 48);
  let client: Client;
  before(async () => {
    client = createCassandraClient(config.cassandra);
    await client.connect();
  });
  after(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  const tables = async () =>
    (
      await client.execute(
        'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
        [keyspace],
        {
          prepare: true,
        },
      )
    ).rows.map((row) => row['table_name'] as string);

  it('applies every migration once, in the run keyspace, and leaves plays_processed dropped', async () => {
    const versions = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    assert.deepEqual(await migrate(client, keyspace, 1), versions);
    const created = await tables();
    for (const table of ['plays_by_member', 'continue_watching', 'list_entries', 'trending_buckets'])
      assert.ok(created.includes(table), `${table} exists`);
    assert.ok(!created.includes('plays_processed'), 'plays_processed is dropped');
    const recorded = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
    assert.deepEqual(
      recorded.rows.map((row) => row['version'] as number).sort((a, b) => a - b),
      versions,
    );
    assert.deepEqual(await migrate(client, keyspace, 1), [], 'a second run applies nothing');
  });
});
