import { hostname } from 'node:os';
import { DEFAULT_RATE_LIMITS as CONFIG_RATE_LIMITS, loadConfig, type MarqueeConfig } from '@marquee/config';
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
  /** How long a page blended with fallbacks serves the same request again (0: never). */
  degradedTtlMs: number;
  /** Admission control of the API: requests at once, and the event-loop lag past which it sheds. */
  admission: { maxInFlight: number; shedLagMs: number };
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
export const DEFAULT_RATE_LIMITS: RateLimits = CONFIG_RATE_LIMITS;

export function defaultOnlineOptions(config: MarqueeConfig): OnlineOptions {
  return onlineOptionsFromEnv({}, config);
}

/**
 * The online service's settings from `env` (parsed by the one configuration schema), with the
 * token verification of `config`; a bad value names its variable.
 */
export function onlineOptionsFromEnv(env: NodeJS.ProcessEnv, config: MarqueeConfig): OnlineOptions {
  return onlineOptions({ ...config, online: loadConfig(env).online });
}

/** The online service's settings, from its configuration. */
export function onlineOptions(config: MarqueeConfig): OnlineOptions {
  const online = config.online;
  return {
    deadlineMs: online.deadlineMs,
    cacheTimeoutMs: online.cacheTimeoutMs,
    signalsTtlMs: online.signalsTtlMs,
    degradedTtlMs: online.degradedTtlMs,
    admission: { maxInFlight: online.maxInFlight, shedLagMs: online.shedLagMs },
    rateLimit: { windowMs: online.rateLimit.windowMs, limits: { ...online.rateLimit.limits } },
    // Minting tokens from a page is only sane with the local secret; with JWKS an identity provider
    // does it. Production never serves it unless asked (and then refuses to start).
    demoPage: online.demoPage
      ? online.demoPage === 'on' && !config.auth.jwksUrl
      : !config.auth.jwksUrl && config.env !== 'production',
    referenceRefreshMs: online.referenceRefreshMs,
    ...(online.similarRegistration ? { similarRegistration: online.similarRegistration } : {}),
    instanceGroupId: `marquee-online-${hostname()}-${process.pid}-${Date.now().toString(36)}`,
  };
}
