/**
 * A dependency could not do its part in time (the broker did not acknowledge, a store is down). The
 * caller may retry after `retryAfterSeconds`: every write Marquee accepts is idempotent.
 */
export class UnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}
