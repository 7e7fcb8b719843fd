import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthError, ForbiddenError } from '@marquee/auth';
import { UnavailableError, ValidationError } from '@marquee/domain';
import type { Logger } from '@marquee/observability';
import { LOGGER } from '../../tokens';
import { RouteMethods } from './route-methods';

/**
 * Maps domain errors to clear HTTP answers: bad input is a 400 naming the field, never a 500; a
 * missing or bad token a 401 with `WWW-Authenticate`; a caller who may not do this a 403; a method
 * the path does not have a 405 with `Allow`.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RouteMethods) private readonly routes: RouteMethods,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<{ method: string; url: string }>();
    if (error instanceof HttpException && error.getStatus() === 404 && this.methodNotAllowed(request, reply))
      return;
    if (error instanceof ValidationError) {
      void reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: error.message, issues: error.issues });
      return;
    }
    if (error instanceof UnavailableError) {
      void reply
        .status(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send({ statusCode: 503, error: 'Service Unavailable', message: error.message });
      return;
    }
    if (error instanceof ForbiddenError) {
      void reply.status(403).send({ statusCode: 403, error: 'Forbidden', message: error.message });
      return;
    }
    if (error instanceof AuthError) {
      this.unauthorized(reply, error.message);
      return;
    }
    if (error instanceof HttpException) {
      if (error.getStatus() === 401) {
        this.unauthorized(reply, error.message);
        return;
      }
      const body = error.getResponse();
      void reply
        .status(error.getStatus())
        .send(typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body);
      return;
    }
    const fastifyStatus = (error as { statusCode?: number }).statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own rejections (malformed JSON, body too large) are client errors.
      void reply.status(fastifyStatus).send({ statusCode: fastifyStatus, message: (error as Error).message });
      return;
    }
    this.logger.error(
      {
        method: request.method,
        url: request.url,
        err: (error as Error).message,
        stack: (error as Error).stack,
      },
      'request failed',
    );
    void reply.status(500).send({ statusCode: 500, message: 'internal error; see the online service log' });
  }

  /**
   * A route that exists answers its own 404s (an unknown title); only a request no route took, on a
   * path that has other methods, is answered 405.
   */
  private methodNotAllowed(request: { method: string; url: string }, reply: FastifyReply): boolean {
    const allowed = this.routes.allowed(request.url);
    if (allowed.length === 0 || allowed.includes(request.method.toUpperCase() as (typeof allowed)[number]))
      return false;
    const path = request.url.split('?', 1)[0];
    void reply
      .status(405)
      .header('allow', allowed.join(', '))
      .send({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${request.method} is not a method of ${path}; it has ${allowed.join(', ')}`,
      });
    return true;
  }

  private unauthorized(reply: FastifyReply, message: string): void {
    void reply
      .status(401)
      .header('www-authenticate', 'Bearer realm="marquee"')
      .send({ statusCode: 401, error: 'Unauthorized', message });
  }
}
