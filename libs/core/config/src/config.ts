import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues, idSchema } from '@marquee/domain';

/** The secret a fresh checkout signs local tokens with: public, so never acceptable in production. */
export const LOCAL_JWT_SECRET = 'marquee-local-development-secret-change-me';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const millis = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const count = z.coerce.number().int().min(1).max(10_000_000);

/** Defaults of the rate limits per role; `anonymous` is per client address. */
export const DEFAULT_RATE_LIMITS = {
  device: 1000,
  producer: 5000,
  experimenter: 200,
  operator: 200,
  anonymous: 100,
} as const;

/**
 * Every setting Marquee reads from the environment, with local-stack defaults. Each description is
 * a line of the configuration table (`configTable`), so the documentation follows the schema.
 */
export const envSchema = z.object({
  MARQUEE_HOST: z
    .string()
    .default('127.0.0.1')
    .describe('Host the local servers and apps listen on and are reached at.'),
  MARQUEE_STATE_DIR: z
    .string()
    .default(path.join(os.homedir(), '.local', 'share', 'marquee'))
    .describe("The local stack's data, pid and log files."),
  MARQUEE_CACHE_DIR: z
    .string()
    .default(path.join(os.homedir(), '.cache', 'marquee'))
    .describe('Downloaded server distributions and benchmark data, kept between runs.'),
  MARQUEE_KAFKA_PORT: port(9092).describe('Kafka broker port of the local stack.'),
  MARQUEE_KAFKA_CONTROLLER_PORT: port(9093).describe('Kafka controller port of the local stack.'),
  MARQUEE_KAFKA_BROKERS: z
    .string()
    .optional()
    .describe('Comma-separated brokers; by default the local broker on MARQUEE_HOST.'),
  MARQUEE_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,40}$/, { error: 'must be at most 40 characters of letters, digits, . _ -' })
    .default('')
    .describe('Prefix of every Kafka topic and consumer group, so several runs share one broker.'),
  MARQUEE_CASSANDRA_PORT: port(9042).describe('Cassandra native protocol port.'),
  MARQUEE_CASSANDRA_STORAGE_PORT: port(7000).describe('Cassandra inter-node port of the local stack.'),
  MARQUEE_CASSANDRA_JMX_PORT: port(7199).describe('Cassandra JMX port of the local stack.'),
  MARQUEE_CASSANDRA_CONTACT_POINTS: z
    .string()
    .optional()
    .describe('Comma-separated Cassandra nodes; by default the local node on MARQUEE_HOST.'),
  MARQUEE_CASSANDRA_DC: z
    .string()
    .default('datacenter1')
    .describe('Local data center of the Cassandra driver.'),
  MARQUEE_CASSANDRA_REPLICATION: z.coerce
    .number()
    .int()
    .min(1)
    .max(9)
    .default(1)
    .describe('Replication factor of the keyspace when migrations create it.'),
  MARQUEE_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, { error: 'must be a lowercase CQL identifier' })
    .default('marquee')
    .describe('Cassandra keyspace; also the namespace of every memcached key.'),
  MARQUEE_MEMCACHED_PORT: port(11211).describe('memcached port.'),
  MARQUEE_MEMCACHED_SERVERS: z
    .string()
    .optional()
    .describe(
      'Comma-separated memcached servers: a pool each key is placed in by consistent hashing; by default the local one on MARQUEE_HOST.',
    ),
  MARQUEE_MEMCACHED_TIMEOUT_MS: millis(1, 60_000, 50).describe(
    'When a memcached operation of the CLI, workers and tools counts as failed.',
  ),
  MARQUEE_TEMPORAL_PORT: port(7233).describe('Temporal frontend port.'),
  MARQUEE_TEMPORAL_UI_PORT: port(8233).describe('Temporal web UI port of the local stack.'),
  MARQUEE_TEMPORAL_ADDRESS: z
    .string()
    .optional()
    .describe('Temporal frontend address; by default the local one on MARQUEE_HOST.'),
  MARQUEE_TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace of the workflows.'),
  MARQUEE_TASK_QUEUE: z
    .string()
    .default('marquee-offline')
    .describe('Temporal task queue of the offline workers.'),
  MARQUEE_ONLINE_PORT: port(3000).describe('Port of the online service.'),
  MARQUEE_NEARLINE_PORT: port(3001).describe(
    'Port of the nearline ops endpoint (/metrics, /health, /ready).',
  ),
  MARQUEE_OFFLINE_PORT: port(3002).describe('Port of the offline worker ops endpoint.'),
  MARQUEE_PROMETHEUS_PORT: port(9090).describe(
    'Prometheus port of the local stack (`marquee stack up --with-monitoring`).',
  ),
  // A fixed local default so `npm start` works out of the box; production sets its own or a JWKS URL.
  MARQUEE_ENV: z
    .enum(['development', 'production'])
    .default('development')
    .describe(
      'production refuses to start with unsafe settings (the local secret, local tokens, the demo page, one replica).',
    ),
  MARQUEE_ALLOW_LOCAL_TOKENS: z
    .enum(['on', 'off'])
    .default('off')
    .describe(
      'on: production also accepts HS256 tokens signed with MARQUEE_JWT_SECRET (as `marquee token` mints).',
    ),
  MARQUEE_JWT_SECRET: z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .default(LOCAL_JWT_SECRET)
    .describe('HS256 secret of API tokens (local); at least 32 characters.'),
  MARQUEE_JWKS_URL: z
    .url()
    .optional()
    .describe('JWKS URL that verifies API tokens instead of the secret (production).'),
  MARQUEE_KAFKA_REPLICATION: z.coerce
    .number()
    .int()
    .min(1)
    .max(9)
    .default(1)
    .describe('Replicas of each partition of the topics Marquee creates (production: 3).'),
  MARQUEE_KAFKA_MIN_INSYNC_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(9)
    .default(1)
    .describe('Replicas that must have a write before the broker acknowledges it (production: 2).'),
  MARQUEE_PLAYS_ACK_TIMEOUT_MS: millis(100, 60_000, 3000).describe(
    'How long publishing plays waits for every in-sync replica to acknowledge; then POST /v1/plays answers 503 with Retry-After.',
  ),
  MARQUEE_ROWS_DEADLINE_MS: millis(1, 10_000, 50).describe(
    "Budget of a page's store reads; what is late is filled from fallbacks.",
  ),
  MARQUEE_ONLINE_CACHE_TIMEOUT_MS: millis(1, 60_000, 500).describe(
    'When a memcached operation of the online service counts as failed (tells a dead memcached from a busy one).',
  ),
  // Long enough that a busy member is not re-blended on every request (blending every 2 s at 2,000
  // req/s cost the service about a fifth more CPU and several times its p99); announced changes
  // drop the kept page sooner.
  MARQUEE_ROWS_SIGNALS_TTL_MS: millis(0, 60_000, 10_000).describe(
    "How long one read of a member's signals serves that member's requests; 0 reads on every request.",
  ),
  // A degraded page was blended against a slow or failing store; keeping it briefly lets one blend
  // serve a member's burst instead of each request waiting out the deadline again.
  MARQUEE_ROWS_DEGRADED_TTL_MS: millis(0, 60_000, 1000).describe(
    'How long a page blended with fallbacks serves the same request again; 0 blends every request afresh.',
  ),
  // Above what `bench online` holds at saturation (64 connections, so at most 64), and low enough that
  // the admitted requests still finish well within a second when every one waits out the deadline.
  MARQUEE_ONLINE_MAX_IN_FLIGHT: count
    .max(100_000)
    .default(256)
    .describe(
      'API requests the online service serves at once; past it a request is answered 503 with Retry-After.',
    ),
  MARQUEE_ONLINE_SHED_LAG_MS: millis(1, 60_000, 150).describe(
    'Smoothed event-loop lag above which the online service answers API requests 503 with Retry-After.',
  ),
  MARQUEE_RATE_WINDOW_MS: millis(100, 3_600_000, 10_000).describe('Rate-limit window.'),
  MARQUEE_RATE_LIMIT_DEVICE: count
    .default(DEFAULT_RATE_LIMITS.device)
    .describe("Requests per window of a device token (shared by a member's devices)."),
  MARQUEE_RATE_LIMIT_PRODUCER: count
    .default(DEFAULT_RATE_LIMITS.producer)
    .describe('Requests per window of a producer token.'),
  MARQUEE_RATE_LIMIT_EXPERIMENTER: count
    .default(DEFAULT_RATE_LIMITS.experimenter)
    .describe('Requests per window of an experimenter token.'),
  MARQUEE_RATE_LIMIT_OPERATOR: count
    .default(DEFAULT_RATE_LIMITS.operator)
    .describe('Requests per window of an operator token.'),
  MARQUEE_RATE_LIMIT_ANONYMOUS: count
    .default(DEFAULT_RATE_LIMITS.anonymous)
    .describe('Requests per window of a client address without a token.'),
  MARQUEE_DEMO_PAGE: z
    .enum(['on', 'off'])
    .optional()
    .describe('Serve /demo (on/off); by default on with the local secret, never with MARQUEE_JWKS_URL.'),
  MARQUEE_REFERENCE_REFRESH_MS: millis(1000, 3_600_000, 30_000).describe(
    'How often the online service reloads the catalog, popular list, affinities and variants.',
  ),
  // One variable for both, so online and nearline serve neighbours from one item-kNN model.
  MARQUEE_SIMILAR_REGISTRATION: idSchema
    .optional()
    .describe('The item-kNN registration of similar titles; by default the first one with a champion.'),
  MARQUEE_NEARLINE_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .optional()
    .describe('Members nearline applies at once across partitions (64 when unset).'),
  MARQUEE_NEARLINE_CONSUMERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Members of the plays consumer group in one nearline process (3 when unset, at most the partitions).',
    ),
  MARQUEE_NEARLINE_CACHE_TIMEOUT_MS: millis(1, 60_000, 500).describe(
    'When a memcached operation of nearline counts as failed (its hot-copy writes come in bursts).',
  ),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default('info')
    .describe('Level of the structured logs.'),
});

export interface MarqueeConfig {
  /** `production` refuses unsafe settings at start (see `unsafeForProduction`). */
  env: 'development' | 'production';
  host: string;
  stateDir: string;
  cacheDir: string;
  kafka: {
    brokers: string[];
    port: number;
    controllerPort: number;
    clientId: string;
    topicPrefix: string;
    playsAckTimeoutMs: number;
    replicationFactor: number;
    minInsyncReplicas: number;
  };
  cassandra: {
    contactPoints: string[];
    port: number;
    storagePort: number;
    jmxPort: number;
    localDataCenter: string;
    keyspace: string;
    replicationFactor: number;
  };
  /** `timeoutMs`: the memcached deadline of processes without their own (CLI, workers, tools). */
  memcached: { servers: string; port: number; timeoutMs: number };
  temporal: { address: string; port: number; uiPort: number; namespace: string; taskQueue: string };
  online: {
    port: number;
    deadlineMs: number;
    cacheTimeoutMs: number;
    signalsTtlMs: number;
    degradedTtlMs: number;
    maxInFlight: number;
    shedLagMs: number;
    rateLimit: { windowMs: number; limits: Record<keyof typeof DEFAULT_RATE_LIMITS, number> };
    demoPage?: 'on' | 'off';
    referenceRefreshMs: number;
    similarRegistration?: string;
  };
  auth: {
    secret: string;
    jwksUrl?: string;
    /** Production accepts HS256 tokens signed with the secret only when this is set. */
    allowLocalTokens: boolean;
  };
  nearline: {
    port: number;
    cacheTimeoutMs: number;
    concurrency?: number;
    consumers?: number;
    similarRegistration?: string;
  };
  offline: { port: number };
  /** The local Prometheus of `stack up --with-monitoring`. */
  monitoring: { prometheusPort: number };
  logLevel: string;
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment once, at a process's edge; logic receives the result. With
 * MARQUEE_ENV=production a setting unsafe there stops the process with a message naming it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, clientId = 'marquee'): MarqueeConfig {
  const config = readConfig(env, clientId);
  const unsafe = config.env === 'production' ? unsafeForProduction(config) : [];
  if (unsafe.length > 0)
    throw new ConfigError(`unsafe for production (MARQUEE_ENV=production): ${unsafe.join('; ')}`);
  return config;
}

/** The configuration as the environment sets it, without refusing what is unsafe in production. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, clientId = 'marquee'): MarqueeConfig {
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
    env: e.MARQUEE_ENV,
    host: e.MARQUEE_HOST,
    stateDir: e.MARQUEE_STATE_DIR,
    cacheDir: e.MARQUEE_CACHE_DIR,
    kafka: {
      brokers: list(e.MARQUEE_KAFKA_BROKERS, `${e.MARQUEE_HOST}:${e.MARQUEE_KAFKA_PORT}`),
      port: e.MARQUEE_KAFKA_PORT,
      controllerPort: e.MARQUEE_KAFKA_CONTROLLER_PORT,
      clientId,
      topicPrefix: e.MARQUEE_TOPIC_PREFIX,
      playsAckTimeoutMs: e.MARQUEE_PLAYS_ACK_TIMEOUT_MS,
      replicationFactor: e.MARQUEE_KAFKA_REPLICATION,
      minInsyncReplicas: e.MARQUEE_KAFKA_MIN_INSYNC_REPLICAS,
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
      timeoutMs: e.MARQUEE_MEMCACHED_TIMEOUT_MS,
    },
    temporal: {
      address: e.MARQUEE_TEMPORAL_ADDRESS ?? `${e.MARQUEE_HOST}:${e.MARQUEE_TEMPORAL_PORT}`,
      port: e.MARQUEE_TEMPORAL_PORT,
      uiPort: e.MARQUEE_TEMPORAL_UI_PORT,
      namespace: e.MARQUEE_TEMPORAL_NAMESPACE,
      taskQueue: e.MARQUEE_TASK_QUEUE,
    },
    online: {
      port: e.MARQUEE_ONLINE_PORT,
      deadlineMs: e.MARQUEE_ROWS_DEADLINE_MS,
      cacheTimeoutMs: e.MARQUEE_ONLINE_CACHE_TIMEOUT_MS,
      signalsTtlMs: e.MARQUEE_ROWS_SIGNALS_TTL_MS,
      degradedTtlMs: e.MARQUEE_ROWS_DEGRADED_TTL_MS,
      maxInFlight: e.MARQUEE_ONLINE_MAX_IN_FLIGHT,
      shedLagMs: e.MARQUEE_ONLINE_SHED_LAG_MS,
      rateLimit: {
        windowMs: e.MARQUEE_RATE_WINDOW_MS,
        limits: {
          device: e.MARQUEE_RATE_LIMIT_DEVICE,
          producer: e.MARQUEE_RATE_LIMIT_PRODUCER,
          experimenter: e.MARQUEE_RATE_LIMIT_EXPERIMENTER,
          operator: e.MARQUEE_RATE_LIMIT_OPERATOR,
          anonymous: e.MARQUEE_RATE_LIMIT_ANONYMOUS,
        },
      },
      ...(e.MARQUEE_DEMO_PAGE ? { demoPage: e.MARQUEE_DEMO_PAGE } : {}),
      referenceRefreshMs: e.MARQUEE_REFERENCE_REFRESH_MS,
      ...(e.MARQUEE_SIMILAR_REGISTRATION ? { similarRegistration: e.MARQUEE_SIMILAR_REGISTRATION } : {}),
    },
    auth: {
      secret: e.MARQUEE_JWT_SECRET,
      ...(e.MARQUEE_JWKS_URL ? { jwksUrl: e.MARQUEE_JWKS_URL } : {}),
      allowLocalTokens: e.MARQUEE_ALLOW_LOCAL_TOKENS === 'on',
    },
    nearline: {
      port: e.MARQUEE_NEARLINE_PORT,
      cacheTimeoutMs: e.MARQUEE_NEARLINE_CACHE_TIMEOUT_MS,
      ...(e.MARQUEE_NEARLINE_CONCURRENCY ? { concurrency: e.MARQUEE_NEARLINE_CONCURRENCY } : {}),
      ...(e.MARQUEE_NEARLINE_CONSUMERS ? { consumers: e.MARQUEE_NEARLINE_CONSUMERS } : {}),
      ...(e.MARQUEE_SIMILAR_REGISTRATION ? { similarRegistration: e.MARQUEE_SIMILAR_REGISTRATION } : {}),
    },
    offline: { port: e.MARQUEE_OFFLINE_PORT },
    monitoring: { prometheusPort: e.MARQUEE_PROMETHEUS_PORT },
    logLevel: e.LOG_LEVEL,
  };
}

/** What would make this configuration unsafe in production, each naming its variable. */
export function unsafeForProduction(config: MarqueeConfig): string[] {
  const unsafe: string[] = [];
  const { auth } = config;
  if (auth.secret === LOCAL_JWT_SECRET)
    unsafe.push('MARQUEE_JWT_SECRET is the built-in local secret, which anyone can read; set a random one');
  else if (Buffer.byteLength(auth.secret) < 32) unsafe.push('MARQUEE_JWT_SECRET must be at least 32 bytes');
  if (!auth.jwksUrl && !auth.allowLocalTokens)
    unsafe.push(
      'MARQUEE_JWKS_URL is not set: production verifies tokens from an identity provider; set it, or ' +
        'MARQUEE_ALLOW_LOCAL_TOKENS=on to accept HS256 tokens signed with MARQUEE_JWT_SECRET',
    );
  if (config.online.demoPage === 'on')
    unsafe.push('MARQUEE_DEMO_PAGE=on serves a page that mints device tokens; turn it off');
  if (config.kafka.minInsyncReplicas > config.kafka.replicationFactor)
    unsafe.push(
      'MARQUEE_KAFKA_MIN_INSYNC_REPLICAS exceeds MARQUEE_KAFKA_REPLICATION: no write could be acknowledged',
    );
  if (config.kafka.replicationFactor < 3 || config.kafka.minInsyncReplicas < 2)
    unsafe.push(
      `MARQUEE_KAFKA_REPLICATION / MARQUEE_KAFKA_MIN_INSYNC_REPLICAS are ${config.kafka.replicationFactor} / ${config.kafka.minInsyncReplicas}: an acknowledged play must survive a broker, use 3 / 2`,
    );
  if (config.cassandra.replicationFactor < 3)
    unsafe.push(
      `MARQUEE_CASSANDRA_REPLICATION is ${config.cassandra.replicationFactor}: a write must survive a node, use 3`,
    );
  return unsafe;
}
