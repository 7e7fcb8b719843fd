import type { Statement } from '@marquee/storage';

/**
 * One part of a member's writes after their plays: Cassandra statements, sent with the member's
 * other writes in one request, and the hot copies, written at the same time (`stored` settles once
 * Cassandra has the statements, for a hot copy that must be rebuilt from it).
 */
export interface SignalWrite {
  statements: Statement[];
  cache(stored: Promise<void>): Promise<unknown>;
}
