import type { Client } from 'cassandra-driver';
import type { MarqueeConfig } from '@marquee/config';
import type { Logger } from '@marquee/observability';
import { Cache } from './cache/cache';
import { createCassandraClient } from './cassandra/client';
import { migrate } from './cassandra/migrations';

/** Applies the keyspace's migrations over a bootstrap client (the keyspace may not exist yet); idempotent. */
export async function prepareSchema(config: MarqueeConfig, logger: Logger): Promise<void> {
  const bootstrap = createCassandraClient(config.cassandra);
  try {
    const applied = await migrate(bootstrap, config.cassandra.keyspace, config.cassandra.replicationFactor);
    if (applied.length > 0) logger.info({ applied }, 'cassandra migrations applied');
  } finally {
    await bootstrap.shutdown();
  }
}

/**
 * Cassandra on the configured keyspace, its schema prepared first, so the processes and the
 * `marquee` commands work in any order of starting.
 */
export async function connectCassandra(config: MarqueeConfig, logger: Logger): Promise<Client> {
  await prepareSchema(config, logger);
  const cassandra = createCassandraClient(config.cassandra, config.cassandra.keyspace);
  await cassandra.connect();
  return cassandra;
}

/** The memcached hot copies, in the keyspace's namespace; each process says how long it waits. */
export function openCache(
  config: MarqueeConfig,
  logger: Logger,
  timeoutMs = config.memcached.timeoutMs,
): Cache {
  return new Cache(config.memcached.servers, logger, { timeoutMs, namespace: config.cassandra.keyspace });
}
