import { loadConfig } from '@marquee/config';
import {
  createLogger,
  createRegistry,
  errorContext,
  startOpsServer,
  stopOnSignals,
} from '@marquee/observability';
import { connectPlatform } from '@marquee/runtime';
import { startNearlineService } from '@marquee/play-processing';
import { nearlineOptionsFromEnv } from './nearline-options';

/** How long nearline waits for memcached before counting it unavailable. */
const NEARLINE_CACHE_TIMEOUT_MS = 500;

/** A stop that takes longer than this (a store hanging mid-batch) ends the process anyway; Kafka re-delivers. */
const SHUTDOWN_GRACE_MS = 20_000;

/** The nearline process: the plays consumer group, `/metrics`, `/health`, `/ready`, graceful SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-nearline');
  const options = nearlineOptionsFromEnv(process.env);
  const logger = createLogger('nearline');
  const registry = createRegistry('nearline');
  // Nearline writes hot copies in bursts (a batch of members at once) on a busy event loop; the
  // online's 50 ms read deadline would count those as memcached failures and skip the cache for a
  // while, so nearline gives memcached longer. A down memcached still fails at once (refused).
  const platform = await connectPlatform(config, logger, { cacheTimeoutMs: NEARLINE_CACHE_TIMEOUT_MS });
  const service = await startNearlineService(platform, registry, options);
  const ops = await startOpsServer({
    host: config.host,
    port: config.nearline.port,
    registry,
    ready: async () => {
      await platform.cassandra.execute('SELECT now() FROM system.local');
      const models = service.models();
      return {
        ok: true,
        cache: platform.cache.available ? 'up' : 'cooling down',
        cacheRefillPending: service.cacheRepairPending(),
        topPicks: models.foldIn.map((c) => ({ registration: c.registration, version: c.version })),
        becauseYouWatched: models.neighbours
          ? { registration: models.neighbours.registration, version: models.neighbours.version }
          : null,
      };
    },
  });
  logger.info({ port: ops.port }, 'nearline ops endpoint listening (/metrics, /health, /ready)');
  stopOnSignals(logger, {
    message: 'nearline shutting down: finishing the batch in progress',
    graceMs: SHUTDOWN_GRACE_MS,
    lost: 'uncommitted plays are re-delivered',
    stop: async () => {
      await service.stop();
      await ops.close();
      await platform.close();
      logger.info('nearline stopped');
    },
  });
}

main().catch((error: unknown) => {
  createLogger('nearline').fatal(errorContext(error), 'nearline failed to start');
  process.exit(1);
});
