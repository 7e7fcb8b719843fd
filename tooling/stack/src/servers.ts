import type { MarqueeConfig } from '@marquee/config';

export type ServerName = 'memcached' | 'temporal' | 'kafka' | 'cassandra';

export interface ServerSpec {
  name: ServerName;
  /** Names this process (pid file, log, status): the server's name, or `memcached-2` for a pool's second. */
  id: string;
  /** deploy/local scripts: fetch (idempotent) and run (foreground). */
  fetchScript: string;
  runScript: string;
  ports: Record<string, number>;
  env: Record<string, string>;
  /** How long a cold start may take on a 2-core machine. */
  startTimeoutMs: number;
}

/** The ports of a local memcached pool of `count` servers: MARQUEE_MEMCACHED_PORT and the next ones. */
export function memcachedPorts(config: MarqueeConfig, count: number): number[] {
  return Array.from({ length: count }, (_, i) => config.memcached.port + i);
}

/**
 * The servers the apps should use for a local pool of `count`: the pool's addresses, unless
 * MARQUEE_MEMCACHED_SERVERS already names servers of the operator's choosing.
 */
export function memcachedServers(config: MarqueeConfig, count: number): string {
  const local = `${config.host}:${config.memcached.port}`;
  if (count <= 1 || config.memcached.servers !== local) return config.memcached.servers;
  return memcachedPorts(config, count)
    .map((port) => `${config.host}:${port}`)
    .join(',');
}

/**
 * The servers of the local stack, in start order (quick ones first): memcached (`memcachedCount`
 * of them, a consistent-hashing pool), Temporal, Kafka and Cassandra.
 */
export function serverSpecs(config: MarqueeConfig, memcachedCount = 1): ServerSpec[] {
  const common = { MARQUEE_STATE_DIR: config.stateDir, MARQUEE_CACHE_DIR: config.cacheDir };
  return [
    ...memcachedPorts(config, memcachedCount).map((port, i): ServerSpec => ({
      name: 'memcached',
      id: i === 0 ? 'memcached' : `memcached-${i + 1}`,
      fetchScript: 'fetch-memcached.sh',
      runScript: 'run-memcached.sh',
      ports: { memcached: port },
      env: { ...common, MARQUEE_MEMCACHED_PORT: String(port) },
      startTimeoutMs: 15_000,
    })),
    {
      name: 'temporal',
      id: 'temporal',
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
      id: 'kafka',
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
      id: 'cassandra',
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
