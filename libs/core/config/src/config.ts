import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues } from '@marquee/domain';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** Every setting Marquee reads from the environment, with local-stack defaults. */
const envSchema = z.object({
  MARQUEE_HOST: z.string().default('127.0.0.1'),
  MARQUEE_STATE_DIR: z.string().default(path.join(os.homedir(), '.local', 'share', 'marquee')),
  MARQUEE_CACHE_DIR: z.string().default(path.join(os.homedir(), '.cache', 'marquee')),
  MARQUEE_KAFKA_PORT: port(9092),
  MARQUEE_KAFKA_CONTROLLER_PORT: port(9093),
  MARQUEE_KAFKA_BROKERS: z.string().optional(),
  MARQUEE_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,40}$/, { error: 'must be at most 40 characters of letters, digits, . _ -' })
    .default(''),
  MARQUEE_CASSANDRA_PORT: port(9042),
  MARQUEE_CASSANDRA_STORAGE_PORT: port(7000),
  MARQUEE_CASSANDRA_JMX_PORT: port(7199),
  MARQUEE_CASSANDRA_CONTACT_POINTS: z.string().optional(),
  MARQUEE_CASSANDRA_DC: z.string().default('datacenter1'),
  MARQUEE_CASSANDRA_REPLICATION: z.coerce.number().int().min(1).max(9).default(1),
  MARQUEE_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, { error: 'must be a lowercase CQL identifier' })
    .default('marquee'),
  MARQUEE_MEMCACHED_PORT: port(11211),
  MARQUEE_MEMCACHED_SERVERS: z.string().optional(),
  MARQUEE_TEMPORAL_PORT: port(7233),
  MARQUEE_TEMPORAL_UI_PORT: port(8233),
  MARQUEE_TEMPORAL_ADDRESS: z.string().optional(),
  MARQUEE_TEMPORAL_NAMESPACE: z.string().default('default'),
  MARQUEE_TASK_QUEUE: z.string().default('marquee-offline'),
  MARQUEE_ONLINE_PORT: port(3000),
  MARQUEE_NEARLINE_PORT: port(3001),
  // A fixed local default so `npm start` works out of the box; production sets its own or a JWKS URL.
  MARQUEE_JWT_SECRET: z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .default('marquee-local-development-secret-change-me'),
  MARQUEE_JWKS_URL: z.url().optional(),
  MARQUEE_OFFLINE_PORT: port(3002),
});

export interface MarqueeConfig {
  host: string;
  stateDir: string;
  cacheDir: string;
  kafka: { brokers: string[]; port: number; controllerPort: number; clientId: string; topicPrefix: string };
  cassandra: {
    contactPoints: string[];
    port: number;
    storagePort: number;
    jmxPort: number;
    localDataCenter: string;
    keyspace: string;
    replicationFactor: number;
  };
  memcached: { servers: string; port: number };
  temporal: { address: string; port: number; uiPort: number; namespace: string; taskQueue: string };
  online: { port: number };
  auth: { secret: string; jwksUrl?: string };
  nearline: { port: number };
  offline: { port: number };
}

export class ConfigError extends Error {}

/** Reads and validates the environment once, at a process's edge; logic receives the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, clientId = 'marquee'): MarqueeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid environment: ${formatIssues(parsed.error).join('; ')}`);
  }
  const e = parsed.data;
  const list = (value: string | undefined, fallback: string) =>
    (value ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    host: e.MARQUEE_HOST,
    stateDir: e.MARQUEE_STATE_DIR,
    cacheDir: e.MARQUEE_CACHE_DIR,
    kafka: {
      brokers: list(e.MARQUEE_KAFKA_BROKERS, `${e.MARQUEE_HOST}:${e.MARQUEE_KAFKA_PORT}`),
      port: e.MARQUEE_KAFKA_PORT,
      controllerPort: e.MARQUEE_KAFKA_CONTROLLER_PORT,
      clientId,
      topicPrefix: e.MARQUEE_TOPIC_PREFIX,
    },
    cassandra: {
      contactPoints: list(
        e.MARQUEE_CASSANDRA_CONTACT_POINTS,
        `${e.MARQUEE_HOST}:${e.MARQUEE_CASSANDRA_PORT}`,
      ),
      port: e.MARQUEE_CASSANDRA_PORT,
      storagePort: e.MARQUEE_CASSANDRA_STORAGE_PORT,
      jmxPort: e.MARQUEE_CASSANDRA_JMX_PORT,
      localDataCenter: e.MARQUEE_CASSANDRA_DC,
      keyspace: e.MARQUEE_KEYSPACE,
      replicationFactor: e.MARQUEE_CASSANDRA_REPLICATION,
    },
    memcached: {
      servers: e.MARQUEE_MEMCACHED_SERVERS ?? `${e.MARQUEE_HOST}:${e.MARQUEE_MEMCACHED_PORT}`,
      port: e.MARQUEE_MEMCACHED_PORT,
    },
    temporal: {
      address: e.MARQUEE_TEMPORAL_ADDRESS ?? `${e.MARQUEE_HOST}:${e.MARQUEE_TEMPORAL_PORT}`,
      port: e.MARQUEE_TEMPORAL_PORT,
      uiPort: e.MARQUEE_TEMPORAL_UI_PORT,
      namespace: e.MARQUEE_TEMPORAL_NAMESPACE,
      taskQueue: e.MARQUEE_TASK_QUEUE,
    },
    online: { port: e.MARQUEE_ONLINE_PORT },
    auth: { secret: e.MARQUEE_JWT_SECRET, ...(e.MARQUEE_JWKS_URL ? { jwksUrl: e.MARQUEE_JWKS_URL } : {}) },
    nearline: { port: e.MARQUEE_NEARLINE_PORT },
    offline: { port: e.MARQUEE_OFFLINE_PORT },
  };
}
