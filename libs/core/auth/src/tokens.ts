import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { idSchema } from '@marquee/domain';

/**
 * Roles of the API's callers. A device acts for one member; producers post plays; experimenters
 * manage algorithms and runs; operators see models, workflow history and admin.
 */
export const ROLES = ['device', 'producer', 'experimenter', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The token's subject: the member id for devices, a service or person otherwise. */
  subject: string;
  role: Role;
  /** For devices: the only member whose data they may read or write. */
  memberId?: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(ROLES),
  member: idSchema.optional(),
});

export const TOKEN_ISSUER = 'marquee';
export const TOKEN_AUDIENCE = 'marquee-api';

export class AuthError extends Error {}

/** Local signing: HS256 with a shared secret. Production verifies against a JWKS URL instead. */
export interface TokenKeys {
  secret?: string;
  jwksUrl?: string;
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < 32) throw new AuthError('the JWT secret must be at least 32 characters');
  return new TextEncoder().encode(secret);
}

/** Mints a token (local HS256), e.g. for `marquee token` and the benchmarks. */
export async function mintToken(
  principal: { role: Role; subject?: string; memberId?: string },
  secret: string,
  expiresIn = '12h',
): Promise<string> {
  if (principal.role === 'device' && !principal.memberId)
    throw new AuthError('a device token needs the member it acts for');
  const subject = principal.subject ?? principal.memberId ?? principal.role;
  return new SignJWT({ role: principal.role, ...(principal.memberId ? { member: principal.memberId } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secretKey(secret));
}

/** Verifies bearer tokens: HS256 with the secret, or RS256/ES256 keys from a JWKS endpoint. */
export class TokenVerifier {
  private readonly jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;

  constructor(keys: TokenKeys) {
    if (keys.jwksUrl) this.jwks = createRemoteJWKSet(new URL(keys.jwksUrl));
    else if (keys.secret) this.secret = secretKey(keys.secret);
    else throw new AuthError('configure MARQUEE_JWT_SECRET (local) or MARQUEE_JWKS_URL (production)');
  }

  async verify(token: string): Promise<Principal> {
    return (await this.verifyDetailed(token)).principal;
  }

  /** The principal and when the token expires (ms since the epoch), for caches of verified tokens. */
  async verifyDetailed(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    try {
      const options = { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };
      const { payload } = this.jwks
        ? await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] })
        : await jwtVerify(token, this.secret as Uint8Array, { ...options, algorithms: ['HS256'] });
      const claims = claimsSchema.parse(payload);
      if (claims.role === 'device' && !claims.member)
        throw new AuthError('a device token must name its member');
      return {
        principal: {
          subject: claims.sub,
          role: claims.role,
          ...(claims.member ? { memberId: claims.member } : {}),
        },
        // jwtVerify has checked exp when present; a token without one is cached for a minute at most.
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 60_000,
      };
    } catch (error) {
      throw error instanceof AuthError ? error : new AuthError(`invalid token: ${(error as Error).message}`);
    }
  }
}
