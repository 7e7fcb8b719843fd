import type { Client } from 'cassandra-driver';

/** Cassandra's health check: a read every node answers without touching a table. Throws when it is down. */
export async function pingCassandra(client: Client): Promise<void> {
  await client.execute('SELECT now() FROM system.local');
}

/** The release of the node the client reached, for the stack's status. */
export async function cassandraRelease(client: Client): Promise<string | undefined> {
  const row = (await client.execute('SELECT release_version FROM system.local')).first();
  return row?.['release_version'] as string | undefined;
}
