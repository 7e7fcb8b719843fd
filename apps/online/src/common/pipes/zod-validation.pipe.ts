import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseOrThrow } from '@marquee/domain';

/**
 * Validates a route's query or body against its zod schema (the one its OpenAPI document shows):
 * a bad value is a ValidationError naming the field, which the error filter answers with a 400.
 */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly where: 'query' | 'body',
  ) {}

  transform(value: unknown): T {
    return parseOrThrow(this.schema, value ?? {}, this.where);
  }
}

export const validQuery = <T>(schema: z.ZodType<T>) => new ZodValidationPipe(schema, 'query');
export const validBody = <T>(schema: z.ZodType<T>) => new ZodValidationPipe(schema, 'body');
