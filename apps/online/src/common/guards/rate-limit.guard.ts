import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthedRequest } from '../decorators/access';

/**
 * Per-principal rate limits (after the auth guard): a token's subject and role are the key, across
 * routes, so one device cannot spend another's budget; requests without a token count per address.
 * Over the limit: 429 with Retry-After (seconds).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const { principal, ip } = req as unknown as AuthedRequest;
    return principal ? `${principal.role}:${principal.subject}` : `ip:${ip}`;
  }

  protected override generateKey(_context: unknown, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
