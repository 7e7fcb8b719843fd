import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Registry } from 'prom-client';
import type { MarqueeConfig } from '@marquee/config';
import type { Logger } from '@marquee/observability';
import { Cache } from '@marquee/storage';
import { AdminService } from './admin/admin.service';
import { AppModule } from './app.module';
import type { OnlineClients } from './clients/clients.module';
import { admittingServer } from './common/admission';
import { answerMethodNotAllowed } from './common/filters/method-not-allowed';
import { setupOpenApi } from './common/openapi';
import { defaultOnlineOptions, type OnlineOptions } from './online-options';
import { observeCache, observeRequests } from './ops/metrics';
import { OnlineRuntime } from './pages/online-runtime';

export interface OnlineAppSettings {
  config: MarqueeConfig;
  logger: Logger;
  registry: Registry;
  /** Override the environment's settings. */
  options?: Partial<OnlineOptions>;
  /** Clients connected by the caller, used instead of connecting from `config` (and left open). */
  clients?: Partial<OnlineClients>;
}

/**
 * Builds the online service (used by main and by the tests): connects its stores, loads what pages
 * need into memory, starts following results.published, and wires auth, rate limits, metrics and the
 * OpenAPI document. Closing the app closes the clients it connected.
 */
export async function createOnlineApp(settings: OnlineAppSettings): Promise<NestFastifyApplication> {
  const { config, logger, registry } = settings;
  const options: OnlineOptions = { ...defaultOnlineOptions(config), ...settings.options };
  // Ahead of Fastify itself: a refused request costs no framework work, guard, parsing or store read.
  const admission = admittingServer(registry, options.admission);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, logger, registry, options, clients: settings.clients ?? {} }),
    // Path parameters are validated by their routes with a 400 naming them; Fastify's own limit (100
    // characters, percent-encoded) would answer a long one 414 first, an answer the document lacks.
    new FastifyAdapter({
      bodyLimit: 1024 * 1024,
      routerOptions: { maxParamLength: 8 * 1024 },
      serverFactory: admission.serverFactory,
    }),
    { logger: ['error', 'warn'], abortOnError: false },
  );
  const runtime = app.get(OnlineRuntime);
  const admin = app.get(AdminService);
  await runtime.start();
  const fastify = app.getHttpAdapter().getInstance();
  // Before any route is registered (the document's here, the controllers' on init): 405 needs them all.
  answerMethodNotAllowed(fastify);
  observeRequests(fastify, registry);
  observeCache(registry, app.get(Cache));
  setupOpenApi(app);
  fastify.addHook('onClose', async () => {
    admission.close();
    await runtime.stop();
    await admin.close();
  });
  await app.init();
  return app;
}
