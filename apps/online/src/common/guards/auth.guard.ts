import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, ForbiddenError, requireRole, type VerifiedTokens } from '@marquee/auth';
import { VERIFIER } from '../../tokens';
import { ACCESS, type Access, type AuthedRequest } from '../decorators/access';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * Every route declares who may call it (`@Public()` or `@Allow(...roles)`); a route without a rule is
 * refused. 401: no token, a malformed header, or a token that does not verify; 403: the wrong role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(VERIFIER) private readonly tokens: VerifiedTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (!access) throw new ForbiddenError(`${action} has no access rule`);
    if ('public' in access) return true;
    const header = request.headers.authorization;
    if (!header)
      throw new UnauthorizedException(
        'missing bearer token: send Authorization: Bearer <token> (a local one: marquee token --role device --user <member>)',
      );
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new UnauthorizedException('the Authorization header must be "Bearer <token>"');
    try {
      request.principal = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof AuthError) throw new UnauthorizedException(error.message);
      throw error;
    }
    requireRole(request.principal, access.roles, action);
    return true;
  }
}
