import type { Client } from 'cassandra-driver';
import { isFinished, type Play } from '@marquee/domain';
import {
  ContinueWatchingRepository,
  PlaysRepository,
  cacheKeys,
  executeUnlogged,
  type Cache,
  type Statement,
} from '@marquee/storage';
import { forEachLimited, withRetries } from './concurrency';

export interface HistoryWriterOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Statements per unlogged batch (all of one member). */
  batchSize?: number;
}

export const DEFAULT_HISTORY_WRITER: Required<HistoryWriterOptions> = { concurrency: 64, batchSize: 64 };

/**
 * Writes plays into the members' history in bulk: the same `plays_by_member` rows and Continue
 * watching state nearline writes for them (the repositories' statements, with the play's time as
 * write timestamp), as concurrent unlogged batches, each batch one member's partition. The rows are
 * keyed by member, time and event id, so writing a play again changes nothing.
 *
 * Nearline's per-play work (fold-in, Because you watched, Trending) is not run; the next pipeline
 * run trains on the history. The members' hot copies of their history are dropped, so reads refill
 * them from Cassandra.
 */
export class HistoryWriter {
  private readonly plays: PlaysRepository;
  private readonly continueWatching: ContinueWatchingRepository;
  private readonly options: Required<HistoryWriterOptions>;

  constructor(
    private readonly client: Client,
    private readonly cache: Cache | undefined,
    options: HistoryWriterOptions = {},
  ) {
    this.plays = new PlaysRepository(client);
    this.continueWatching = new ContinueWatchingRepository(client);
    this.options = { ...DEFAULT_HISTORY_WRITER, ...options };
  }

  /** Writes `plays` (any members, any order); resolves once every row is stored. */
  async write(plays: readonly Play[]): Promise<void> {
    const byMember = new Map<string, Play[]>();
    for (const play of plays) {
      const own = byMember.get(play.userId);
      if (own) own.push(play);
      else byMember.set(play.userId, [play]);
    }
    const stored = await this.storedContinueWatching(byMember);
    const batches: Statement[][] = [];
    for (const [memberId, own] of byMember) {
      const statements = own.map((play) => this.plays.recordStatement(play));
      for (const play of this.continueWatchingPlays(own, stored.get(memberId)))
        statements.push(this.continueWatching.writeStatement(play));
      for (let i = 0; i < statements.length; i += this.options.batchSize)
        batches.push(statements.slice(i, i + this.options.batchSize));
    }
    await forEachLimited(batches, this.options.concurrency, (batch) =>
      withRetries(() => executeUnlogged(this.client, batch)),
    );
    const cache = this.cache;
    if (cache)
      await forEachLimited([...byMember.keys()], this.options.concurrency, async (memberId) => {
        await Promise.all([
          cache.delete(cacheKeys.recentPlays(memberId)),
          cache.delete(cacheKeys.continueWatching(memberId)),
        ]);
      });
  }

  /**
   * The plays whose Continue watching write can change the row: per title, the member's newest play
   * (an older one's write loses to it by write timestamp anyway), and a finished one only when the
   * member's row holds the title, so a history of finished titles leaves no tombstones behind.
   */
  private continueWatchingPlays(own: readonly Play[], stored: ReadonlySet<string> | undefined): Play[] {
    const newest = new Map<string, Play>();
    for (const play of own) {
      const seen = newest.get(play.itemId);
      if (!seen || Date.parse(play.timestamp) >= Date.parse(seen.timestamp)) newest.set(play.itemId, play);
    }
    return [...newest.values()].filter((play) => !isFinished(play) || stored?.has(play.itemId));
  }

  /** The titles in the Continue watching rows of members with a finished play among `byMember`. */
  private async storedContinueWatching(
    byMember: ReadonlyMap<string, readonly Play[]>,
  ): Promise<Map<string, Set<string>>> {
    const members = [...byMember].filter(([, own]) => own.some(isFinished)).map(([memberId]) => memberId);
    const stored = new Map<string, Set<string>>();
    await forEachLimited(members, this.options.concurrency, async (memberId) => {
      const entries = await withRetries(() => this.continueWatching.read(memberId));
      if (entries.length > 0) stored.set(memberId, new Set(entries.map((entry) => entry.itemId)));
    });
    return stored;
  }
}
