import pino from 'pino';

export type Logger = pino.Logger;

/** One structured logger per process; `app` names the process in every line. */
export function createLogger(app: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: app, level, base: { app, pid: process.pid } });
}

/** Error details for a log line: message, stack and the cause chain. */
export function errorContext(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { err: { message: error.message, name: error.name, stack: error.stack } };
  return { err: { message: String(error) } };
}
