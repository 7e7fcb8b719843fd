/** A read that answered, failed, or missed the page's deadline. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; why: 'late' | 'failed'; error?: string };

/**
 * One deadline for all of a request's store reads, which run in parallel: each read is raced against
 * the same timer, so the page waits at most `ms` in total, and a late read is abandoned (it still
 * completes in the background and refills the cache for the next request).
 */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private readonly expired: Promise<{ ok: false; why: 'late' }>;

  constructor(ms: number) {
    this.expired = new Promise((resolve) => {
      this.timer = setTimeout(() => resolve({ ok: false, why: 'late' }), ms);
    });
  }

  race<T>(read: Promise<T>): Promise<Outcome<T>> {
    return Promise.race([
      read.then(
        (value): Outcome<T> => ({ ok: true, value }),
        (error: unknown): Outcome<T> => ({ ok: false, why: 'failed', error: (error as Error).message }),
      ),
      this.expired,
    ]);
  }

  /** Stops the timer once every read has settled. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
