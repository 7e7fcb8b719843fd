/** Retries `action` with exponential backoff; the last failure is rethrown. */
export async function withBackoff<T>(
  action: () => Promise<T>,
  options: {
    attempts: number;
    initialMs: number;
    maxMs: number;
    onRetry?: (error: unknown, attempt: number) => void;
  },
): Promise<T> {
  let delay = options.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= options.attempts) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(options.maxMs, delay * 2);
    }
  }
}
