import { loadConfig } from '@marquee/config';
import {
  createLogger,
  createRegistry,
  errorContext,
  startOpsServer,
  stopOnSignals,
} from '@marquee/observability';
import { connectNearlineStores, nearlineGroup, startNearlineService } from '@marquee/play-processing';
import { nearlineOptionsFromEnv } from './nearline-options';

/** A stop that takes longer than this (a store hanging mid-batch) ends the process anyway; Kafka re-delivers. */
const SHUTDOWN_GRACE_MS = 20_000;

/** The nearline process: the plays consumer group, `/metrics`, `/health`, `/ready`, graceful SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-nearline');
  const options = nearlineOptionsFromEnv(process.env);
  const logger = createLogger('nearline');
  const registry = createRegistry('nearline');
  const stores = await connectNearlineStores(config, logger);
  const service = await startNearlineService(stores, registry, {
    ...options,
    groupId: options.groupId ?? nearlineGroup(config.kafka.topicPrefix),
  });
  const ops = await startOpsServer({
    host: config.host,
    port: config.nearline.port,
    registry,
    ready: async () => {
      await stores.cassandra.execute('SELECT now() FROM system.local');
      const models = service.models();
      return {
        ok: true,
        cache: stores.cache.available ? 'up' : 'cooling down',
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
      await stores.close();
      logger.info('nearline stopped');
    },
  });
}

main().catch((error: unknown) => {
  createLogger('nearline').fatal(errorContext(error), 'nearline failed to start');
  process.exit(1);
});
