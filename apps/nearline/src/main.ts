import { loadConfig } from '@marquee/config';
import { createLogger, createRegistry, errorContext, startOpsServer } from '@marquee/observability';
import { connectPlatform } from '@marquee/runtime';
import { startNearlineService } from '@marquee/ingest';

/** The nearline process: the plays consumer group, `/metrics`, `/health`, `/ready`, graceful SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-nearline');
  const logger = createLogger('nearline');
  const registry = createRegistry('nearline');
  const platform = await connectPlatform(config, logger);
  const service = await startNearlineService(platform, registry);
  const ops = await startOpsServer({
    host: config.host,
    port: config.nearline.port,
    registry,
    ready: async () => {
      await platform.cassandra.execute('SELECT now() FROM system.local');
      return { ok: true, cache: platform.cache.available ? 'up' : 'cooling down' };
    },
  });
  logger.info({ port: ops.port }, 'nearline consuming plays');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'nearline shutting down');
    await service.stop();
    await ops.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  createLogger('nearline').fatal(errorContext(error), 'nearline failed to start');
  process.exit(1);
});
