import type { Play } from '@marquee/domain';
import { shareId, type PlaysRepository, type StoredPlay } from '@marquee/storage';

/** The stored form of a play, as `plays_by_member` returns it. */
export function storedPlay(play: Play): StoredPlay {
  return {
    eventId: play.eventId,
    memberId: play.userId,
    itemId: shareId(play.itemId),
    device: shareId(play.device),
    playedAt: new Date(play.timestamp),
    positionMs: play.positionMs,
    durationMs: play.durationMs,
  };
}

/** The partition's clustering order: newest first, then event id ascending. */
function newestFirst(a: StoredPlay, b: StoredPlay): number {
  return (
    b.playedAt.getTime() - a.playedAt.getTime() ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

/**
 * Stores `plays` into `history` in place, as the partition reads after the writes: at most `limit`.
 * Binary insertion: a new play usually goes first. In place because nearline does this for every
 * member of every batch: copying a 500-play history each time kept the young generation's
 * collector busy copying and promoting arrays that were garbage a moment later.
 */
export function insertPlays(history: StoredPlay[], plays: readonly Play[], limit: number): StoredPlay[] {
  for (const play of plays) {
    const stored = storedPlay(play);
    let low = 0;
    let high = history.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (newestFirst(history[mid] as StoredPlay, stored) < 0) low = mid + 1;
      else high = mid;
    }
    const same = low < history.length && newestFirst(history[low] as StoredPlay, stored) === 0;
    history.splice(low, same ? 1 : 0, stored);
  }
  if (history.length > limit) history.length = limit;
  return history;
}

/**
 * The newest plays of the members this process applies plays for, kept in memory so a play costs no
 * read of the member's partition. Sound because a member's plays are applied by one consumer at a
 * time, in order. The kept copy is updated in place while the member's writes run and forgotten if
 * they fail (the next play reads the partition again); the whole cache is dropped when the group
 * rebalances (another process may have applied plays of these members meanwhile).
 */
export class MemberHistories {
  private readonly entries = new Map<string, StoredPlay[]>();
  private readonly loading = new Map<string, Promise<StoredPlay[]>>();
  private generation = 0;

  constructor(
    private readonly plays: PlaysRepository,
    /** Plays kept per member (the newest). */
    readonly limit: number,
    private readonly capacity = 20_000,
  ) {}

  /** The member's newest plays, newest first (from memory, else read from the partition once). */
  async get(memberId: string): Promise<StoredPlay[]> {
    const kept = this.entries.get(memberId);
    if (kept) {
      // Least recently used first in the map's order, so eviction drops the longest idle member.
      this.entries.delete(memberId);
      this.entries.set(memberId, kept);
      return kept;
    }
    const pending = this.loading.get(memberId);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.plays.recent(memberId, this.limit).finally(() => this.loading.delete(memberId));
    this.loading.set(memberId, load);
    const history = await load;
    if (generation === this.generation) this.set(memberId, history);
    return history;
  }

  /** Whether `history` (the member's newest stored plays) holds `play`. */
  holds(history: readonly StoredPlay[], play: Play): boolean {
    return history.some((p) => p.eventId === play.eventId);
  }

  /**
   * Whether `play` may be stored beyond what `history` keeps: the kept plays are the newest `limit`
   * and the play is no newer than the oldest of them.
   */
  mayBeOlderThanKept(history: readonly StoredPlay[], play: Play): boolean {
    const oldest = history[history.length - 1];
    return (
      history.length >= this.limit && !!oldest && Date.parse(play.timestamp) <= oldest.playedAt.getTime()
    );
  }

  /** The member's history after a successful write. */
  set(memberId: string, history: StoredPlay[]): void {
    this.entries.delete(memberId);
    this.entries.set(memberId, history);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Forgets one member (their writes failed, so the kept copy may hold plays the partition lacks). */
  forget(memberId: string): void {
    this.entries.delete(memberId);
  }

  /** Forgets every member (on a rebalance); loads in flight are not kept either. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
