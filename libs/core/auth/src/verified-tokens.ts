import type { Principal } from './tokens';

export interface DetailedVerifier {
  verifyDetailed(token: string): Promise<{ principal: Principal; expiresAt: number }>;
}

/**
 * Remembers verified tokens until they expire, so a device that calls every few seconds costs one
 * signature check per token rather than one per request. Bounded: the oldest entries go first.
 * Failures are never cached (a bad token costs a check each time, and the rate limit never sees it).
 */
export class VerifiedTokens {
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly verifier: DetailedVerifier,
    private readonly capacity = 10_000,
  ) {}

  async verify(token: string, now = Date.now()): Promise<Principal> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > now) return known.principal;
    if (known) this.verified.delete(token);
    const fresh = await this.verifier.verifyDetailed(token);
    this.verified.set(token, fresh);
    if (this.verified.size > this.capacity) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    return fresh.principal;
  }
}
