import { applyDecorators } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBody, ApiParam, ApiQuery, ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { errorSchema } from './schemas';

/** The zod schemas that validate requests are also the OpenAPI schemas: one source of truth. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'openapi-3.0',
    unrepresentable: 'any',
  });
  return json as SchemaObject;
}

/** The parameters an object schema validates, each with its schema, whether required, and description. */
function parametersOf(schema: z.ZodObject) {
  const json = jsonSchema(schema, 'input');
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as SchemaObject;
    return { name, required: required.has(name), schema: rest, ...(description ? { description } : {}) };
  });
}

/** One query parameter per property of an object schema (the one the route's pipe validates with). */
export const ApiQueryFrom = (schema: z.ZodObject): MethodDecorator =>
  applyDecorators(...parametersOf(schema).map((parameter) => ApiQuery(parameter)));

/** One path parameter per property of an object schema (the one the route's guard validates with). */
export const ApiPathFrom = (schema: z.ZodObject): MethodDecorator =>
  applyDecorators(...parametersOf(schema).map((parameter) => ApiParam({ ...parameter, required: true })));

export const ApiBodyFrom = (schema: z.ZodType) => ApiBody({ schema: jsonSchema(schema, 'input') });

export const ApiAnswer = (status: number, description: string, schema?: z.ZodType) =>
  ApiResponse({ status, description, ...(schema ? { schema: jsonSchema(schema, 'output') } : {}) });

const ERRORS: Record<number, string> = {
  400: 'invalid input; `message` and `issues` name each offending field',
  401: 'no bearer token, or one that does not verify',
  403: "the token's role may not do this, or a device token asked for another member's data",
  404: 'not found',
  429: 'over the rate limit of this principal; retry after `Retry-After` seconds',
  503: 'a dependency is unavailable or did not answer in time; retry after `Retry-After` seconds (writes are idempotent)',
};

export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERRORS[status] ?? '', schema: jsonSchema(errorSchema, 'output') }),
    ),
  );

/** `/openapi.json` (the document) and `/docs` (Swagger UI over it). */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Marquee online API')
    .setDescription(
      'Personalized rows for device UIs, play ingress, similar titles and operator views. Local tokens: ' +
        '`marquee token --role device --user <member>`. This document is the contract: every parameter and ' +
        'body is validated with the schema shown here, and a request it allows is never rejected as invalid. ' +
        'A method a path does not have is answered 405 with `Allow` listing the methods it has. Any ' +
        '`/v1/` route may answer 503 with `Retry-After` when the service sheds load (too many requests in ' +
        'flight, or its event loop lagging); retry after that many seconds.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    customSiteTitle: 'Marquee API',
  });
}
