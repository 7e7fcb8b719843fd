import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** How long requests in progress get to finish once the service stops. */
export const DRAIN_MS = 5_000;

/**
 * Stops accepting, lets requests in progress finish for `drainMs`, then cuts the connections still
 * open. Fastify closes idle keep-alive connections by itself, but not one whose request is unfinished:
 * a client that died mid-request (seen after a load generator was killed) held `app.close()`, and so
 * SIGTERM, for as long as Node's own request timeout, minutes.
 */
export async function closeApp(app: NestFastifyApplication, drainMs = DRAIN_MS): Promise<void> {
  const server = app.getHttpServer() as Server;
  const cut = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
