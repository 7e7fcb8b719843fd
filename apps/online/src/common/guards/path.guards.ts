import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { z } from 'zod';
import { requireMember } from '@marquee/auth';
import { parseOrThrow } from '@marquee/domain';
import type { AuthedRequest } from '../decorators/access';
import { ApiPathFrom } from '../openapi';
import { memberPathSchema } from '../schemas';

const PATH_SCHEMA = 'marquee:path-schema';
const MEMBER_ACTION = 'marquee:member-action';

/**
 * The path names what a route acts on, so it is checked before anything the route reads: a guard
 * runs ahead of the query and body pipes, whose order among themselves Nest does not fix.
 */
@Injectable()
export class ValidPathGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const schema = this.reflector.get<z.ZodType>(PATH_SCHEMA, context.getHandler());
    parseOrThrow(schema, context.switchToHttp().getRequest<AuthedRequest>().params ?? {}, 'path');
    return true;
  }
}

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

/**
 * The route's path parameters must match `schema` (a 400 naming the parameter otherwise); the
 * document declares them from the same schema.
 */
export const ValidPath = (schema: z.ZodObject) =>
  applyDecorators(SetMetadata(PATH_SCHEMA, schema), UseGuards(ValidPathGuard), ApiPathFrom(schema));

/** The route reads the member of its `:id`; `action` names what a foreign token may not do. */
export const OwnMemberOnly = (action: string) =>
  applyDecorators(SetMetadata(MEMBER_ACTION, action), UseGuards(MemberGuard), ApiPathFrom(memberPathSchema));
