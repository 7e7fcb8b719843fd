import type { Client } from 'cassandra-driver';

/** What Cassandra holds of the accepted plays: counted by reading each member's history. */
export interface StoredCount {
  accepted: number;
  stored: number;
  lost: number;
  /** Rows beyond the first for one accepted event id (a play stored twice). */
  duplicates: number;
  /** The first lost event ids (at most 20), with their member, to look them up. */
  lostIds: string[];
}

/**
 * The plays the platform accepted (202 from `POST /v1/plays` or the broker's acknowledgement),
 * by member, with when each was accepted. Only accepted plays count: one a client gave up on was
 * never promised.
 */
export class AcceptedPlays {
  private readonly byMember = new Map<string, Map<string, number>>();
  private readonly confirmed = new Set<string>();
  size = 0;

  accept(memberId: string, eventId: string, at = Date.now()): void {
    let ids = this.byMember.get(memberId);
    if (!ids) this.byMember.set(memberId, (ids = new Map()));
    if (ids.has(eventId)) return;
    ids.set(eventId, at);
    this.size += 1;
  }

  /**
   * Whether every play accepted before `before` is in its member's history, reading only members
   * with plays not yet seen stored (one query each).
   */
  async allStored(cassandra: Client, before: number): Promise<boolean> {
    for (const [memberId, ids] of this.byMember) {
      const waiting = [...ids].filter(([id, at]) => at < before && !this.confirmed.has(id));
      if (waiting.length === 0) continue;
      const stored = await storedEventIds(cassandra, memberId);
      for (const [id] of waiting) if (stored.has(id)) this.confirmed.add(id);
      if (waiting.some(([id]) => !stored.has(id))) return false;
    }
    return true;
  }

  /** Reads every member's history and counts the accepted plays found once, more than once, or not. */
  async count(cassandra: Client): Promise<StoredCount> {
    let stored = 0;
    let duplicates = 0;
    const lostIds: string[] = [];
    for (const [memberId, ids] of this.byMember) {
      const rows = await storedEventIds(cassandra, memberId);
      for (const id of ids.keys()) {
        const n = rows.get(id) ?? 0;
        if (n > 0) stored += 1;
        else if (lostIds.length < 20) lostIds.push(`${memberId}/${id}`);
        if (n > 1) duplicates += n - 1;
      }
    }
    return { accepted: this.size, stored, lost: this.size - stored, duplicates, lostIds };
  }
}

/** Event ids in a member's play history, with how many rows hold each. */
async function storedEventIds(cassandra: Client, memberId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const result = await cassandra.execute(
    'SELECT event_id FROM plays_by_member WHERE member_id = ?',
    [memberId],
    { prepare: true, fetchSize: 100_000 },
  );
  for (const row of result.rows) {
    const id = row['event_id'] as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
