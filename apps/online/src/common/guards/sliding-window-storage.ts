import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  /** When each counted hit leaves the window, oldest first (from `head` on). */
  expiries: number[];
  head: number;
  blockedUntil: number;
}

interface Counted {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** Windows looked at between two sweeps of idle ones. */
const SWEEP_EVERY = 10_000;

/**
 * The throttler's hit counts, as @nestjs/throttler's own in-memory storage keeps them (a sliding
 * window per key, blocked for `blockDuration` once over the limit) but in constant time per request:
 * the built-in one filters every hit still in the window on each request, which at the device limit
 * (1,000 per window) cost more than blending a page. Hits of one key share a ttl, so they expire in
 * the order they came and a queue suffices.
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private untilSweep = SWEEP_EVERY;

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Counted> {
    return Promise.resolve(this.count(`${throttlerName}|${key}`, ttl, limit, blockDuration, Date.now()));
  }

  /** The synchronous core of `increment`, at a given time (for tests). */
  count(id: string, ttl: number, limit: number, blockDuration: number, now: number): Counted {
    if (--this.untilSweep <= 0) this.sweep(now);
    let window = this.windows.get(id);
    if (!window) {
      window = { expiries: [], head: 0, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    const { expiries } = window;
    while (window.head < expiries.length && (expiries[window.head] as number) <= now) window.head += 1;
    if (window.head > 64 && window.head * 2 > expiries.length) {
      window.expiries = expiries.slice(window.head);
      window.head = 0;
    }
    const blocked = window.blockedUntil > now;
    if (!blocked) window.expiries.push(now + ttl);
    const totalHits = window.expiries.length - window.head;
    if (!blocked && totalHits > limit) window.blockedUntil = now + blockDuration;
    const isBlocked = window.blockedUntil > now;
    const oldest = window.expiries[window.head] ?? now + ttl;
    return {
      totalHits,
      timeToExpire: Math.ceil((oldest - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    };
  }

  get size(): number {
    return this.windows.size;
  }

  /** Forgets windows with no hit left and no block, so idle principals cost no memory. */
  private sweep(now: number): void {
    this.untilSweep = SWEEP_EVERY;
    for (const [id, window] of this.windows) {
      const last = window.expiries[window.expiries.length - 1];
      if (window.blockedUntil <= now && (last === undefined || last <= now)) this.windows.delete(id);
    }
  }
}
