import type { Client } from 'cassandra-driver';

/** One CQL write with its parameters, to run alone or with others in one request. */
export interface Statement {
  query: string;
  params: unknown[];
}

/**
 * Runs writes in one unlogged batch: one request instead of one per write. Cassandra's cost of a
 * small write is mostly the request, so a member's writes of a play go together. Not atomic across
 * partitions; callers keep every write idempotent and retry the whole batch.
 */
export async function executeUnlogged(client: Client, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (statements.length === 1) {
    const [only] = statements as [Statement];
    await client.execute(only.query, only.params, { prepare: true });
    return;
  }
  await client.batch([...statements], { prepare: true, logged: false });
}
