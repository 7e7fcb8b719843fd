import { loadConfig } from '@marquee/config';
import { createLogger, createRegistry, errorContext } from '@marquee/observability';
import { connectPlatform } from '@marquee/runtime';
import { createOnlineApp } from './app';
import { onlineOptionsFromEnv } from './online-options';

/** The online process: NestJS on Fastify, listening once its clients are connected. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-online');
  const options = onlineOptionsFromEnv(process.env, config);
  const logger = createLogger('online');
  const registry = createRegistry('online');
  const platform = await connectPlatform(config, logger, { cacheTimeoutMs: options.cacheTimeoutMs });
  const app = await createOnlineApp(platform, registry, options);
  await app.listen(config.online.port, config.host);
  const url = `http://${config.host}:${config.online.port}`;
  logger.info(
    { url, docs: `${url}/docs`, demo: options.demoPage ? `${url}/demo` : 'off' },
    'online service listening',
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'online shutting down');
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  createLogger('online').fatal(errorContext(error), 'online failed to start');
  process.exit(1);
});
