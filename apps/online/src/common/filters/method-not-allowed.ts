import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

/**
 * The methods each path of the service has, collected as Fastify registers its routes and matched
 * with Fastify's own router, so `/v1/users/m1/rows` matches `/v1/users/:id/rows` exactly as a
 * request would.
 */
export class RouteMethods {
  private readonly router = FindMyWay();
  private readonly methods = new Set<HTTPMethod>();
  private readonly declared = new Set<string>();

  add(method: string | string[], url: string): void {
    for (const one of Array.isArray(method) ? method : [method]) {
      const upper = one.toUpperCase() as HTTPMethod;
      const key = `${upper} ${url}`;
      // Fastify adds HEAD beside each GET; a route the router already has is not added twice.
      if (this.declared.has(key)) continue;
      this.declared.add(key);
      this.methods.add(upper);
      this.router.on(upper, url, () => undefined);
    }
  }

  /** The methods the path of `url` (query string ignored) has, sorted; empty for an unknown path. */
  allowed(url: string): HTTPMethod[] {
    const path = url.split('?', 1)[0] ?? url;
    return [...this.methods].filter((method) => this.router.find(method, path) !== null).sort();
  }
}

/**
 * A request no route took, on a path that has other methods, is answered 405 with `Allow` naming
 * them; an unknown path stays a 404. Answered when the request arrives, before Fastify reads a body
 * (a method like QUERY would otherwise fail on its missing content type first). Call before any
 * route is registered: the routes are collected as they are added.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): RouteMethods {
  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const allowed = routes.allowed(request.url);
    if (allowed.length === 0 || allowed.includes(request.method as HTTPMethod)) return;
    const path = request.url.split('?', 1)[0];
    return reply
      .status(405)
      .header('allow', allowed.join(', '))
      .send({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${request.method} is not a method of ${path}; it has ${allowed.join(', ')}`,
      });
  });
  return routes;
}
