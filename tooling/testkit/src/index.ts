import { loadConfig, type MarqueeConfig } from '@marquee/config';
import { createLogger, createRegistry } from '@marquee/observability';
import { connectPlatform, type Platform } from './platform';

/**
 * Helpers for integration tests on the real local stack. `npm test` (tools/run-tests.mjs) gives each
 * run its own keyspace, topic prefix and task queue through the environment.
 */
export function testConfig(clientId = 'marquee-test'): MarqueeConfig {
  return loadConfig(process.env, clientId);
}

export async function connectTestPlatform(
  name: string,
  config = testConfig(`marquee-test-${name}`),
): Promise<Platform> {
  return connectPlatform(config, createLogger(`test-${name}`, process.env['LOG_LEVEL'] ?? 'warn', true));
}

export { createRegistry };

/** Polls `probe` until it returns something truthy, or fails naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
  );
}

/** A unique suffix for ids in one test, so reruns against the same keyspace never collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Messages of an error and its causes, outermost first (Temporal wraps failures in layers). */
export function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) messages.push(e.message);
  return messages.join(' <- ');
}
export * from './champions';
export * from './platform';
