import { createHash } from 'node:crypto';
import type { Device, Play, ScoredList } from '@marquee/domain';
import { cacheKeys, type Cache, type TrendingIncrement, type TrendingRepository } from '@marquee/storage';

/**
 * Signal: what is trending now, overall and per device type.
 * Stored: Cassandra counters per (scope, 10-minute bucket, title); `trending_counted` remembers which
 *   sets of plays were counted (a lightweight transaction), so a set counted again adds nothing.
 * Nearline: counts each play into its bucket for scopes `all` and `device:<type>`, a batch already
 *   deduplicated by event id at a time, each set guarded by one lightweight transaction (`countOnce`).
 * Online: `read` sums the last 12 hours of buckets, each decayed by its age (half-life 2 hours), and
 *   keeps the top titles; the result is shared through memcached for a few seconds.
 * Fresh within seconds of a play.
 */
export const TRENDING = {
  bucketMs: 10 * 60_000,
  windowMs: 12 * 3600_000,
  halfLifeMs: 2 * 3600_000,
  cacheSeconds: 5,
} as const;

export type TrendingScope = 'all' | `device:${Device}`;

export function bucketOf(timeMs: number): Date {
  return new Date(Math.floor(timeMs / TRENDING.bucketMs) * TRENDING.bucketMs);
}

/** The scopes a play counts in: everyone's, and its device type's. */
function scopesOf(play: Play): TrendingScope[] {
  return ['all', `device:${play.device}`];
}

/** How long the counts of a bucket older than the previous one are reused before reading it again. */
const SETTLED_BUCKET_REREAD_MS = 60_000;
/** Settled buckets re-read by one computation at most (the stalest). */
const SETTLED_REREADS_PER_COMPUTATION = 6;

export class TrendingSignal {
  private readonly memo = new Map<string, { at: number; list: ScoredList }>();
  private readonly settledBuckets = new Map<
    string,
    { readAt: number; bucketAt: number; counts: Array<[string, number]> }
  >();

  constructor(
    private readonly stored: TrendingRepository,
    private readonly cache: Cache,
  ) {}

  /**
   * Counts plays that the caller guarantees are new (nearline drops duplicates by event id before
   * this), without the per-play lightweight transaction of `record`, and with one counter update
   * per (scope, bucket, title) for the whole set. Plays older than the window are ignored.
   * Returns how many were counted.
   */
  async countNew(plays: readonly Play[], now = Date.now()): Promise<number> {
    const increments = new Map<string, TrendingIncrement>();
    let counted = 0;
    for (const play of plays) {
      const at = Date.parse(play.timestamp);
      if (now - at > TRENDING.windowMs) continue;
      counted += 1;
      const bucket = bucketOf(at);
      for (const scope of scopesOf(play)) {
        const key = `${scope}|${bucket.getTime()}|${play.itemId}`;
        const entry = increments.get(key);
        if (entry) entry.plays += 1;
        else increments.set(key, { scope, bucket, itemId: play.itemId, plays: 1 });
      }
    }
    await this.stored.add([...increments.values()]);
    return counted;
  }

  /**
   * Counts a set of new plays at most once: the set is claimed (one lightweight transaction on a
   * digest of its event ids) before the counters are added, so counting the same set again — a
   * retry after a write that timed out but landed — adds nothing. A set claimed whose counter write
   * then failed is not counted (never twice). Returns how many plays were counted.
   */
  async countOnce(plays: readonly Play[], now = Date.now()): Promise<number> {
    if (plays.length === 0) return 0;
    const digest = createHash('sha256');
    for (const eventId of plays.map((p) => p.eventId).sort()) digest.update(eventId).update('\u0000');
    if (!(await this.stored.claim(`batch:${digest.digest('base64url')}`))) return 0;
    return this.countNew(plays, now);
  }

  /** The top `k` trending titles of a scope at `now`. */
  async read(scope: TrendingScope, k: number, now = Date.now()): Promise<ScoredList> {
    const key = `${scope}:${k}`;
    const memo = this.memo.get(key);
    if (memo && now - memo.at < TRENDING.cacheSeconds * 1000) return memo.list;
    const cacheKey = cacheKeys.trending(scope, k);
    const cached = await this.cache.getJson<ScoredList>(cacheKey);
    if (cached) {
      this.memo.set(key, { at: now, list: cached });
      return cached;
    }
    const list = await this.compute(scope, k, now);
    this.memo.set(key, { at: now, list });
    await this.cache.setJson(cacheKey, list, TRENDING.cacheSeconds);
    return list;
  }

  private async compute(scope: TrendingScope, k: number, now: number): Promise<ScoredList> {
    const buckets: Date[] = [];
    for (let t = bucketOf(now).getTime(); t > now - TRENDING.windowMs; t -= TRENDING.bucketMs)
      buckets.push(new Date(t));
    // Settled buckets due for a re-read, stalest first, a few per computation: re-reading them all
    // at once every minute was a burst of rows to parse that stalled the pages for 40 ms.
    const due = new Set(
      buckets
        .map((bucket) => ({ bucket, kept: this.settledBuckets.get(`${scope}|${bucket.getTime()}`) }))
        .filter(({ kept }) => kept && now - kept.readAt >= SETTLED_BUCKET_REREAD_MS)
        .sort((a, b) => (a.kept?.readAt ?? 0) - (b.kept?.readAt ?? 0))
        .slice(0, SETTLED_REREADS_PER_COMPUTATION)
        .map(({ bucket }) => bucket.getTime()),
    );
    const counts = await Promise.all(
      buckets.map((bucket) => this.bucketCounts(scope, bucket, now, due.has(bucket.getTime()))),
    );
    this.forgetBucketsBefore(now - TRENDING.windowMs - TRENDING.bucketMs);
    const scores = new Map<string, number>();
    counts.forEach((rows, b) => {
      const age = Math.max(0, now - ((buckets[b] as Date).getTime() + TRENDING.bucketMs / 2));
      const weight = Math.pow(2, -age / TRENDING.halfLifeMs);
      for (const [item, plays] of rows) scores.set(item, (scores.get(item) ?? 0) + plays * weight);
    });
    const top = [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k);
    return { itemIds: top.map(([id]) => id), scores: top.map(([, s]) => Math.round(s * 1000) / 1000) };
  }

  /**
   * A bucket's counts per title. The current and the previous bucket are read every time; older ones
   * only change by late plays, so their counts are reused until `reread` (at least a minute): a
   * recomputation reads a few partitions instead of 72 (and parses their rows on the event loop that
   * serves pages).
   */
  private async bucketCounts(
    scope: TrendingScope,
    bucket: Date,
    now: number,
    reread: boolean,
  ): Promise<Array<[string, number]>> {
    const key = `${scope}|${bucket.getTime()}`;
    const settled = bucket.getTime() < bucketOf(now).getTime() - TRENDING.bucketMs;
    const kept = this.settledBuckets.get(key);
    if (settled && kept && !reread) return kept.counts;
    const counts = await this.stored.bucketCounts(scope, bucket);
    if (settled) this.settledBuckets.set(key, { readAt: now, counts, bucketAt: bucket.getTime() });
    return counts;
  }

  private forgetBucketsBefore(time: number): void {
    for (const [key, kept] of this.settledBuckets) if (kept.bucketAt < time) this.settledBuckets.delete(key);
  }
}
