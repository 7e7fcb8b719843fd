import { Client as CassandraClient } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { Connection } from '@temporalio/client';
import memjs from 'memjs';
import type { MarqueeConfig } from '@marquee/config';
import type { ServerName } from './servers';

/**
 * Real health checks, one per server: the query a client would make. Each throws when unhealthy.
 * `ports` are the process's own (a memcached pool has one process per port).
 */
export const healthChecks: Record<
  ServerName,
  (config: MarqueeConfig, ports: Record<string, number>) => Promise<string>
> = {
  async memcached(config, ports) {
    const client = memjs.Client.create(`${config.host}:${ports['memcached'] ?? config.memcached.port}`, {
      retries: 0,
      timeout: 1,
      conntimeout: 1,
      logger: { log: () => undefined },
    });
    try {
      const version = await new Promise<string>((resolve, reject) => {
        client.stats((error, _server, stats) =>
          error ? reject(error) : resolve(String(stats?.['version'])),
        );
      });
      return `memcached ${version}`;
    } finally {
      client.close();
    }
  },

  async temporal(config) {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 2000 });
    try {
      const response = await connection.workflowService.describeNamespace({
        namespace: config.temporal.namespace,
      });
      const states: Record<number, string> = { 1: 'registered', 2: 'deprecated', 3: 'deleted' };
      const state = states[Number(response.namespaceInfo?.state)] ?? 'in an unknown state';
      return `namespace ${response.namespaceInfo?.name ?? config.temporal.namespace} ${state}`;
    } finally {
      await connection.close();
    }
  },

  async kafka(config) {
    const admin = new Kafka({
      clientId: 'marquee-health',
      brokers: config.kafka.brokers,
      connectionTimeout: 2000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      return `${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
    } finally {
      await admin.disconnect();
    }
  },

  async cassandra(config) {
    const client = new CassandraClient({
      contactPoints: config.cassandra.contactPoints,
      localDataCenter: config.cassandra.localDataCenter,
      protocolOptions: { port: config.cassandra.port },
      socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
    });
    try {
      const row = (await client.execute('SELECT release_version FROM system.local')).first();
      return `Cassandra ${String(row?.['release_version'])}`;
    } finally {
      await client.shutdown();
    }
  },
};
