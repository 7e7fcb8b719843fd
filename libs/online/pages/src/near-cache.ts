/**
 * An in-process near cache (an L1 in front of memcached) of a member's signal reads and of the pages
 * blended from them: requests for the same member within `ttlMs` share one read, in flight or done,
 * and the same page request within it gets the same page. Entries are dropped when what they were
 * read from changes: nearline announcing on `members.updated` that it rewrote the member's rows, a
 * play through this instance, a new list version; so `ttlMs` only bounds staleness when such an
 * announcement is lost. Members whose devices ask several times a second cost memcached and the CPU
 * one read and one blend. A failed read is dropped at once, so the next request reads again. Past
 * `ttlMs` a kept page is still served once more while a new one is blended (`servable`), so a
 * member's requests do not wait for memcached every `ttlMs`. A page blended with fallbacks is kept
 * apart and only briefly (`keepDegraded`): a slow store then costs one blend
 * per member and moment rather than one per request, and the next one after tries the stores again.
 */
/** How long a member who just played reads around the near cache (nearline takes well under this). */
const BYPASS_MS = 2000;
/**
 * Each entry lives between (1 - TTL_JITTER) × ttl and ttl. With one ttl for all, members read in the
 * same moment (a warm-up, a restart, a new version) expire together and are refreshed in waves: under
 * a steady 2,000 req/s the service swung between half and all of a core every ttl, and the full
 * moments queued requests for 100 ms and more.
 */
export const TTL_JITTER = 0.25;

export class NearCache<T extends Record<string, Promise<unknown>>, P> {
  private readonly entries = new Map<
    string,
    { at: number; ttl: number; reads: T; pages: Map<string, P>; refreshing?: boolean }
  >();
  private readonly bypass = new Map<string, number>();
  private readonly degraded = new Map<string, { until: number; pages: Map<string, P> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
    private readonly jitter = TTL_JITTER,
    private readonly random: () => number = Math.random,
  ) {}

  reads(memberId: string, now: number, read: () => T): T {
    if (this.ttlMs <= 0 || this.bypassing(memberId, now)) return read();
    const entry = this.fresh(memberId, now);
    if (entry) return entry.reads;
    const reads = read();
    this.entries.delete(memberId);
    this.entries.set(memberId, {
      at: now,
      ttl: this.ttlMs * (1 - this.jitter * this.random()),
      reads,
      pages: new Map(),
    });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    for (const promise of Object.values(reads))
      promise.catch(() => {
        if (this.entries.get(memberId)?.reads === reads) this.entries.delete(memberId);
      });
    return reads;
  }

  /**
   * A page to serve for `key`: a fresh one, or one up to `ttlMs` past its time (stale while
   * revalidating), for which the first caller is told to blend a new one in the background. Nothing
   * the member's stores announced is served stale: an announcement drops the entry.
   */
  servable(
    memberId: string,
    key: string,
    now: number,
  ): { page: P; refresh: boolean; degraded?: true } | undefined {
    const entry = this.entries.get(memberId);
    if (!entry || this.ttlMs <= 0) return this.keptDegraded(memberId, key, now);
    const age = now - entry.at;
    const page = age < 2 * entry.ttl ? entry.pages.get(key) : undefined;
    if (page === undefined) return this.keptDegraded(memberId, key, now);
    if (age < entry.ttl || entry.refreshing) return { page, refresh: false };
    entry.refreshing = true;
    return { page, refresh: true };
  }

  /** Keeps a page blended from `reads`, unless the member's reads were replaced meanwhile. */
  keepPage(memberId: string, reads: T, key: string, page: P): void {
    const entry = this.entries.get(memberId);
    if (entry?.reads === reads) {
      entry.pages.set(key, page);
      this.degraded.delete(memberId);
    }
  }

  /**
   * Keeps a page blended with fallbacks for `ttlMs`, apart from the member's reads; not for a member
   * who just played (their play shows as soon as it is stored).
   */
  keepDegraded(memberId: string, key: string, page: P, now: number, ttlMs: number): void {
    if (ttlMs <= 0 || this.bypassing(memberId, now)) return;
    const until = now + ttlMs;
    const kept = this.degraded.get(memberId);
    if (kept && kept.until >= until) kept.pages.set(key, page);
    else {
      this.degraded.delete(memberId);
      this.degraded.set(memberId, { until, pages: new Map([[key, page]]) });
    }
    if (this.degraded.size > this.capacity) {
      const oldest = this.degraded.keys().next().value;
      if (oldest !== undefined) this.degraded.delete(oldest);
    }
  }

  /** The member's stored rows changed: reads and pages kept for them are dropped. */
  drop(memberId: string): void {
    this.entries.delete(memberId);
    this.degraded.delete(memberId);
  }

  /** Everything changed (a new list version): every member's reads and pages are dropped. */
  clear(): void {
    this.entries.clear();
    this.degraded.clear();
  }

  /**
   * The member played something through this instance: their pages read afresh for a while, so the
   * play shows as soon as nearline has stored it rather than up to `ttlMs` later.
   */
  forget(memberId: string, now = Date.now()): void {
    this.entries.delete(memberId);
    this.degraded.delete(memberId);
    this.bypass.set(memberId, now + BYPASS_MS);
    if (this.bypass.size > this.capacity) {
      for (const [member, until] of this.bypass) if (until <= now) this.bypass.delete(member);
    }
  }

  private keptDegraded(memberId: string, key: string, now: number) {
    const kept = this.degraded.get(memberId);
    if (!kept) return undefined;
    if (kept.until <= now) {
      this.degraded.delete(memberId);
      return undefined;
    }
    const page = kept.pages.get(key);
    return page === undefined ? undefined : { page, refresh: false, degraded: true as const };
  }

  private bypassing(memberId: string, now: number): boolean {
    const until = this.bypass.get(memberId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.bypass.delete(memberId);
    return false;
  }

  private fresh(memberId: string, now: number) {
    const entry = this.entries.get(memberId);
    return entry && now - entry.at < entry.ttl ? entry : undefined;
  }
}
