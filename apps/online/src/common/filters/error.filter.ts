import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthError, ForbiddenError } from '@marquee/auth';
import { UnavailableError, ValidationError } from '@marquee/domain';
import type { Logger } from '@marquee/observability';
import { LOGGER } from '../../tokens';

/**
 * Maps domain errors to clear HTTP answers: bad input is a 400 naming the field, never a 500; a
 * missing or bad token a 401 with `WWW-Authenticate`; a caller who may not do this a 403.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
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
    const request = host.switchToHttp().getRequest<{ method: string; url: string }>();
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

  private unauthorized(reply: FastifyReply, message: string): void {
    void reply
      .status(401)
      .header('www-authenticate', 'Bearer realm="marquee"')
      .send({ statusCode: 401, error: 'Unauthorized', message });
  }
}
