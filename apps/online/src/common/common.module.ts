import { Module, type ExecutionContext } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { MarqueeConfig } from '@marquee/config';
import { TokenVerifier, VerifiedTokens } from '@marquee/auth';
import type { OnlineOptions } from '../online-options';
import { CONFIG, OPTIONS, VERIFIER } from '../tokens';
import type { AuthedRequest } from './decorators/access';
import { ErrorFilter } from './filters/error.filter';
import { AuthGuard } from './guards/auth.guard';
import { RateLimitGuard } from './guards/rate-limit.guard';
import { SlidingWindowStorage } from './guards/sliding-window-storage';

/** What every route goes through: who is calling, how often, and how errors are answered. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [OPTIONS],
      useFactory: (options: OnlineOptions) => {
        const { windowMs, limits } = options.rateLimit;
        return {
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
        };
      },
    }),
  ],
  providers: [
    {
      provide: VERIFIER,
      useFactory: (config: MarqueeConfig) => new VerifiedTokens(new TokenVerifier(config.auth)),
      inject: [CONFIG],
    },
    // Order matters: who is calling (401/403) before how often they call (429).
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class CommonModule {}
