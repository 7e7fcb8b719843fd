import type { MarqueeConfig } from '@marquee/config';
import type { Logger } from '@marquee/observability';
import { connectNearlineStores, type ConnectedStores } from '@marquee/play-processing';

/**
 * Every client, repository and signal, connected at once: for tests, the demo and the benchmarks.
 * It is what the nearline process connects, plus the configuration it was built from.
 */
export interface Platform extends ConnectedStores {
  config: MarqueeConfig;
}

/** Prepares the schema and topics (idempotent) and connects every client. */
export async function connectPlatform(
  config: MarqueeConfig,
  logger: Logger,
  options: { cacheTimeoutMs?: number } = {},
): Promise<Platform> {
  const stores = await connectNearlineStores(
    config,
    logger,
    options.cacheTimeoutMs ?? config.memcached.timeoutMs,
  );
  return { ...stores, config };
}
