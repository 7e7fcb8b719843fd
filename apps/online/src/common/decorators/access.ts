import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, Role } from '@marquee/auth';

export const ACCESS = 'marquee:access';

/** Who may call a route: anyone (`public`), or bearers of a token with one of `roles`. */
export type Access = { public: true } | { roles: readonly Role[] };

/** No token needed (health, metrics, the demo page). */
export const Public = () => SetMetadata(ACCESS, { public: true } satisfies Access);

/** A bearer token with one of these roles. */
export const Allow = (...roles: Role[]) => SetMetadata(ACCESS, { roles } satisfies Access);

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** The verified caller of a route guarded by `Allow`. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
  // The guard runs first on every route that asks for a caller; this only trips on a wiring mistake.
  if (!principal) throw new Error('route reads the caller but is not guarded by @Allow');
  return principal;
});
