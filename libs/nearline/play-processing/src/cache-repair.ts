import type { Cache } from '@marquee/storage';
import type { Gauge } from 'prom-client';
import type { Logger } from '@marquee/observability';
import type { MemberLocks } from './member-locks';
import type { PlayProcessor } from './play-processor';

/** How often the pending members are refilled while memcached answers. */
const INTERVAL_MS = 500;
/** Members refilled per round. */
const ROUND = 200;
/** Members remembered at most; past it the oldest are dropped (their copies expire by TTL). */
const CAPACITY = 1_000_000;

/**
 * Refills memcached for members whose hot copies could not be written while it was unavailable,
 * once it answers again. Without this a copy written before an outage would be served stale until
 * its TTL, although Cassandra has the newer state.
 */
export class CacheRepair {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly deps: {
      cache: Cache;
      processor: PlayProcessor;
      locks: MemberLocks;
      gauge: Gauge;
      logger: Logger;
    },
  ) {}

  mark(memberId: string): void {
    this.pending.delete(memberId);
    this.pending.add(memberId);
    if (this.pending.size > CAPACITY) this.pending.delete(this.pending.values().next().value as string);
    this.deps.gauge.set(this.pending.size);
  }

  get size(): number {
    return this.pending.size;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round: up to ROUND members, while the cache answers. */
  private async tick(): Promise<void> {
    if (this.running || this.pending.size === 0 || !this.deps.cache.available) return;
    this.running = true;
    let refilled = 0;
    try {
      const members = [...this.pending].slice(0, ROUND);
      for (const m of members) this.pending.delete(m);
      await Promise.all(
        members.map(async (memberId) => {
          try {
            const clean = await this.deps.locks.run(memberId, () =>
              this.deps.processor.refillCache(memberId),
            );
            if (clean) refilled += 1;
            else this.pending.add(memberId);
          } catch {
            this.pending.add(memberId);
          }
        }),
      );
      if (refilled > 0) this.deps.logger.info({ refilled, pending: this.pending.size }, 'memcached refilled');
    } finally {
      this.running = false;
      this.deps.gauge.set(this.pending.size);
    }
  }
}
