import type { MarqueeConfig } from '@marquee/config';

export type ServerName = 'memcached' | 'temporal' | 'kafka' | 'cassandra';

export interface ServerSpec {
  name: ServerName;
  /** deploy/local scripts: fetch (idempotent) and run (foreground). */
  fetchScript: string;
  runScript: string;
  ports: Record<string, number>;
  env: Record<string, string>;
  /** How long a cold start may take on a 2-core machine. */
  startTimeoutMs: number;
}

/** The four servers of the local stack, in start order (quick ones first). */
export function serverSpecs(config: MarqueeConfig): ServerSpec[] {
  const common = { MARQUEE_STATE_DIR: config.stateDir, MARQUEE_CACHE_DIR: config.cacheDir };
  return [
    {
      name: 'memcached',
      fetchScript: 'fetch-memcached.sh',
      runScript: 'run-memcached.sh',
      ports: { memcached: config.memcached.port },
      env: { ...common, MARQUEE_MEMCACHED_PORT: String(config.memcached.port) },
      startTimeoutMs: 15_000,
    },
    {
      name: 'temporal',
      fetchScript: 'fetch-temporal.sh',
      runScript: 'run-temporal.sh',
      ports: { frontend: config.temporal.port, ui: config.temporal.uiPort },
      env: {
        ...common,
        MARQUEE_TEMPORAL_PORT: String(config.temporal.port),
        MARQUEE_TEMPORAL_UI_PORT: String(config.temporal.uiPort),
      },
      startTimeoutMs: 60_000,
    },
    {
      name: 'kafka',
      fetchScript: 'fetch-kafka.sh',
      runScript: 'run-kafka.sh',
      ports: { broker: config.kafka.port, controller: config.kafka.controllerPort },
      env: {
        ...common,
        MARQUEE_KAFKA_PORT: String(config.kafka.port),
        MARQUEE_KAFKA_CONTROLLER_PORT: String(config.kafka.controllerPort),
      },
      startTimeoutMs: 120_000,
    },
    {
      name: 'cassandra',
      fetchScript: 'fetch-cassandra.sh',
      runScript: 'run-cassandra.sh',
      ports: {
        cql: config.cassandra.port,
        storage: config.cassandra.storagePort,
        jmx: config.cassandra.jmxPort,
      },
      env: {
        ...common,
        MARQUEE_CASSANDRA_PORT: String(config.cassandra.port),
        MARQUEE_CASSANDRA_STORAGE_PORT: String(config.cassandra.storagePort),
        MARQUEE_CASSANDRA_JMX_PORT: String(config.cassandra.jmxPort),
      },
      startTimeoutMs: 240_000,
    },
  ];
}
