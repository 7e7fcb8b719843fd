import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

/**
 * The methods each path of the service has, collected as Fastify registers its routes and matched
 * with Fastify's own router, so `/v1/users/m1/rows` matches `/v1/users/:id/rows` exactly as a
 * request would. A request Fastify could not route but whose path has other methods gets a 405
 * naming them, instead of a 404 that says the path does not exist.
 */
export class RouteMethods {
  private readonly router = FindMyWay();
  private readonly methods = new Set<HTTPMethod>();
  private readonly declared = new Set<string>();

  /** Collects every route registered on `fastify` from now on (call before the routes are added). */
  collectFrom(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => this.add(route.method, route.url));
  }

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
