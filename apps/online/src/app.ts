import 'reflect-metadata';
import { Module, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Registry } from 'prom-client';
import { TokenVerifier, VerifiedTokens } from '@marquee/auth';
import type { Platform } from '@marquee/runtime';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import type { AuthedRequest } from './auth/access';
import { AuthGuard } from './auth/auth.guard';
import { SlidingWindowStorage } from './auth/sliding-window-storage';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { DemoController } from './demo.controller';
import { ItemsController } from './items.controller';
import { observeCache, observeRequests } from './metrics';
import { defaultOnlineOptions, type OnlineOptions } from './online-options';
import { OnlineRuntime } from './online-runtime';
import { setupOpenApi } from './openapi';
import { OpsController } from './ops.controller';
import { PlaysController } from './plays.controller';
import { RowsController } from './rows.controller';
import { ADMIN, OPTIONS, PLATFORM, REGISTRY, RUNTIME, VERIFIER } from './tokens';
import { ErrorFilter } from './validation.filter';

interface OnlineParts {
  platform: Platform;
  registry: Registry;
  options: OnlineOptions;
  runtime: OnlineRuntime;
  admin: AdminService;
  tokens: VerifiedTokens;
}

@Module({})
class OnlineModule {
  static register(parts: OnlineParts): DynamicModule {
    const { windowMs, limits } = parts.options.rateLimit;
    return {
      module: OnlineModule,
      imports: [
        ThrottlerModule.forRoot({
          storage: new SlidingWindowStorage(),
          throttlers: [
            {
              name: 'default',
              ttl: windowMs,
              limit: (context: ExecutionContext) =>
                limits[context.switchToHttp().getRequest<AuthedRequest>().principal?.role ?? 'anonymous'],
            },
          ],
          errorMessage: (_context, detail) =>
            `rate limit of ${detail.limit} requests per ${detail.ttl / 1000} s exceeded for ${detail.tracker}; retry after ${detail.timeToBlockExpire} s`,
        }),
      ],
      controllers: [
        OpsController,
        RowsController,
        PlaysController,
        ItemsController,
        AdminController,
        DemoController,
      ],
      providers: [
        { provide: PLATFORM, useValue: parts.platform },
        { provide: REGISTRY, useValue: parts.registry },
        { provide: OPTIONS, useValue: parts.options },
        { provide: RUNTIME, useValue: parts.runtime },
        { provide: ADMIN, useValue: parts.admin },
        { provide: VERIFIER, useValue: parts.tokens },
        // Order matters: who is calling (401/403) before how often they call (429).
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }
}

/**
 * Builds the online service over a connected platform (used by main and by the tests): loads what
 * pages need into memory, starts following results.published, and wires auth, rate limits, metrics
 * and the OpenAPI document. `options` override the environment's settings.
 */
export async function createOnlineApp(
  platform: Platform,
  registry: Registry,
  options: Partial<OnlineOptions> = {},
): Promise<NestFastifyApplication> {
  const settings: OnlineOptions = { ...defaultOnlineOptions(platform.config), ...options };
  const runtime = new OnlineRuntime(platform, registry, settings);
  await runtime.start();
  const admin = new AdminService(platform);
  const parts = {
    platform,
    registry,
    options: settings,
    runtime,
    admin,
    tokens: new VerifiedTokens(new TokenVerifier(platform.config.auth)),
  };
  const app = await NestFactory.create<NestFastifyApplication>(
    OnlineModule.register(parts),
    new FastifyAdapter({ bodyLimit: 1024 * 1024 }),
    { logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new ErrorFilter(platform.logger));
  const fastify = app.getHttpAdapter().getInstance();
  observeRequests(fastify, registry);
  observeCache(registry, platform.cache);
  setupOpenApi(app);
  fastify.addHook('onClose', async () => {
    await runtime.stop();
    await admin.close();
  });
  await app.init();
  return app;
}
