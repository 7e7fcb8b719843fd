import { hostname } from 'node:os';
import { z } from 'zod';
import type { MarqueeConfig } from '@marquee/config';
import { formatIssues } from '@marquee/domain';
import type { Role } from '@marquee/auth';
import type { Variant } from '@marquee/experiments';

/** Requests a principal may make per rate-limit window, by role; `anonymous` is per client address. */
export type RateLimits = Record<Role | 'anonymous', number>;

export interface OnlineOptions {
  /** Budget of a page's store reads; what is late is filled from fallbacks. */
  deadlineMs: number;
  /**
   * When a memcached operation counts as failed (and the cache is skipped for a second). Only for
   * telling a dead memcached from a busy one: pages never wait longer than `deadlineMs` anyway, and a
   * timeout as short as the deadline trips on event-loop lag under load, sending every read to Cassandra.
   */
  cacheTimeoutMs: number;
  /**
   * How long one read of a member's signals serves that member's requests (an in-process near cache).
   * Announced changes (plays, new versions) drop it sooner, so this bounds only what is not announced:
   * the Trending row, a changed traffic split, a lost announcement. 0 reads on every request.
   */
  signalsTtlMs: number;
  rateLimit: { windowMs: number; limits: RateLimits };
  /** Serve /demo and let it mint short-lived device tokens (local HS256 only, never with JWKS). */
  demoPage: boolean;
  /** How often the catalog, popular list, affinities and variants are reloaded. */
  referenceRefreshMs: number;
  /** The item-kNN registration serving similar titles; by default the first one with a champion. */
  similarRegistration?: string;
  /**
   * This instance's consumer groups on the broadcast topics (results.published, members.updated)
   * start with this: unique per instance, so every replica hears every message.
   */
  instanceGroupId: string;
  /** The experiment's variants; by default every registration with its traffic. */
  loadVariants?: () => Promise<Variant[]>;
}

/**
 * Defaults: a device refreshing its home screen needs a request every few seconds; a member's
 * devices share 100 a second (the limit is per member), far above that and far below what one token
 * could do to the service. Producers post batches.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  device: 1000,
  producer: 5000,
  experimenter: 200,
  operator: 200,
  anonymous: 100,
};

const count = z.coerce.number().int().min(1).max(10_000_000);
const envSchema = z.object({
  MARQUEE_ROWS_DEADLINE_MS: z.coerce.number().int().min(1).max(10_000).default(50),
  MARQUEE_ONLINE_CACHE_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  // 10 s rather than 2: at 2,000 req/s over 200 members, re-blending every member's page every 2 s
  // took the service from 59 % to 70–74 % of a core and its p99 from 7–17 ms to 43–53 ms (README).
  MARQUEE_ROWS_SIGNALS_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  MARQUEE_RATE_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  MARQUEE_RATE_LIMIT_DEVICE: count.default(DEFAULT_RATE_LIMITS.device),
  MARQUEE_RATE_LIMIT_PRODUCER: count.default(DEFAULT_RATE_LIMITS.producer),
  MARQUEE_RATE_LIMIT_EXPERIMENTER: count.default(DEFAULT_RATE_LIMITS.experimenter),
  MARQUEE_RATE_LIMIT_OPERATOR: count.default(DEFAULT_RATE_LIMITS.operator),
  MARQUEE_RATE_LIMIT_ANONYMOUS: count.default(DEFAULT_RATE_LIMITS.anonymous),
  MARQUEE_DEMO_PAGE: z.enum(['on', 'off']).optional(),
  MARQUEE_REFERENCE_REFRESH_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  MARQUEE_SIMILAR_REGISTRATION: z.string().min(1).optional(),
});

export function defaultOnlineOptions(config: MarqueeConfig): OnlineOptions {
  return onlineOptionsFromEnv({}, config);
}

/** Reads the online service's settings at the process edge; a bad value names its variable. */
export function onlineOptionsFromEnv(env: NodeJS.ProcessEnv, config: MarqueeConfig): OnlineOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid environment: ${formatIssues(parsed.error).join('; ')}`);
  const e = parsed.data;
  return {
    deadlineMs: e.MARQUEE_ROWS_DEADLINE_MS,
    cacheTimeoutMs: e.MARQUEE_ONLINE_CACHE_TIMEOUT_MS,
    signalsTtlMs: e.MARQUEE_ROWS_SIGNALS_TTL_MS,
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
    // Minting tokens from a page is only sane with the local secret; with JWKS an identity provider does it.
    demoPage: e.MARQUEE_DEMO_PAGE
      ? e.MARQUEE_DEMO_PAGE === 'on' && !config.auth.jwksUrl
      : !config.auth.jwksUrl,
    referenceRefreshMs: e.MARQUEE_REFERENCE_REFRESH_MS,
    ...(e.MARQUEE_SIMILAR_REGISTRATION ? { similarRegistration: e.MARQUEE_SIMILAR_REGISTRATION } : {}),
    instanceGroupId: `marquee-online-${hostname()}-${process.pid}-${Date.now().toString(36)}`,
  };
}
