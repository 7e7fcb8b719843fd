import { DEFAULT_PROFILE, type Maturity, type StoredProfile } from '@marquee/domain';
import type { Outcome } from './deadline';

/** Where a member's profile comes from: memcached, then Cassandra (ProfileStore). */
export interface ProfileReader {
  read(memberId: string): Promise<StoredProfile | null>;
}

/**
 * Whom a page is filtered for: the profile's maturity level and the region titles must be licensed
 * in. `profile` says where that came from: the member's stored profile, the default for a member
 * without one, or `unread` when the profile could not be read in time and the page fails closed.
 */
export interface Viewer {
  maturity: Maturity;
  region?: string;
  profile: 'stored' | 'default' | 'unread';
}

/**
 * The viewer of a page from how the profile read went. A member without a profile is an adult in
 * the request's region; a stored region takes the place of the request's. A read that failed or
 * was late is filtered as kids: a page never shows more than the profile might allow.
 */
export function viewerOf(outcome: Outcome<StoredProfile | null>, requestRegion?: string): Viewer {
  if (!outcome.ok) return { maturity: 'kids', ...withRegion(requestRegion), profile: 'unread' };
  const stored = outcome.value;
  if (!stored)
    return { maturity: DEFAULT_PROFILE.maturity, ...withRegion(requestRegion), profile: 'default' };
  return { maturity: stored.maturity, ...withRegion(stored.region ?? requestRegion), profile: 'stored' };
}

const withRegion = (region: string | undefined) => (region ? { region } : {});

/**
 * An in-process cache of profile reads in front of the ProfileReader: a member's requests within
 * `ttlMs` share one read, in flight or done. A failed read is dropped at once so the next request
 * reads again; a change of the profile (a PUT here, `members.updated` from another replica) drops
 * the member's entry.
 */
export class MemberProfiles {
  private readonly entries = new Map<string, { at: number; read: Promise<StoredProfile | null> }>();

  constructor(
    private readonly reader: ProfileReader,
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  read(memberId: string, now = Date.now()): Promise<StoredProfile | null> {
    const entry = this.entries.get(memberId);
    if (entry && now - entry.at < this.ttlMs) return entry.read;
    const read = this.reader.read(memberId);
    if (this.ttlMs <= 0) return read;
    this.entries.delete(memberId);
    this.entries.set(memberId, { at: now, read });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    read.catch(() => {
      if (this.entries.get(memberId)?.read === read) this.entries.delete(memberId);
    });
    return read;
  }

  drop(memberId: string): void {
    this.entries.delete(memberId);
  }

  clear(): void {
    this.entries.clear();
  }
}
