import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Registry } from 'prom-client';
import { histogram } from '@marquee/observability';
import type { Platform } from '@marquee/runtime';
import { RowsService } from '@marquee/rows';
import { OpsController } from './ops.controller';
import { PlaysController } from './plays.controller';
import { RowsController } from './rows.controller';
import { PLATFORM, REGISTRY, ROWS } from './tokens';
import { ErrorFilter } from './validation.filter';

@Module({})
class OnlineModule {
  static register(platform: Platform, registry: Registry): DynamicModule {
    return {
      module: OnlineModule,
      controllers: [OpsController, PlaysController, RowsController],
      providers: [
        { provide: PLATFORM, useValue: platform },
        { provide: REGISTRY, useValue: registry },
        { provide: ROWS, useValue: new RowsService(platform) },
      ],
    };
  }
}

/** Builds the online service over a connected platform (used by main and by the tests). */
export async function createOnlineApp(
  platform: Platform,
  registry: Registry,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(
    OnlineModule.register(platform, registry),
    adapter,
    {
      logger: ['error', 'warn'],
    },
  );
  app.useGlobalFilters(new ErrorFilter(platform.logger));
  const requests = histogram(
    registry,
    'marquee_http_request_duration_seconds',
    'HTTP requests by route and status',
    ['method', 'route', 'status'],
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    requests.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  await app.init();
  return app;
}
