import pino from 'pino';

export type Logger = pino.Logger;

/**
 * One structured logger per process; `app` names the process in every line. Servers log to
 * stdout; the CLI passes `toStderr` so its own output (for example `--json`) stays clean.
 */
export function createLogger(
  app: string,
  level = process.env['LOG_LEVEL'] ?? 'info',
  toStderr = false,
): Logger {
  const options = { name: app, level, base: { app, pid: process.pid } };
  return toStderr ? pino(options, pino.destination(2)) : pino(options);
}

/** Error details for a log line: message, stack and the cause chain. */
export function errorContext(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { err: { message: error.message, name: error.name, stack: error.stack } };
  return { err: { message: String(error) } };
}
