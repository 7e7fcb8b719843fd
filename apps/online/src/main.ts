import { loadConfig } from '@marquee/config';
import { createLogger, createRegistry, errorContext, stopOnSignals } from '@marquee/observability';
import { createOnlineApp } from './app';
import { closeApp, DRAIN_MS } from './close-app';
import { onlineOptionsFromEnv } from './online-options';

/** After the drain, the stores' clients close; a stop still going on after this ends the process. */
const SHUTDOWN_GRACE_MS = DRAIN_MS + 10_000;

/** The online process: NestJS on Fastify, listening once its clients are connected. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-online');
  const options = onlineOptionsFromEnv(process.env, config);
  const logger = createLogger('online');
  const registry = createRegistry('online');
  const app = await createOnlineApp({ config, logger, registry, options });
  await app.listen(config.online.port, config.host);
  const url = `http://${config.host}:${config.online.port}`;
  logger.info(
    { url, docs: `${url}/docs`, demo: options.demoPage ? `${url}/demo` : 'off' },
    'online service listening',
  );
  stopOnSignals(logger, {
    message: 'online shutting down',
    graceMs: SHUTDOWN_GRACE_MS,
    // Closing the app closes the stores' clients once the requests in progress are done.
    lost: 'requests still open are dropped',
    stop: () => closeApp(app),
  });
}

main().catch((error: unknown) => {
  createLogger('online').fatal(errorContext(error), 'online failed to start');
  process.exit(1);
});
