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
import { parseOrThrow } from '@marquee/domain';
import type { AuthedRequest } from '../decorators/access';

const PATH_SCHEMA = 'marquee:path-schema';

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

/** The route's path parameters must match `schema` (a 400 naming the parameter otherwise). */
export const ValidPath = (schema: z.ZodType) =>
  applyDecorators(SetMetadata(PATH_SCHEMA, schema), UseGuards(ValidPathGuard));
