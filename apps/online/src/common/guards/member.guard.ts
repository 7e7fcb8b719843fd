import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { requireMember } from '@marquee/auth';
import { parseOrThrow } from '@marquee/domain';
import type { AuthedRequest } from '../decorators/access';
import { memberPathSchema } from '../schemas';

const MEMBER_ACTION = 'marquee:member-action';

/**
 * A device token reads its own member's data only. Checked after the auth guard and before the
 * query is read: a bad member id is a 400, another member's a 403, and only then a bad query a 400.
 */
@Injectable()
export class MemberGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const action = this.reflector.get<string>(MEMBER_ACTION, context.getHandler());
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const { id } = parseOrThrow(memberPathSchema, request.params ?? {}, 'path');
    // The auth guard has set the principal on every route guarded by @Allow.
    if (!request.principal) throw new Error('route checks the member but is not guarded by @Allow');
    requireMember(request.principal, id, action);
    return true;
  }
}

/** The route reads the member of its `:id`; `action` names what a foreign token may not do. */
export const OwnMemberOnly = (action: string) =>
  applyDecorators(SetMetadata(MEMBER_ACTION, action), UseGuards(MemberGuard));
