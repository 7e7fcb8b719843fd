const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an idempotent write a few times with backoff: a timeout under load must not end a long import. */
export async function withRetries<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(100 * 2 ** i);
    }
  }
}
