import { Client, policies, types } from 'cassandra-driver';
import type { MarqueeConfig } from '@marquee/config';

/**
 * How long the driver waits at most between attempts to reach a node it lost. The driver's default
 * doubles the wait up to 10 minutes, so after an outage of a minute a process would go on failing
 * every read and write for about another minute while Cassandra already answers.
 */
export const RECONNECT_MAX_DELAY_MS = 2000;

/** A driver client bound to the keyspace (after migrations have created it). */
export function createCassandraClient(config: MarqueeConfig['cassandra'], keyspace?: string): Client {
  return new Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    ...(keyspace ? { keyspace } : {}),
    protocolOptions: { port: config.port },
    socketOptions: { connectTimeout: 3000, readTimeout: 5000 },
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    pooling: { warmup: true },
    policies: {
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(
        250,
        RECONNECT_MAX_DELAY_MS,
        false,
      ),
    },
  });
}

/** Cassandra write timestamp (microseconds) for an event time, so replays and reordering resolve by event time. */
export function writeTimestampMicros(isoTime: string): types.Long {
  return types.Long.fromNumber(Date.parse(isoTime)).multiply(1000);
}

/** The driver's row stream is a Readable (async iterable), though its typings say EventEmitter. */
export function rowStream(
  client: Client,
  query: string,
  params: unknown[],
  options: { prepare: boolean; fetchSize: number },
): AsyncIterable<Record<string, unknown>> {
  return client.stream(query, params, options) as unknown as AsyncIterable<Record<string, unknown>>;
}
