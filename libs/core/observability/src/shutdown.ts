import type { Logger } from './logger';

export interface StopOnSignals {
  /** Logged with the signal when the stop begins. */
  message: string;
  /** A stop still going on after this ends the process with code 1. */
  graceMs: number;
  /** What ending it that way costs, for the log. */
  lost: string;
  /** Everything the stop does; the process exits with code 0 once it resolves. */
  stop: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT, runs `stop` once (a second signal does not start another) and exits. A store
 * or client hanging mid-stop must not keep the signal from ending the process, hence the grace.
 */
export function stopOnSignals(logger: Logger, options: StopOnSignals): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, options.message);
    setTimeout(() => {
      logger.warn({ graceMs: options.graceMs }, `did not stop in time; exiting (${options.lost})`);
      process.exit(1);
    }, options.graceMs).unref();
    await options.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
