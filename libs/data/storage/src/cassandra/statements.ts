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

/**
 * Runs many writes as batches of at most `size` statements, the batches concurrently: a few requests
 * instead of one per write. Unlogged like `executeUnlogged`, or a counter batch for counter updates.
 */
export async function executeInBatches(
  client: Client,
  statements: readonly Statement[],
  size: number,
  options: { counter?: boolean } = {},
): Promise<void> {
  const batches: Statement[][] = [];
  for (let i = 0; i < statements.length; i += size) batches.push(statements.slice(i, i + size));
  await Promise.all(
    batches.map((batch) =>
      client.batch(
        batch,
        options.counter ? { prepare: true, counter: true } : { prepare: true, logged: false },
      ),
    ),
  );
}

/** Writes statements made by several repositories in one request, for callers that hold no client. */
export class BatchWriter {
  constructor(private readonly client: Client) {}

  /** One unlogged batch (see `executeUnlogged`). */
  writeUnlogged(statements: readonly Statement[]): Promise<void> {
    return executeUnlogged(this.client, statements);
  }
}

/** Runs `work` over `items` with at most `limit` running at once; rejects on the first failure. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
