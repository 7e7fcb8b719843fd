import type { Logger } from './logger';

/**
 * Exits with code 1 if the process has not stopped `ms` after this call: a store or client hanging
 * mid-stop must not keep a SIGTERM from ending it. `why` says what that costs, for the log.
 */
export function exitUnlessStoppedWithin(logger: Logger, ms: number, why: string): void {
  setTimeout(() => {
    logger.warn({ graceMs: ms }, `did not stop in time; exiting (${why})`);
    process.exit(1);
  }, ms).unref();
}
